"""/healthz: the database and the cache, each checked for real; 503 naming the part that failed."""

import uuid

import pytest
from django.core.cache import cache
from django.db import OperationalError

pytestmark = pytest.mark.django_db
UNREACHABLE_REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                 "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens on port 1


class DatabaseDown:
    def cursor(self):
        raise OperationalError("could not connect to server")


def test_it_is_ok_when_the_database_and_the_cache_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_an_unreachable_cache_is_degraded_and_keeps_the_instance_in_the_load_balancer(client, settings):
    settings.CACHES = UNREACHABLE_REDIS

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}


def test_an_unreachable_cache_makes_the_instance_not_ready(client, settings):
    settings.CACHES = UNREACHABLE_REDIS

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}


def test_it_is_ready_when_the_database_and_the_cache_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_a_cache_that_does_not_keep_values_is_not_healthy(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    assert client.get("/healthz").json()["cache"] == "degraded"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_an_unreachable_database_is_a_503_naming_the_database(client, monkeypatch, path):
    monkeypatch.setattr("core.views.connection", DatabaseDown())

    response = client.get(path)

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "cache": "ok"}
    assert b"could not connect" not in response.content  # the cause is logged, not shown to anyone asking


def test_the_probe_leaves_nothing_in_the_cache(client, monkeypatch):
    fixed = uuid.UUID("00000000-0000-4000-8000-000000000001")
    monkeypatch.setattr("core.views.uuid.uuid4", lambda: fixed)

    client.get("/healthz")

    assert cache.get(f"healthz:{fixed.hex}") is None
