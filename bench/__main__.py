"""The load benchmark: the job-extraction endpoint under the production server, against a fake upstream.

    make bench                                   # or: .venv/bin/python -m bench [options]
    make bench BENCH_ARGS="--duration 15 --loads 1000x200"
    make bench BENCH_ARGS="--server-args '--worker-class gthread --threads 100'"

It sets up its own database (``BENCH_DATABASE_URL``, default the ``orchestrator_bench`` database on the local
PostgreSQL; ``BENCH_REDIS_URL``, default Redis db 15, flushed), starts the fake upstream (bench.upstream) and
the server exactly as ``make serve`` does (``gunicorn --config config/gunicorn.conf.py``, response cache off),
then for each load runs wrk against the upstream directly and against
``POST /api/v1/job-extractor/extract`` (pasted text), and prints one table: requests/s (2xx only), latency
percentiles and what the service adds to the upstream's, non-2xx answers and socket errors, CPU ms per
request of the server's processes (and of PostgreSQL + Redis, machine-wide), and their memory.
Needs ``wrk`` (Debian package).
"""

import argparse
import json
import os
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench import procs
from bench.report import Measurement, print_table

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENDPOINT = "/api/v1/job-extractor/extract"
DEFAULT_LOADS = "0x1,0x50,1000x50,1000x200"
POSTING_TEXT = (ROOT / "bench" / "posting.txt").read_text()


@dataclass(frozen=True)
class Load:
    latency_ms: int
    connections: int
    jitter_ms: int

    @property
    def name(self) -> str:
        jitter = f" ± {self.jitter_ms}" if self.jitter_ms else ""
        return f"{self.latency_ms}{jitter} ms x {self.connections}"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", default=DEFAULT_LOADS, help="upstream-ms x connections, comma-separated")
    parser.add_argument("--jitter-ms", type=int, default=200, help="± jitter of the loads with a latency")
    parser.add_argument("--duration", type=int, default=12, help="seconds measured per run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before each measured run")
    parser.add_argument("--server-args", default="", help="extra gunicorn options (they win over the config file)")
    parser.add_argument("--label", default="", help="a name for this configuration in the table")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    return parser.parse_args()


def loads_from(text: str, jitter_ms: int) -> list[Load]:
    loads = []
    for item in text.split(","):
        latency, connections = (int(part) for part in item.strip().split("x"))
        loads.append(Load(latency, connections, jitter_ms if latency else 0))
    return loads


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/orchestrator_bench"),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CRYPTOGRAPHY_KEY": "bench-only-cryptography-key",  # the same across runs: it encrypts a fake key
        "RESPONSE_CACHE_ENABLED": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
    }


def database_prepare(env: dict[str, str]) -> None:
    """Create the database when missing, migrate it, empty the Redis db."""
    import psycopg
    import redis

    url = urlsplit(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')  # the name comes from the operator's own setting
    subprocess.run([BIN / "python", "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def tokens_create(env: dict[str, str], upstream_port: int) -> list[str]:
    upstream = f"http://127.0.0.1:{upstream_port}/v1"
    output = subprocess.run(  # noqa: S603
        [BIN / "python", "-m", "bench.setup_data", "--upstream", upstream],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def wait_until_up(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (a loopback URL built here)
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"not up after {seconds:.0f} s: {url}")


def start(stack: ExitStack, command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    output = stack.enter_context(log.open("wb"))
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    stack.callback(stop, process)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def set_latency(upstream_port: int, load: Load) -> None:
    url = f"http://127.0.0.1:{upstream_port}/_bench/latency?ms={load.latency_ms}&jitter={load.jitter_ms}"
    with urllib.request.urlopen(url, timeout=5):
        pass


def wrk(url: str, connections: int, seconds: int, files: dict[str, Path]) -> dict:
    command = [
        "wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
        "-s", str(ROOT / "bench" / "wrk.lua"), url,
    ]
    env = {**os.environ, **{name: str(path) for name, path in files.items()}}
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout  # noqa: S603
    line = next(line for line in output.splitlines() if line.startswith("BENCH_RESULT "))
    return json.loads(line.removeprefix("BENCH_RESULT "))


class Bench:
    """The processes of one benchmark run and the measuring of one load."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args, self.workdir = args, workdir
        self.upstream_port, self.server_port = free_port(), free_port()
        self.env = server_environment(self.server_port)

    def start(self, stack: ExitStack) -> None:
        database_prepare(self.env)
        upstream = [BIN / "python", "-m", "bench.upstream", "--port", str(self.upstream_port)]
        start(stack, [str(part) for part in upstream], self.env, self.workdir / "upstream.log")
        tokens = tokens_create(self.env, self.upstream_port)
        (self.workdir / "tokens").write_text("\n".join(tokens) + "\n")
        (self.workdir / "extract.json").write_text(json.dumps({"text": POSTING_TEXT}))
        chat = {"model": "gpt-bench", "messages": [{"role": "user", "content": POSTING_TEXT}]}
        (self.workdir / "chat.json").write_text(json.dumps(chat))
        server = [str(BIN / "gunicorn"), "--config", "config/gunicorn.conf.py", *shlex.split(self.args.server_args)]
        self.server = start(stack, server, self.env, self.workdir / "server.log")
        wait_until_up(f"http://127.0.0.1:{self.server_port}/healthz")

    def measure(self, load: Load) -> tuple[Measurement, Measurement]:
        set_latency(self.upstream_port, load)
        direct_url = f"http://127.0.0.1:{self.upstream_port}/v1/chat/completions"
        direct = wrk(direct_url, load.connections, self.args.duration, {"BENCH_BODY_FILE": self.workdir / "chat.json"})
        files = {"BENCH_BODY_FILE": self.workdir / "extract.json", "BENCH_TOKENS_FILE": self.workdir / "tokens"}
        url = f"http://127.0.0.1:{self.server_port}{ENDPOINT}"
        if self.args.warmup:
            wrk(url, load.connections, self.args.warmup, files)
        tree, databases = procs.process_tree(self.server.pid), procs.database_pids()
        cpu_before, db_before = procs.cpu_seconds(tree), procs.cpu_seconds(databases)
        with procs.RssSampler(self.server.pid) as rss:
            result = wrk(url, load.connections, self.args.duration, files)
        tree = procs.process_tree(self.server.pid)
        cpu = procs.cpu_delta(cpu_before, procs.cpu_seconds(tree))
        db_cpu = procs.cpu_delta(db_before, procs.cpu_seconds(databases))
        service = Measurement.from_wrk(load.name, result, cpu_seconds=cpu, db_cpu_seconds=db_cpu, rss=rss.peak)
        return Measurement.from_wrk(load.name, direct), service


def main() -> None:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    loads = loads_from(args.loads, args.jitter_ms)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir, ExitStack() as stack:
        bench = Bench(args, Path(workdir))
        bench.start(stack)
        for load in loads:
            direct, service = bench.measure(load)
            results.append((direct, service))
            print(f"  measured {load.name}: {service.rps:.1f} req/s", file=sys.stderr, flush=True)
        server_log = (Path(workdir) / "server.log").read_text(errors="replace")
    label = args.label or f"gunicorn {args.server_args or '(config/gunicorn.conf.py)'}"
    print_table(label, results, duration=args.duration)
    errors = [line for line in server_log.splitlines() if '"level": "ERROR"' in line or "Traceback" in line]
    if errors:
        print(f"\nserver log: {len(errors)} error lines; first: {errors[0][:300]}")
        tracebacks = [line for line in errors if "exc_info" in line]
        if tracebacks:  # its last line names the exception
            print("first traceback ends:", json.loads(tracebacks[0])["exc_info"].splitlines()[-1][:500])
    if args.json:
        args.json.write_text(json.dumps([[d.__dict__, s.__dict__] for d, s in results], indent=2))


if __name__ == "__main__":
    main()
