"""A vendor misbehaving below HTTP, through the real SDKs against the fake vendor server (no Python mocks):
an answer that trickles past the timeout (504 provider_timeout, within the timeout), one of tens of megabytes
(cut off at 4 MiB) and a connection reset halfway. The last two are retryable (``bad_response``): the next
provider is tried, and with none left the answer is 502 provider_error — the vendor was reached and answered
badly, a bad gateway rather than an outage. Each: one usage-log row per attempt, the reservation settled."""

import time
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from subscriptions.models import QuotaCounter, QuotaReservation
from tests.factories import ProviderConfigFactory, SubscriptionFactory
from usage.models import AIProviderUsageLog

URL = "/api/v1/job-extractor/extract"
POSTING = "We are hiring a Senior Python Developer at Initech in Berlin. Full-time, hybrid."
TIMEOUT = 1.5  # PROVIDER_TIMEOUT_SECONDS in these tests
TRICKLE_INTERVAL = 0.25  # each read gets a byte well within the SDKs' per-read timeout
VENDORS = ("openai", "anthropic", "gemini")
pytestmark = pytest.mark.django_db


@pytest.fixture
def api(settings: Any) -> APIClient:
    settings.PROVIDER_TIMEOUT_SECONDS = TIMEOUT
    client = APIClient()
    token = Token.objects.create(user=SubscriptionFactory().user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def configure(vendor_server: Any, vendor: str) -> None:
    ProviderConfigFactory(provider_type=vendor, base_url=vendor_server.base_url(vendor), is_default=True,
                          fast_model=f"{vendor}-fake", quality_model=f"{vendor}-fake")


def settled() -> bool:
    """Nothing reserved on any counter and no reservation pending."""
    counters = QuotaCounter.objects.values_list("reserved", flat=True)
    return bool(counters) and not any(counters) and not QuotaReservation.objects.exists()


@pytest.mark.parametrize("vendor", VENDORS)
def test_an_answer_that_trickles_past_the_timeout_is_a_504_within_the_timeout(api, vendor_server, vendor):
    configure(vendor_server, vendor)
    vendor_server.reply_trickling(interval=TRICKLE_INTERVAL)
    started = time.monotonic()

    response = api.post(URL, {"text": POSTING}, format="json")

    elapsed = time.monotonic() - started
    assert response.status_code == 504, response.json()
    assert response.json()["error"]["code"] == "provider_timeout"
    log = AIProviderUsageLog.objects.get()
    assert (log.status, log.error_code, log.provider_type) == ("error", "timeout", vendor)
    assert settled()
    # The answer (200+ bytes) takes a minute at this pace: with per-read timeouts only, the call lasted as long.
    assert elapsed < 200 * TRICKLE_INTERVAL / 2


@pytest.mark.parametrize("vendor", VENDORS)
def test_an_answer_of_tens_of_megabytes_is_cut_off_at_the_limit(api, vendor_server, vendor):
    configure(vendor_server, vendor)
    vendor_server.reply_flooding(size=50 * 1024 * 1024)

    response = api.post(URL, {"text": POSTING}, format="json")

    assert response.status_code == 502, response.json()
    assert response.json()["error"]["code"] == "provider_error"
    log = AIProviderUsageLog.objects.get()
    assert (log.status, log.error_code) == ("error", "bad_response")
    assert "larger than 4194304 bytes" in log.error_message  # read up to the limit, not the 50 MB
    assert settled()


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_connection_reset_halfway_is_a_clear_retryable_error(api, vendor_server, vendor):
    configure(vendor_server, vendor)
    vendor_server.reply_resetting()

    response = api.post(URL, {"text": POSTING}, format="json")

    assert response.status_code == 502, response.json()
    assert response.json()["error"]["code"] == "provider_error"
    log = AIProviderUsageLog.objects.get()
    assert (log.status, log.error_code) == ("error", "bad_response")
    assert settled()


def test_a_flooding_provider_falls_back_to_the_next_one(api, vendor_server):
    configure(vendor_server, "openai")
    ProviderConfigFactory(provider_type="mock", priority=200)
    vendor_server.reply_flooding()

    response = api.post(URL, {"text": POSTING}, format="json")

    assert response.status_code != 500
    rows = list(AIProviderUsageLog.objects.order_by("attempt").values_list("provider_type", "status"))
    assert rows[:2] == [("openai", "error"), ("mock", rows[1][1])]
    assert settled()


def test_the_next_call_on_the_same_client_works_after_a_fault(api, vendor_server):
    configure(vendor_server, "openai")
    vendor_server.reply_resetting()
    api.post(URL, {"text": POSTING}, format="json")
    vendor_server.reply_json(vendor="openai", payload={"title": "Engineer"})

    response = api.post(URL, {"text": POSTING}, format="json")

    assert response.status_code != 500
    assert AIProviderUsageLog.objects.filter(status="success").count() == 1
    assert settled()
