"""Per-user throttling from the plan, body-size limits, and errors that are never HTML under /api/."""

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PlanFactory, SubscriptionFactory
from tests.orchestrator.conftest import client_for


def test_it_throttles_a_user_past_the_plans_requests_per_minute(api: APIClient, user: Any) -> None:
    SubscriptionFactory(user=user, plan=PlanFactory(code="slow", requests_per_minute=3))

    statuses = [api.get("/api/v1/jobs/").status_code for _ in range(3)]
    refused = api.post("/api/v1/job-extractor/extract", {"text": "x"}, format="json")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 61


def test_it_counts_each_user_separately(user: Any) -> None:
    plan = PlanFactory(code="slow", requests_per_minute=1)
    SubscriptionFactory(user=user, plan=plan)
    other = SubscriptionFactory(plan=plan).user

    assert client_for(user).get("/api/v1/profile").status_code == 200
    assert client_for(other).get("/api/v1/profile").status_code == 200
    assert client_for(user).get("/api/v1/profile").status_code == 429


def test_the_paid_plans_allow_more_requests(user: Any) -> None:
    SubscriptionFactory(user=user, plan=PlanFactory(code="pro_monthly"))
    client = client_for(user)

    assert all(client.get("/api/v1/profile").status_code == 200 for _ in range(25))


def test_it_refuses_a_json_body_over_the_limit_with_413(api: APIClient, settings: Any) -> None:
    body = json.dumps({"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})

    response = api.post("/api/v1/job-extractor/extract", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_it_refuses_a_multipart_body_over_the_limit_with_413(api: APIClient, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    upload = SimpleUploadedFile("shot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (100 * 1024), content_type="image/png")

    response = api.post("/api/v1/job-extractor/extract", {"image": upload}, format="multipart")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_it_refuses_an_oversize_profile_and_an_oversize_token_request(api: APIClient, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = {"basics": {"summary": "y" * 2048}}

    assert api.put("/api/v1/profile", big, format="json").status_code == 413
    assert APIClient().post("/api/v1/auth/token", {"username": "u", "password": "p" * 2048}).status_code == 413


@pytest.mark.parametrize(
    ("method", "url", "body", "content_type", "status", "code"),
    [
        ("post", "/api/v1/job-extractor/extract", "{not json", "application/json", 400, "invalid_request"),
        ("post", "/api/v1/job-extractor/extract", "text=x", "text/csv", 415, "unsupported_media_type"),
        ("get", "/api/v1/job-extractor/extract", None, None, 405, "method_not_allowed"),
        ("delete", "/api/v1/jobs/1/", None, None, 405, "method_not_allowed"),
        ("get", "/api/v1/no-such-endpoint/", None, None, 404, "not_found"),
        ("get", "/api/v1/jobs/not-a-number/", None, None, 404, "not_found"),
        ("get", f"/api/v1/jobs/{10**30}/", None, None, 404, "not_found"),
        ("post", "/api/v1/cv-drafter/draft", json.dumps({"job_id": 10**30}), "application/json", 400,
         "invalid_request"),
        ("put", "/api/v1/profile", json.dumps({"basics": None, "work": [None]}), "application/json", 400,
         "invalid_request"),
    ],
)
def test_bad_requests_get_json_errors_never_html_or_500(
    api: APIClient, method: str, url: str, body: str | None, content_type: str | None, status: int, code: str
) -> None:
    kwargs = {"data": body, "content_type": content_type} if body is not None else {}

    response = getattr(api, method)(url, **kwargs)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == code


def test_an_anonymous_request_to_an_unknown_api_path_is_json_too(db: None) -> None:
    response = Client().get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
