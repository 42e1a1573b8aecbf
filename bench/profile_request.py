"""In-process CPU profile of POST /api/v1/job-extractor/extract through Django's whole stack (WSGI handler,
middleware, DRF) against the benchmark's fake upstream at 0 ms, on PostgreSQL + Redis (its own database,
``orchestrator_prof``, and Redis db 9). Prints the CPU ms of a request without the profiler, and
cProfile's top functions in CPU time (not wall time: waits on PostgreSQL, Redis and the upstream do not
count).

    .venv/bin/python -m bench.profile_request [--requests 300] [--sort cumulative|tottime]
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM_PORT = 9177
ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false", "SECRET_KEY": "profile-" * 8,
    "CRYPTOGRAPHY_KEY": "profile-crypto-" * 4, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/orchestrator_prof",
    "REDIS_URL": "redis://127.0.0.1:6379/9", "RESPONSE_CACHE_ENABLED": "false",
    "ALLOWED_HOSTS": "testserver,127.0.0.1", "LOG_LEVEL": "WARNING",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    args = parser.parse_args()
    os.environ.update(ENVIRONMENT)
    create = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "CREATE DATABASE orchestrator_prof"]
    subprocess.run(create, capture_output=True, check=False)  # noqa: S603 - fixed arguments, psql on PATH
    upstream = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
[sys.executable, "-m", "bench.upstream", "--port", str(UPSTREAM_PORT)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        profile(requests=args.requests, sort=args.sort)
    finally:
        upstream.terminate()


def request_maker() -> Callable[[int], None]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench.setup_data import bench_data_setup

    call_command("migrate", verbosity=0)
    tokens = bench_data_setup(upstream=f"http://127.0.0.1:{UPSTREAM_PORT}/v1", users=10)
    client, body = Client(), json.dumps({"text": (ROOT / "bench" / "posting.txt").read_text()})

    def one(i: int) -> None:
        response = client.post("/api/v1/job-extractor/extract", body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {tokens[i % len(tokens)]}")
        assert response.status_code == 201, response.content[:300]

    return one


def profile(*, requests: int, sort: str) -> None:
    one = request_maker()
    for i in range(50):  # warm-up: imports, caches, pools
        one(i)
    started = time.process_time()
    for i in range(requests):
        one(i)
    cpu_ms = (time.process_time() - started) / requests * 1000
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for i in range(requests):
        one(i)
    profiler.disable()
    print(f"CPU per request, without the profiler: {cpu_ms:.2f} ms")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(60)
    print(out.getvalue())


if __name__ == "__main__":
    main()
