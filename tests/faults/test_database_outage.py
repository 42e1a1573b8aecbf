"""PostgreSQL unreachable for real: a server process (``make serve``'s gunicorn, else runserver) reaches the
database through a TCP proxy that the test cuts (every connection closed, new ones refused) and restores, as a
database restart or a network cut does. While it lasts: 503 database_unavailable with Retry-After (never a 500),
no provider call, nothing reserved, /healthz and /readyz 503. Afterwards requests succeed with no restart.
The server also starts without its database, and serves once the database is there."""

from typing import Any

import httpx2
import pytest
from django.test import Client

from subscriptions.models import QuotaCounter, QuotaReservation
from tests.factories import UserFactory
from tests.faults.conftest import needs_postgres
from tests.faults.processes import ServerProcess, TcpProxy, wait_until
from tests.orchestrator.test_api_extract import EXTRACTED
from usage.models import AIProviderUsageLog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), needs_postgres]
EXTRACT = "/api/v1/job-extractor/extract"
POSTING = "We are hiring a Senior Python Developer at Initech in Berlin. Full-time, hybrid."


def test_the_server_starts_without_its_database_and_serves_once_it_is_there(
    server: ServerProcess, database_proxy: TcpProxy, subscriber: Any
) -> None:
    database_proxy.cut()
    server.start()
    client = httpx2.Client(base_url=server.url, headers={"Authorization": f"Token {subscriber.token}"}, timeout=30)

    assert [client.get(path).status_code for path in ("/healthz", "/readyz", "/api/v1/jobs/")] == [503] * 3

    database_proxy.restore()
    wait_until(lambda: client.get("/healthz").status_code == 200, "/healthz to see the database")
    assert client.get("/api/v1/jobs/").status_code == 200


def test_a_cut_database_is_a_503_with_retry_after_then_the_service_recovers(
    server: ServerProcess, database_proxy: TcpProxy, subscriber: Any, vendor_server: Any
) -> None:
    server.start()
    client = httpx2.Client(base_url=server.url, headers={"Authorization": f"Token {subscriber.token}"}, timeout=30)
    for _ in range(3):
        vendor_server.reply_json(vendor="openai", payload=EXTRACTED)
    assert client.post(EXTRACT, json={"text": POSTING}).status_code == 201
    before = {c.period: (c.used, c.reserved) for c in QuotaCounter.objects.filter(user=subscriber)}

    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))  # outside DRF: a session read from the DB
    admin_client = httpx2.Client(base_url=server.url, cookies={"sessionid": admin.cookies["sessionid"].value})

    database_proxy.cut()
    responses = [client.get("/api/v1/jobs/"), client.post(EXTRACT, json={"text": POSTING + " 2"}),
                 admin_client.get("/admin/"), client.get("/healthz"), client.get("/readyz")]

    assert [r.status_code for r in responses] == [503] * 5
    for response in responses[:3]:
        assert response.json()["error"]["code"] == "database_unavailable"
        assert response.headers["Retry-After"] == "5"
    assert responses[3].json()["database"] == responses[4].json()["database"] == "error"
    assert len(vendor_server.requests) == 1  # no provider call without a reservation

    database_proxy.restore()
    seen: list[int] = []
    wait_until(lambda: seen.append(client.get("/api/v1/jobs/").status_code) or seen[-1] == 200, "a 200 again")

    assert set(seen) <= {200, 503}  # pooled connections cut by the proxy may each fail once, never a 500
    assert [client.get("/api/v1/jobs/").status_code for _ in range(5)] == [200] * 5
    assert client.get("/readyz").status_code == 200
    assert client.post(EXTRACT, json={"text": POSTING + " 3"}).status_code == 201
    assert list(AIProviderUsageLog.objects.order_by("pk").values_list("status", flat=True)) == ["success"] * 2
    after = {c.period: (c.used, c.reserved) for c in QuotaCounter.objects.filter(user=subscriber)}
    assert after["day"][1] == 0
    assert after["day"][0] > before["day"][0]
    assert not QuotaReservation.objects.exists()
