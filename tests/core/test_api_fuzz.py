"""Fuzz the API against its own OpenAPI schema (schemathesis): bad input never gets a 500 or an HTML page.

The schema is loaded in-process from ``/api/schema/`` through the WSGI application; every operation is
one test with a bounded, reproducible number of generated requests, valid and invalid ones (derandomized:
the same requests on every run). Super-admin routes are called as a superuser, the others as an end user
with the mock provider configured. Every response must be JSON, under 500, and an error must have the
shape ``{"error": {"code", "message", "details"}}``; schemathesis also checks that the status, the
Content-Type and the body are the documented ones.

To go past "not found" and "too short", the generated ids are swapped (for some of the cases) for the ids
of real objects, the pasted text is padded, and the job of a draft is a real one. Each case runs in a
savepoint that is rolled back, so every case sees the same data and a failure replays exactly.

No request leaves the machine: only loopback names resolve and only loopback addresses can be dialled (a
generated job URL or provider base URL must not make the server fetch anything; the fetcher maps the failed
lookup to ``url_fetch_failed``).

Runtime: about 30 s on SQLite and 50 s on PostgreSQL with Redis (2 cores), 28 operations. Bugs it found are
pinned by focused tests in the apps' test files.
"""

import ipaddress
import json
import socket
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from config.wsgi import application
from orchestrator.services.drafting import cv_draft_create
from orchestrator.services.extraction import job_posting_extract_from_text
from orchestrator.services.profiles import profile_update
from tests.factories import PlanFactory, ProviderConfigFactory, SubscriptionFactory, UsageLogFactory, UserFactory
from tests.orchestrator.conftest import queue_reply

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

SUPER_ADMIN_PREFIX = "/api/v1/super-admin/"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", b"localhost", b"127.0.0.1", b"::1"})
MAX_EXAMPLES = 20
CHECKS = [
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]
FILE_TYPES = frozenset({"application/pdf", "text/markdown",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"})
PADDING = " Senior Python developer wanted in Berlin; Django, PostgreSQL and Redis experience required."
JOB_TEXT = (
    "Senior Python Developer at Acme GmbH, Berlin. We build a job platform with Django and PostgreSQL and need "
    "a senior developer with ten years of experience."
)
PROFILE = {
    "basics": {"name": "Ada Lovelace", "label": "Python developer", "summary": "Ten years of Django and PostgreSQL."},
    "work": [{"name": "Acme", "position": "Developer", "startDate": "2015-01-01", "summary": "Built APIs."}],
    "skills": [{"name": "Python", "keywords": ["Django", "PostgreSQL"]}],
}

# The real objects of the current test, by path parameter (filled by the ``world`` fixture).
REAL: dict[str, dict[str, Any]] = {}


def _loopback_dns_only(resolve: Any) -> Any:
    """Only loopback names resolve (the Redis cache of the PostgreSQL run is on 127.0.0.1)."""

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host in LOOPBACK_NAMES:
            return resolve(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, f"the fuzz tests resolve no host name ({host!r})")

    return guarded


def _loopback_only(connect: Any) -> Any:
    def guarded(sock: socket.socket, address: Any) -> Any:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not ipaddress.ip_address(address[0]).is_loopback:
            raise ConnectionRefusedError(f"the fuzz tests dial no address outside this machine ({address[0]})")
        return connect(sock, address)

    return guarded


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _loopback_dns_only(socket.getaddrinfo))
    monkeypatch.setattr(socket.socket, "connect", _loopback_only(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", _loopback_only(socket.socket.connect_ex))


@pytest.fixture
def in_one_transaction() -> Any:
    """The WSGI handler closes 'old' connections around each request, which would end the test's
    transaction; Django's test client unhooks the same signal handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db: None, offline: None, in_one_transaction: None) -> Any:
    """Tokens of an end user (unlimited plan, a profile, a job, a draft) and a superuser; the mock provider."""
    plan = PlanFactory(code="fuzz", daily_token_limit=None, monthly_token_limit=None, requests_per_minute=100_000)
    end_user = UserFactory(username="fuzz-user")
    SubscriptionFactory(user=end_user, plan=plan)
    config = ProviderConfigFactory(provider_type="mock", is_default=True)
    profile_update(user=end_user, data=PROFILE)
    queue_reply({"title": "Senior Python Developer", "company": {"name": "Initech", "url": None},
                 "description_text": JOB_TEXT, "skills_required": ["Python", "Django"]})
    job = job_posting_extract_from_text(user=end_user, text=JOB_TEXT)  # saved as the API saves it
    draft = cv_draft_create(user=end_user, job_id=job.pk)
    log = UsageLogFactory(user=end_user, provider_config=config)
    root = UserFactory(username="fuzz-root", is_staff=True, is_superuser=True)
    REAL.update({
        "/api/v1/jobs/{id}/": {"id": job.pk},
        "/api/v1/drafts/{id}/": {"id": draft.pk},
        "/api/v1/drafts/{id}/export/": {"id": draft.pk},
        "/api/v1/drafts/{id}/revise/": {"id": draft.pk},
        "/api/v1/super-admin/usage/logs/{id}/": {"id": log.pk},
        "/api/v1/super-admin/plans/{code}/": {"code": plan.code},
        "/api/v1/super-admin/users/{user_id}/subscription/": {"user_id": end_user.pk},
        "job_id": {"job_id": job.pk},
    })
    for path in ("/api/v1/super-admin/providers/configs/{id}/", "/api/v1/super-admin/providers/configs/{id}/test/",
                 "/api/v1/super-admin/providers/configs/{id}/make-default/"):
        REAL[path] = {"id": config.pk}
    yield {
        "end_user": Token.objects.create(user=end_user).key,
        "super_admin": Token.objects.create(user=root).key,
    }
    REAL.clear()


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    real = REAL.get(context.operation.path)
    return st.sampled_from([path_parameters, {**path_parameters, **real}]) if real else st.just(path_parameters)


@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    """Some cases with a real job (drafts), the saved profile (CV), a text long enough to extract from."""
    if not isinstance(body, dict):
        return st.just(body)
    variants = [body]
    if "job_id" in body:
        variants.append({**body, **REAL["job_id"]})
        variants.append({key: value for key, value in body.items() if key != "profile"} | REAL["job_id"])
    if isinstance(body.get("text"), str):
        variants.append({"text": body["text"] + PADDING})
    if isinstance(body.get("url"), str):
        variants.append({"url": body["url"]})
    return st.sampled_from(variants)


def on_real_objects(case: Any) -> None:
    """Coverage cases are added as explicit examples, which the flatmap hooks do not reach. Each varies one
    part of the request: those that do not vary the path get the real object's id, so that their body and
    query reach validation instead of a 404."""
    real = REAL.get(case.path)
    phase = case.meta.phase if case.meta else None
    if real and phase and phase.name == "coverage" and getattr(phase.data, "parameter_location", None) != "path":
        case.path_parameters = {**case.path_parameters, **real}


def assert_json_and_never_a_server_error(response: Any, case: Any) -> None:
    content_type = (response.headers.get("content-type") or [""])[0]
    if response.status_code == 200 and case.method == "GET" and case.path.endswith("/export/"):
        assert content_type.split(";")[0] in FILE_TYPES, content_type  # a draft exported as a file
        return
    where = f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
    assert response.status_code < 500, where
    if response.status_code == 204:
        assert not response.content, where
        return
    assert content_type.startswith("application/json"), where
    body = json.loads(response.content)
    if response.status_code >= 400:
        assert isinstance(body, dict), where
        assert list(body) == ["error"], where
        assert set(body["error"]) == {"code", "message", "details"}, where
        assert isinstance(body["error"]["code"], str), where
        assert isinstance(body["error"]["message"], str), where
        assert isinstance(body["error"]["details"], dict), where


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_any_input_in_json_and_never_with_a_500(case: Any, world: dict[str, str]) -> None:
    cache.clear()  # throttles (auth/token: 20 a minute per address) and the provider-config cache start afresh
    role = "super_admin" if case.path.startswith(SUPER_ADMIN_PREFIX) else "end_user"
    on_real_objects(case)
    with transaction.atomic():
        response = case.call(headers={"Authorization": f"Token {world[role]}"})
        transaction.set_rollback(True)
    assert_json_and_never_a_server_error(response, case)
    case.validate_response(response, checks=CHECKS)
