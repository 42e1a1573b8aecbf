"""A server process killed with SIGKILL in the middle of a call (what the OOM killer or a lost machine does):
nothing in it runs, so the call's reservation stays pending. ``manage.py quota_reclaim`` gives it back once it
is older than the timeout, and the user's quota is whole again."""

import threading
from datetime import timedelta
from io import StringIO
from typing import Any

import httpx2
import pytest
from django.core.management import call_command

from subscriptions.models import QuotaCounter, QuotaReservation
from subscriptions.services import quota_reclaim, quota_status
from tests.faults.conftest import needs_postgres
from tests.faults.processes import ServerProcess, wait_until
from usage.models import AIProviderUsageLog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), needs_postgres]
EXTRACT = "/api/v1/job-extractor/extract"
POSTING = "We are hiring a Senior Python Developer at Initech in Berlin. Full-time, hybrid."


def call_in_background(server: ServerProcess, token: str, outcome: list[Any]) -> threading.Thread:
    def call() -> None:
        try:
            headers = {"Authorization": f"Token {token}"}
            with httpx2.Client(base_url=server.url, headers=headers, timeout=60) as client:
                outcome.append(client.post(EXTRACT, json={"text": POSTING}))
        except httpx2.TransportError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    return thread


def test_a_reservation_left_by_a_killed_server_is_reclaimed_after_the_timeout(
    server: ServerProcess, subscriber: Any, vendor_server: Any
) -> None:
    server.start()
    limit = quota_status(user=subscriber).daily.limit
    vendor_server.reply_slowly(30)  # the vendor is still thinking when the server dies
    outcome: list[Any] = []
    thread = call_in_background(server, subscriber.token, outcome)
    wait_until(lambda: len(vendor_server.requests) == 1, "the call to reach the vendor", seconds=60)
    reserved = QuotaCounter.objects.get(user=subscriber, period="day").reserved

    server.kill()
    thread.join(timeout=30)

    assert isinstance(outcome[0], httpx2.TransportError)  # the client saw the connection drop, no status at all
    assert reserved > 0
    assert not AIProviderUsageLog.objects.exists()  # the attempt's row is written after the vendor answers
    assert QuotaReservation.objects.get().tokens == reserved
    assert quota_status(user=subscriber).daily.remaining == limit - reserved

    assert quota_reclaim(older_than=timedelta(minutes=5)).reservations == 0  # younger than any call may last
    out = StringIO()
    call_command("quota_reclaim", "--older-than", "0", stdout=out)

    assert out.getvalue().strip() == f"1 reservation older than 0 s released ({reserved} tokens)."
    assert {c.period: (c.used, c.reserved) for c in QuotaCounter.objects.filter(user=subscriber)} == {
        "day": (0, 0), "month": (0, 0)}
    assert quota_status(user=subscriber).daily.remaining == limit
    assert not QuotaReservation.objects.exists()
