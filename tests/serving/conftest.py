"""The production server for real: ``make serve`` (gunicorn, gevent workers, the psycopg pool) started as a
process against the test database, in front of the benchmark's fake upstream (bench/upstream.py), with a
latency the test chooses. PostgreSQL only: on SQLite these tests skip, saying why."""

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from providers.models import AIProviderConfig
from subscriptions.models import Plan
from tests.factories import PlanFactory, ProviderConfigFactory, SubscriptionFactory
from tests.faults.conftest import database_url
from tests.faults.processes import ServerProcess, free_port, port_open, wait_until

ROOT = Path(__file__).resolve().parents[2]
EXTRACT = "/api/v1/job-extractor/extract"
POSTING = (ROOT / "bench" / "posting.txt").read_text()
APPLICATION_NAME = "serving-test"  # marks the servers' PostgreSQL connections in pg_stat_activity

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: server processes share the test database (set DATABASE_URL; .ci/run does)",
)


class Upstream:
    """The benchmark's fake OpenAI-compatible upstream in a process of its own (a valid job posting for
    every chat completion, after the latency set here)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.upstream", "--port", str(self.port)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), "the fake upstream")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
            return response.read()

    def set_latency(self, ms: int, jitter_ms: int = 0) -> None:
        self._get(f"/_bench/latency?ms={ms}&jitter={jitter_ms}")

    def last_request(self) -> dict[str, str]:
        """The model and the Authorization header of the last chat completion it received."""
        return json.loads(self._get("/_bench/last"))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class MadeServer(ServerProcess):
    """The service as ``make serve`` starts it (collectstatic, then gunicorn with config/gunicorn.conf.py),
    HOST/PORT from the environment; make is the process the test holds, gunicorn's master its child."""

    def __init__(self, *, log: Path, env: dict[str, str]) -> None:
        url = database_url(host=connection.settings_dict["HOST"] or "127.0.0.1",
                           port=int(connection.settings_dict["PORT"] or 5432))
        super().__init__(database_url=f"{url}?application_name={APPLICATION_NAME}", env=env)
        self.env.update({"HOST": "127.0.0.1", "PORT": str(self.port), "RESPONSE_CACHE_ENABLED": "false"})
        self.env.pop("GUNICORN_CMD_ARGS", None)
        self.log = log

    def start(self) -> "MadeServer":
        # -o: the venv counts as installed (a test never reinstalls it)
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                ["make", "--no-print-directory", "-s", "-o", ".venv/.installed", "serve"],
                cwd=self.root, env=self.env, start_new_session=True, stdout=output, stderr=subprocess.STDOUT,
            )
        wait_until(lambda: port_open(self.port), f"make serve on port {self.port} (log: {self.log})", seconds=120)
        return self

    def gunicorn_pid(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return int(children[0])


def server_connections() -> int:
    """The servers' connections to PostgreSQL now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APPLICATION_NAME])
        return cursor.fetchone()[0]


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    upstream = Upstream()
    yield upstream
    upstream.stop()


@pytest.fixture
def upstream_config(upstream: Upstream) -> AIProviderConfig:
    return ProviderConfigFactory(
        provider_type="openai", base_url=upstream.base_url, fast_model="gpt-bench", quality_model="gpt-bench",
        is_default=True,
    )


def subscribers(count: int, plan: Plan | None = None, **plan_fields: Any) -> list[str]:
    """``count`` users on one plan (unlimited unless said), and their API tokens."""
    plan = plan or PlanFactory(requests_per_minute=10_000, **plan_fields)
    return [Token.objects.create(user=SubscriptionFactory(plan=plan).user).key for _ in range(count)]


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "")
