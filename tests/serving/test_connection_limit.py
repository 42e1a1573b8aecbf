"""PostgreSQL connections under many slow calls: each server process has a pool of at most
``DB_POOL_MAX_SIZE`` connections and hands its connection back before the provider call, so hundreds of calls
in flight need a handful of connections; past the pool a request waits ``DB_POOL_TIMEOUT``, then gets a 503."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import psycopg
import pytest
from django.db import connection

from subscriptions.models import QuotaCounter, QuotaReservation
from tests.faults.processes import wait_until
from tests.serving.conftest import (
    EXTRACT,
    POSTING,
    MadeServer,
    Upstream,
    needs_postgres,
    server_connections,
    subscribers,
)
from usage.models import AIProviderUsageLog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), needs_postgres]

CALLS = 300
WORKERS, POOL = 2, 4  # at most 8 connections for 300 calls in flight
UPSTREAM_MS = 1500


class PeakConnections:
    """The most connections the servers held at once, sampled every 20 ms while in the block."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, server_connections())
        connection.close()  # this thread's own

    def __enter__(self) -> "PeakConnections":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture
def slow_upstream(upstream: Upstream) -> Iterator[Upstream]:
    upstream.set_latency(UPSTREAM_MS)
    yield upstream
    upstream.set_latency(0)


def test_300_concurrent_slow_calls_never_exceed_the_connection_limit_and_never_answer_500(
    tmp_path: Path, slow_upstream: Upstream, upstream_config: object
) -> None:
    tokens = subscribers(30, daily_token_limit=None, monthly_token_limit=None)
    env = {"WEB_CONCURRENCY": str(WORKERS), "DB_POOL_MAX_SIZE": str(POOL), "DB_POOL_MIN_SIZE": "1",
           "DB_POOL_TIMEOUT": "15"}
    server = MadeServer(log=tmp_path / "server.log", env=env).start()
    client = httpx2.Client(base_url=server.url, timeout=120, limits=httpx2.Limits(max_connections=CALLS))

    def extract(number: int) -> int:
        headers = {"Authorization": f"Token {tokens[number % len(tokens)]}"}
        return client.post(EXTRACT, json={"text": f"{POSTING}\n(ref {number})"}, headers=headers).status_code

    try:
        with PeakConnections() as connections, ThreadPoolExecutor(CALLS) as pool:
            statuses = list(pool.map(extract, range(CALLS)))
    finally:
        server.stop()

    # Held through the 1.5 s call, 8 connections could serve ~80 calls before the others' 15 s wait ran out.
    assert statuses == [201] * CALLS
    assert 0 < connections.peak <= WORKERS * POOL
    assert AIProviderUsageLog.objects.filter(status="success").count() == CALLS
    assert not QuotaReservation.objects.exists()
    assert set(QuotaCounter.objects.values_list("reserved", flat=True)) == {0}


def test_past_the_pool_a_request_waits_then_gets_a_503_with_retry_after_never_a_500(tmp_path: Path) -> None:
    token = subscribers(1)[0]
    env = {"WEB_CONCURRENCY": "1", "DB_POOL_MAX_SIZE": "1", "DB_POOL_MIN_SIZE": "1", "DB_POOL_TIMEOUT": "1"}
    server = MadeServer(log=tmp_path / "server.log", env=env).start()
    client = httpx2.Client(base_url=server.url, timeout=60, headers={"Authorization": f"Token {token}"})
    settings = connection.settings_dict
    try:
        # Another client locks the token table: one request holds the pool's only connection, waiting on the lock.
        with psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                             user=settings["USER"], password=settings["PASSWORD"], dbname=settings["NAME"]) as locker, \
                ThreadPoolExecutor(4) as pool:
            locker.execute("LOCK TABLE authtoken_token IN ACCESS EXCLUSIVE MODE")
            responses = [pool.submit(client.get, "/api/v1/jobs/") for _ in range(4)]
            wait_until(lambda: sum(response.done() for response in responses) == 3, "three requests answered")
            locker.rollback()  # the lock goes: the request that held the connection finishes
            answered = [response.result() for response in responses]
    finally:
        server.stop()

    assert sorted(response.status_code for response in answered) == [200, 503, 503, 503]
    for response in answered:
        if response.status_code == 503:
            assert response.json()["error"]["code"] == "database_unavailable"
            assert int(response.headers["Retry-After"]) > 0
