"""Bad input that a schema-driven fuzzer does not send (test_api_fuzz.py): broken or non-object bodies, wrong
Content-Types, odd multipart uploads, out-of-range ids and dates, paging and unknown query parameters. Every
answer is JSON, under 500, and an error has the shape {"error": {"code", "message", "details"}}.
"""

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from orchestrator.models import JobPosting
from tests.factories import PlanFactory, ProviderConfigFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db

HUGE = 10**30
JSON_WRITES = [
    ("user", "post", "/api/v1/job-extractor/extract"), ("user", "post", "/api/v1/cv-drafter/draft"),
    ("user", "post", "/api/v1/cover-letter/draft"), ("user", "put", "/api/v1/profile"),
    ("user", "post", "/api/v1/auth/token"), ("root", "post", "/api/v1/super-admin/providers/configs"),
    ("root", "patch", "/api/v1/super-admin/providers/configs/{config}"),
    ("root", "patch", "/api/v1/super-admin/plans/freemium"),
    ("root", "put", "/api/v1/super-admin/users/{user}/subscription"),
]
NOT_AN_OBJECT = [b"{broken", b"[]", b'"text"', b"null", b"42", b"[1, 2]"]


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    import socket

    def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "no DNS in this test")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)  # a job URL must not make the server look anything up
    plan = PlanFactory(code="bad-input", daily_token_limit=None, monthly_token_limit=None, requests_per_minute=10**6)
    user, root = UserFactory(username="user"), UserFactory(username="root", is_staff=True, is_superuser=True)
    SubscriptionFactory(user=user, plan=plan)
    clients = {}
    for name, who in (("user", user), ("root", root)):
        clients[name] = APIClient()
        clients[name].force_authenticate(who)
    ids = {"config": ProviderConfigFactory(is_default=True).pk, "user": user.pk}
    job = JobPosting.objects.create(owner=user, source="text", data={"title": "Python developer"})
    return {**clients, "ids": ids, "job": job.pk}


def assert_json_answer(response: Any, *, status: int | None = None) -> dict[str, Any] | None:
    where = f"{response.status_code} {response.content[:300]!r}"
    assert response.status_code < 500, where
    if status is not None:
        assert response.status_code == status, where
    assert response["Content-Type"] == "application/json", where
    body = json.loads(response.content)
    if response.status_code >= 400:
        assert list(body) == ["error"], where
        assert set(body["error"]) == {"code", "message", "details"}, where
        assert isinstance(body["error"]["details"], dict), where
    return body


@pytest.mark.parametrize(("who", "method", "path"), JSON_WRITES)
def test_a_body_that_is_not_a_json_object_is_a_400(world: dict[str, Any], who: str, method: str, path: str) -> None:
    url = path.format(**world["ids"])
    for body in NOT_AN_OBJECT:
        response = getattr(world[who], method)(url, body, content_type="application/json")
        assert_json_answer(response, status=400)


@pytest.mark.parametrize(("who", "method", "path"), JSON_WRITES)
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "image/png"])
def test_a_body_in_an_unsupported_content_type_is_a_415(
    world: dict[str, Any], who: str, method: str, path: str, content_type: str
) -> None:
    response = getattr(world[who], method)(path.format(**world["ids"]), b"<a/>", content_type=content_type)
    assert_json_answer(response, status=415)


@pytest.mark.parametrize(
    ("parts", "status"),
    [({}, 400), ({"image": SimpleUploadedFile("job.txt", b"a job posting", content_type="text/plain")}, 400),
     ({"image": SimpleUploadedFile("empty.png", b"", content_type="image/png")}, 400),
     ({"image": SimpleUploadedFile("cut.png", b"\x89PNG", content_type="image/png")}, 400),
     ({"image": "not a file"}, 400), ({"text": "", "url": ""}, 400),
     ({"image": SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + bytes(6 * 1024 * 1024))}, 413)],
)
def test_a_multipart_extraction_without_a_usable_image_is_refused(
    world: dict[str, Any], parts: dict[str, Any], status: int
) -> None:
    response = world["user"].post("/api/v1/job-extractor/extract", parts, format="multipart")
    assert_json_answer(response, status=status)


@pytest.mark.parametrize("job_id", [HUGE, 2**63, -1, 0, 1.5, "1e3", True, None, [1]])
@pytest.mark.parametrize("path", ["/api/v1/cv-drafter/draft", "/api/v1/cover-letter/draft"])
def test_a_job_id_that_cannot_be_an_id_is_a_400(world: dict[str, Any], path: str, job_id: Any) -> None:
    response = world["user"].post(path, {"job_id": job_id}, format="json")
    assert "job_id" in assert_json_answer(response, status=400)["error"]["details"]


@pytest.mark.parametrize(
    ("who", "path"),
    [("user", f"/api/v1/jobs/{HUGE}"), ("user", "/api/v1/jobs/-1"), ("user", "/api/v1/jobs/0"),
     ("user", f"/api/v1/drafts/{HUGE}"), ("root", f"/api/v1/super-admin/providers/configs/{HUGE}"),
     ("root", "/api/v1/super-admin/providers/configs/-1"), ("root", "/api/v1/super-admin/providers/configs/abc"),
     ("root", f"/api/v1/super-admin/usage/logs/{HUGE}"), ("root", f"/api/v1/super-admin/users/{HUGE}/subscription"),
     ("root", "/api/v1/super-admin/users/0/subscription"), ("root", "/api/v1/super-admin/plans/no-such-plan")],
)
def test_an_id_out_of_range_or_unknown_is_a_404(world: dict[str, Any], who: str, path: str) -> None:
    assert_json_answer(world[who].get(path), status=404)


@pytest.mark.parametrize("action", ["make-default", "test"])
@pytest.mark.parametrize("config_id", [999_999, HUGE, -1])
def test_a_config_action_on_a_config_that_does_not_exist_is_a_404(
    world: dict[str, Any], action: str, config_id: int
) -> None:
    response = world["root"].post(f"/api/v1/super-admin/providers/configs/{config_id}/{action}")
    assert_json_answer(response, status=404)


@pytest.mark.parametrize(("api_key", "status"), [(None, 400), (42, 200), (["a"], 400), ({"k": "v"}, 400)])
def test_a_patch_with_an_odd_api_key_keeps_the_key_masked(
    world: dict[str, Any], api_key: Any, status: int
) -> None:
    url = f"/api/v1/super-admin/providers/configs/{world['ids']['config']}"
    body = assert_json_answer(world["root"].patch(url, {"api_key": api_key}, format="json"), status=status)
    assert "api_key" not in body  # write-only, also in an error


@pytest.mark.parametrize(
    ("query", "status"),
    [({"page": "abc"}, 404), ({"page": 10**9}, 404), ({"page": HUGE}, 404), ({"page": 0}, 404), ({"page": -1}, 404),
     ({"page_size": 0}, 200), ({"page_size": -1}, 200), ({"page_size": "abc"}, 200), ({"page_size": HUGE}, 200),
     ({"no_such_filter": "x", "ordering": "-nope"}, 200), ({"created_at_after": "2024-13-01"}, 400),
     ({"created_at_after": "abc"}, 400), ({"created_at_before": "99999-12-31"}, 400), ({"user": HUGE}, 400),
     ({"user": -1}, 400), ({"status": "nope"}, 400), ({"model": "\x00"}, 400)],
)
def test_the_usage_log_answers_odd_paging_and_filters_in_json(
    world: dict[str, Any], query: dict[str, Any], status: int
) -> None:
    assert_json_answer(world["root"].get("/api/v1/super-admin/usage/logs", query), status=status)


@pytest.mark.parametrize(
    ("query", "status"),
    [({"date_from": "2024-02-30"}, 400), ({"date_from": "abc"}, 400), ({"date_to": "2024-00-10"}, 400),
     ({"date_from": "2024-05-01", "date_to": "2024-01-01"}, 400), ({"date_from": "99999-01-01"}, 400),
     ({"provider_type": "\x00"}, 400), ({"task_type": "nope"}, 400), ({"unknown": "1"}, 200)],
)
def test_the_usage_stats_refuse_invalid_dates_and_filters(
    world: dict[str, Any], query: dict[str, Any], status: int
) -> None:
    assert_json_answer(world["root"].get("/api/v1/super-admin/usage/stats", query), status=status)


@pytest.mark.parametrize("path", ["/api/v1/jobs/", "/api/v1/drafts/"])
@pytest.mark.parametrize(("query", "status"), [({"page": "abc"}, 404), ({"page": 10**9}, 404), ({"x": "\x00"}, 200)])
def test_the_end_user_lists_answer_odd_paging_in_json(
    world: dict[str, Any], path: str, query: dict[str, Any], status: int
) -> None:
    assert_json_answer(world["user"].get(path, query), status=status)


@pytest.mark.parametrize(
    "body",
    [{"text": "Senior developer \x00 wanted at ACME in Berlin, Python and Django, full time"},
     {"url": "http://exa\x00mple.com/job"}, {"url": "http://[::1"}, {"url": "http://example.com:99999/"},
     {"url": "ftp://example.com/job"}, {"url": "http://user:pw@example.com/"}, {"url": "http://127.0.0.1:1/"},
     {"url": "http://no-such-host.example/job"}, {"text": ["a", "list"]}, {"image": 42}],
)
def test_an_unusable_extraction_request_is_a_4xx(world: dict[str, Any], body: dict[str, Any]) -> None:
    response = world["user"].post("/api/v1/job-extractor/extract", body, format="json")
    assert response.status_code in (400, 422)
    assert_json_answer(response)


@pytest.mark.parametrize("length", ["abc", "-1", ""])
def test_a_malformed_content_length_is_not_a_500(world: dict[str, Any], length: str) -> None:
    response = world["user"].post(
        "/api/v1/cover-letter/draft", b"{}", content_type="application/json", CONTENT_LENGTH=length
    )
    assert_json_answer(response)


def test_a_declared_length_over_the_limit_is_a_413_before_any_read(world: dict[str, Any]) -> None:
    response = world["user"].post(
        "/api/v1/cover-letter/draft", b"{}", content_type="application/json", CONTENT_LENGTH="99999999999999999999"
    )
    assert_json_answer(response, status=413)
