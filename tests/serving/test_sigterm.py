"""A clean stop: SIGTERM to ``make serve`` while calls are in flight. make passes it to gunicorn, which stops
accepting, lets every call finish within its graceful timeout (settling its quota reservation), then exits."""

import os
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest

from subscriptions.models import QuotaCounter, QuotaReservation
from tests.faults.processes import port_open, wait_until
from tests.serving.conftest import EXTRACT, POSTING, MadeServer, Upstream, needs_postgres, subscribers
from usage.models import AIProviderUsageLog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), needs_postgres]

CALLS = 20
UPSTREAM_MS = 10_000  # long enough for the calls to be in flight together, even on a busy machine


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"  # a zombie has exited


def arrived() -> int:
    """Calls past their reservation: in flight (a reservation held) or done (a usage row)."""
    return QuotaReservation.objects.count() + AIProviderUsageLog.objects.count()


def test_sigterm_during_in_flight_calls_lets_them_finish_and_leaves_every_reservation_settled(
    tmp_path: Path, upstream: Upstream, upstream_config: object
) -> None:
    tokens = subscribers(CALLS)
    upstream.set_latency(UPSTREAM_MS)
    env = {"WEB_CONCURRENCY": "2", "PROVIDER_TIMEOUT_SECONDS": "20"}
    server = MadeServer(log=tmp_path / "server.log", env=env).start()
    gunicorn = server.gunicorn_pid()
    client = httpx2.Client(base_url=server.url, timeout=60, limits=httpx2.Limits(max_connections=CALLS))

    def extract(number: int) -> httpx2.Response:
        return client.post(EXTRACT, json={"text": POSTING}, headers={"Authorization": f"Token {tokens[number]}"})

    try:
        with ThreadPoolExecutor(CALLS) as pool:
            responses = [pool.submit(extract, number) for number in range(CALLS)]
            # every call past its reservation (an early error answer ends the wait too, and fails below)
            wait_until(lambda: arrived() == CALLS or any(r.done() for r in responses), "the calls", seconds=90)
            in_flight = QuotaReservation.objects.count()
            os.kill(server.process.pid, signal.SIGTERM)  # to make, as a supervisor would
            statuses = [response.result().status_code for response in responses]
        wait_until(lambda: not pid_alive(gunicorn), "gunicorn to exit", seconds=60)
    finally:
        upstream.set_latency(0)
        server.stop()

    assert in_flight > 0
    assert statuses == [201] * CALLS
    assert not port_open(server.port)
    assert not QuotaReservation.objects.exists()
    assert set(QuotaCounter.objects.values_list("reserved", flat=True)) == {0}
    logs = AIProviderUsageLog.objects.filter(status="success")
    assert logs.count() == CALLS
    used_today = sum(QuotaCounter.objects.filter(period="day").values_list("used", flat=True))
    assert used_today == sum(log.total_tokens for log in logs) > 0
