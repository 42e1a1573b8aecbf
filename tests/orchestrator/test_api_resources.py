"""Profile, jobs, drafts, my usage and the auth token: own objects only, paginated, one error shape."""

from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from orchestrator.models import Draft, JobPosting, Profile
from subscriptions.models import QuotaCounter
from tests.factories import PlanFactory, SubscriptionFactory, UsageLogFactory, UserFactory
from tests.orchestrator.conftest import client_for

PROFILE = {"basics": {"name": "Ada Lovelace", "email": "ada@example.com"},
           "work": [{"name": "Analytical Engines Ltd", "startDate": "2019-01", "endDate": ""}],
           "x-custom": {"kept": True}}


def make_job(owner: Any, title: str = "Engineer") -> JobPosting:
    return JobPosting.objects.create(owner=owner, source="text", data={"title": title})


def test_it_returns_an_empty_profile_before_one_is_saved(api: APIClient) -> None:
    response = api.get("/api/v1/profile")
    assert (response.status_code, response.json()) == (200, {})


def test_it_saves_and_returns_a_valid_profile(api: APIClient, user: Any) -> None:
    response = api.put("/api/v1/profile", PROFILE, format="json")

    assert response.status_code == 200, response.json()
    saved = api.get("/api/v1/profile/").json()
    assert saved == response.json() == Profile.objects.get(owner=user).data
    assert saved["work"][0]["endDate"] is None  # "" means not given
    assert saved["x-custom"] == {"kept": True}  # JSON Resume allows extra keys


@pytest.mark.parametrize(
    ("document", "field"),
    [({"basics": {"name": ["Ada"]}}, "basics.name"), ({"work": [{"startDate": "01/2019"}]}, "work.0.startDate"),
     ({"skills": "Python"}, "skills"), (["a list"], "profile"),
     # NUL characters: PostgreSQL's jsonb refuses them (the save was a 500 there, found by the API fuzzer).
     ({"basics": {"name": "Ada\x00"}}, "basics.name"), ({"work": [{"highlights": ["a\x00b"]}]}, "work.0.highlights.0"),
     ({"x-\x00": "custom key"}, "x-\x00"), ({"": "\x00"}, "profile")],
)
def test_it_refuses_an_invalid_profile(api: APIClient, user: Any, document: Any, field: str) -> None:
    response = api.put("/api/v1/profile", document, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert field in response.json()["error"]["details"]
    assert not Profile.objects.exists()


def test_it_lists_only_the_users_own_jobs_and_drafts_paginated(api: APIClient, user: Any) -> None:
    other = UserFactory(username="mallory")
    mine = [make_job(user, f"Job {n}") for n in range(23)]
    theirs = make_job(other)
    Draft.objects.create(owner=user, job=mine[0], kind="cv", content={"resume": {}})
    Draft.objects.create(owner=other, job=theirs, kind="cv", content={})

    first = api.get("/api/v1/jobs/").json()
    second = api.get(first["next"]).json()
    drafts = api.get("/api/v1/drafts/").json()

    assert first["count"] == 23
    assert len(first["results"]) == 20
    assert len(second["results"]) == 3
    assert {job["id"] for job in first["results"] + second["results"]} == {job.pk for job in mine}
    assert first["results"][0]["id"] == mine[-1].pk  # newest first
    assert drafts["count"] == 1


def test_it_answers_404_for_another_users_job_or_draft(api: APIClient, user: Any) -> None:
    other = UserFactory(username="mallory")
    job = make_job(other)
    draft = Draft.objects.create(owner=other, job=job, kind="cv", content={})
    own = make_job(user)

    assert api.get(f"/api/v1/jobs/{own.pk}/").status_code == 200
    for url in (f"/api/v1/jobs/{job.pk}/", f"/api/v1/drafts/{draft.pk}", "/api/v1/jobs/999999/"):
        response = api.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_it_shows_my_plan_quotas_and_latest_calls(api: APIClient, user: Any) -> None:
    plan = PlanFactory(code="starter", name="Starter", daily_token_limit=1000, monthly_token_limit=20000,
                       requests_per_minute=30, quality_tasks=["cv_draft"])
    SubscriptionFactory(user=user, plan=plan)
    today = timezone.now().date()
    QuotaCounter.objects.create(user=user, period="day", period_start=today, used=300, reserved=100)
    for n in range(12):
        UsageLogFactory(user=user, total_tokens=n)
    UsageLogFactory(user=UserFactory(username="mallory"))

    body = api.get("/api/v1/usage/me").json()

    assert body["plan"] == {"code": "starter", "name": "Starter", "requests_per_minute": 30,
                            "quality_tasks": ["cv_draft"]}
    assert {key: body["daily"][key] for key in ("limit", "used", "reserved", "remaining")} == {
        "limit": 1000, "used": 300, "reserved": 100, "remaining": 600}
    assert body["monthly"]["remaining"] == 20000
    assert body["daily"]["resets_at"] > timezone.now().isoformat()
    assert len(body["recent_calls"]) == 10
    assert body["recent_calls"][0]["total_tokens"] == 11


def test_it_puts_a_user_without_subscription_on_the_default_plan(api: APIClient) -> None:
    assert api.get("/api/v1/usage/me").json()["plan"]["code"] == "freemium"


def test_it_issues_a_token_for_valid_credentials(db: None) -> None:
    UserFactory(username="bob", password="a-long-pass-phrase")
    client = APIClient()

    response = client.post("/api/v1/auth/token", {"username": "bob", "password": "a-long-pass-phrase"}, format="json")

    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/profile").status_code == 200


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [({"username": "bob", "password": "wrong"}, 401, "not_authenticated"),
     ({"username": "bob"}, 400, "invalid_request")],
)
def test_it_refuses_bad_credentials(db: None, payload: dict, status: int, code: str) -> None:
    UserFactory(username="bob", password="a-long-pass-phrase")

    response = APIClient().post("/api/v1/auth/token", payload, format="json")

    assert response.status_code == status
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/api/v1/profile"), ("get", "/api/v1/jobs/"), ("get", "/api/v1/usage/me"),
     ("post", "/api/v1/job-extractor/extract"), ("post", "/api/v1/cv-drafter/draft")],
)
def test_it_answers_401_in_the_error_shape_without_credentials(db: None, method: str, url: str) -> None:
    response = getattr(APIClient(), method)(url, {}, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_it_accepts_session_authentication(db: None) -> None:
    user = UserFactory(username="carol")
    client = APIClient()
    client.force_login(user)
    assert client.get("/api/v1/jobs/").status_code == 200


def test_a_token_only_reaches_its_own_users_objects(db: None) -> None:
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    job = make_job(alice)
    assert client_for(bob).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert client_for(alice).get(f"/api/v1/jobs/{job.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [(b"", "application/json", 400), (b"%%%=&&&", "application/x-www-form-urlencoded", 415),
     (b"--zzz\r\nbroken", "multipart/form-data; boundary=zzz", 415)],
)
def test_a_put_without_a_json_body_keeps_the_saved_profile(
    api: APIClient, user: Any, body: bytes, content_type: str, status: int
) -> None:
    # These replaced the saved profile with {} or {"%%%": ""} (found probing by hand): lost data.
    Profile.objects.create(owner=user, data=PROFILE)

    response = api.put("/api/v1/profile", body, content_type=content_type)

    assert response.status_code == status
    assert Profile.objects.get(owner=user).data == PROFILE


def test_an_empty_object_clears_the_profile_on_purpose(api: APIClient, user: Any) -> None:
    Profile.objects.create(owner=user, data=PROFILE)
    assert api.put("/api/v1/profile", {}, format="json").json() == {}
    assert Profile.objects.get(owner=user).data == {}


def test_a_five_megabyte_profile_is_refused_and_the_saved_one_kept(api: APIClient, user: Any) -> None:
    # Only the 8 MB body limit held: it was stored and sent to the model with every later draft.
    Profile.objects.create(owner=user, data=PROFILE)

    response = api.put("/api/v1/profile", {**PROFILE, "x-notes": "y" * 5 * 1024 * 1024}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"profile": ["At most 100000 characters of JSON."]}
    assert Profile.objects.get(owner=user).data == PROFILE
