"""gunicorn, the production server (``make serve``): a few threaded workers, each holding a hundred calls.

An AI call waits seconds on the provider while using milliseconds of CPU, so a worker must hold many of
them at once. Each gthread worker runs ``WEB_THREADS`` requests in threads (the GIL is released on every
socket wait). Measured against gevent with the benchmark (README, "Production: the worker model"): the
same throughput at one call in flight, but under 200 slow calls gevent's CPU per request grew fourfold
and its throughput fell to a fifth of gthread's, whose CPU per request stayed flat — so threads are the
default and ``WEB_WORKER_CLASS=gevent`` stays a switch for re-measuring. Database connections are bounded
per worker by the psycopg pool (settings ``DB_POOL_MAX_SIZE``) and handed back before each provider call
(``core.db``), so ``WEB_CONCURRENCY`` times ``DB_POOL_MAX_SIZE`` is the most PostgreSQL sees, however many
threads wait on providers.

Every value comes from the environment (and ``.env``, as for the settings); GUNICORN_CMD_ARGS or command
line options override them (the benchmark compares worker models that way).
"""

import os
import shutil
import tempfile
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

wsgi_app = "config.wsgi:application"
bind = [f"{env.str('HOST', default='127.0.0.1')}:{env.int('PORT', default=8000)}"]
workers = env.int("WEB_CONCURRENCY", default=2)  # one per core: the CPU work of a request is Python
# "gthread" (WEB_THREADS threads a worker) or "gevent": the benchmark compares them (README, performance).
worker_class = env.str("WEB_WORKER_CLASS", default="gthread")
threads = env.int("WEB_THREADS", default=100)  # gthread only
# Client connections per worker (gthread: open keep-alive connections; gevent: its greenlet pool); past it a
# connection waits in the listen backlog.
worker_connections = env.int("WEB_WORKER_CONNECTIONS", default=500)
backlog = 2048
# Seconds an idle keep-alive connection stays open. Behind a load balancer that keeps connections, set it
# above the balancer's idle timeout; a stop also waits this long for idle connections to close.
keepalive = env.int("WEB_KEEPALIVE", default=5)

# SIGTERM: stop accepting, let the calls in flight finish (and settle their quota), then exit. A call may try
# each fallback provider for up to PROVIDER_TIMEOUT_SECONDS (three vendors) after a page fetch of 10 s.
_provider_timeout = env.float("PROVIDER_TIMEOUT_SECONDS", default=60.0)
graceful_timeout = env.int("WEB_GRACEFUL_TIMEOUT", default=int(_provider_timeout * 3 + 15))
# A worker that does not report for this long (CPU-bound or stuck outside gevent) is killed and replaced.
timeout = env.int("WEB_WORKER_TIMEOUT", default=30)
if Path("/dev/shm").is_dir():  # noqa: S108 (gunicorn creates its own file in it)
    worker_tmp_dir = "/dev/shm"  # noqa: S108 (the heartbeat file: not on a disk that may stall)

# Behind a TLS-terminating proxy: whose X-Forwarded-* headers gunicorn trusts (Django: SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = env.str("FORWARDED_ALLOW_IPS", default="127.0.0.1")
accesslog = env.str("WEB_ACCESS_LOG", default="") or None  # "-" for stdout; the app logs every request already
errorlog = "-"
loglevel = env.str("LOG_LEVEL", default="info").lower()
proc_name = "ai-orchestrator"
# gunicorn's runtime control socket (gunicornc) sits at one path per user: two servers on a host would share it.
control_socket_disable = True

# prometheus-client in multiprocess mode: one directory of value files that every worker writes and /metrics
# sums. Set in the master, before the workers are forked (prometheus-client reads it when imported).
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ai-orchestrator-metrics-")


def on_starting(server) -> None:
    """A fresh start has no worker yet: old value files would be summed into /metrics as if alive."""
    metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    metrics_dir.mkdir(parents=True, exist_ok=True)
    for path in metrics_dir.glob("*.db"):
        path.unlink()


def post_worker_init(worker) -> None:
    """Import the URLconf, and with it every view, before the first request: Django does it lazily, and that
    first request (a load balancer's health check, or a user's) would wait seconds of imports."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the property imports them)


def child_exit(server, worker) -> None:
    """A dead worker's gauges must not be summed any more (its counters stay: they are totals)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
