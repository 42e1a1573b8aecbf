"""Redis lost, frozen and back, for real: a redis-server of the test's own is killed (SIGKILL), frozen
(SIGSTOP: connections accepted, never answered) and started again on the same port, under the real settings'
cache backend (core.cache.TolerantRedisCache). What the clients saw (never a 500), the usage-log rows and the
quota counters are checked before and after, and the operator's view: /healthz, /readyz, the gauge, the log."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from prometheus_client import REGISTRY
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from subscriptions.models import QuotaCounter, QuotaReservation
from tests.factories import PlanFactory, ProviderConfigFactory, SubscriptionFactory
from tests.faults.processes import RedisProcess, wait_until
from usage.models import AIProviderUsageLog

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not RedisProcess.available(), reason="needs redis-server on PATH (Debian: redis-server)"),
]
EXTRACT = "/api/v1/job-extractor/extract"
POSTING = "We are hiring a Senior Python Developer at Initech in Berlin. Full-time, hybrid."
PASSWORD = "pass-word-123"  # tests.factories.UserFactory's


@pytest.fixture
def redis_server(settings: Any) -> Iterator[RedisProcess]:
    server = RedisProcess().start()
    settings.CACHES = {"default": {"BACKEND": "core.cache.TolerantRedisCache", "LOCATION": server.url}}
    yield server
    server.kill()


@pytest.fixture
def user(db: None) -> Any:
    ProviderConfigFactory(provider_type="mock", is_default=True)
    return SubscriptionFactory(plan=PlanFactory(code="outage", requests_per_minute=100)).user


@pytest.fixture
def api(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def every_endpoint(api: APIClient, user: Any) -> list[int]:
    """The statuses of a token login, an extraction (a provider call through the quota) and a list."""
    login = APIClient().post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, format="json")
    extract = api.post(EXTRACT, {"text": POSTING}, format="json")
    jobs = api.get("/api/v1/jobs/")
    return [login.status_code, extract.status_code, jobs.status_code]


def counters(user: Any) -> dict[str, tuple[int, int]]:
    return {c.period: (c.used, c.reserved) for c in QuotaCounter.objects.filter(user=user)}


def degraded_gauge() -> float:
    return REGISTRY.get_sample_value("cache_degraded")


def back_in_use(client: APIClient) -> None:
    wait_until(lambda: client.get("/readyz").status_code == 200, "/readyz to see Redis again")


def test_a_killed_redis_degrades_the_service_and_it_recovers_when_redis_is_back(
    api: APIClient, user: Any, redis_server: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    assert every_endpoint(api, user) == [200, 201, 200]
    assert api.post(EXTRACT, {"text": POSTING}, format="json").status_code == 201  # from the response cache
    assert list(AIProviderUsageLog.objects.order_by("pk").values_list("status", flat=True)) == ["success", "cache_hit"]

    redis_server.kill()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        statuses = [every_endpoint(api, user) for _ in range(3)]
        health, ready = api.get("/healthz"), api.get("/readyz")

    assert statuses == [[200, 201, 200]] * 3  # the repeated extraction reaches the provider: no response cache
    assert (health.status_code, health.json()) == (200, {"status": "degraded", "database": "ok", "cache": "degraded"})
    assert (ready.status_code, ready.json()["cache"]) == (503, "error")
    assert degraded_gauge() == 1
    assert [r.getMessage()[:17] for r in caplog.records if r.name == "core.cache"] == ["cache unreachable"]
    logs = list(AIProviderUsageLog.objects.order_by("pk").values_list("status", flat=True))
    assert logs == ["success", "cache_hit", "success", "success", "success"]
    billed = sum(AIProviderUsageLog.objects.values_list("input_tokens", flat=True)) + sum(
        AIProviderUsageLog.objects.values_list("output_tokens", flat=True))
    assert counters(user) == {"day": (billed, 0), "month": (billed, 0)}
    assert not QuotaReservation.objects.exists()

    redis_server.start()  # the same port
    back_in_use(api)

    assert degraded_gauge() == 0
    assert every_endpoint(api, user) == [200, 201, 200]
    assert api.post(EXTRACT, {"text": POSTING}, format="json").status_code == 201
    assert AIProviderUsageLog.objects.order_by("-pk").first().status == "cache_hit"  # Redis is used again


def test_a_frozen_redis_costs_requests_a_short_timeout_not_a_hang(
    api: APIClient, user: Any, redis_server: RedisProcess
) -> None:
    assert api.get("/api/v1/jobs/").status_code == 200

    redis_server.freeze()
    try:
        statuses = every_endpoint(api, user) + every_endpoint(api, user)
        health = api.get("/healthz").json()
    finally:
        redis_server.thaw()

    assert statuses == [200, 201, 200] * 2
    assert health["cache"] == "degraded"
    assert AIProviderUsageLog.objects.filter(status="success").count() == 2
    assert all(reserved == 0 for _, reserved in counters(user).values())
    back_in_use(api)
    assert cache.get("missing", "default") == "default"
    cache.set("after-the-freeze", 1)
    assert cache.get("after-the-freeze") == 1


def test_without_redis_the_request_throttle_still_holds_per_process(
    api: APIClient, user: Any, redis_server: RedisProcess
) -> None:
    user.subscription.plan.requests_per_minute = 3
    user.subscription.plan.save()
    redis_server.kill()

    statuses = [api.get("/api/v1/jobs/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_without_redis_token_logins_are_still_rate_limited(user: Any, redis_server: RedisProcess) -> None:
    redis_server.kill()
    client = APIClient()
    wrong = {"username": user.username, "password": "not-the-password"}

    statuses = {client.post("/api/v1/auth/token", wrong, format="json").status_code for _ in range(25)}

    assert statuses == {400, 429} or statuses == {401, 429}
