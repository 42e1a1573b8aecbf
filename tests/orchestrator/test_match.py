"""POST /api/v1/match and orchestrator.services.matching: scores computed by hand, aliases included."""

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from orchestrator.models import JobPosting, Profile
from orchestrator.services.matching import profile_match
from subscriptions.models import QuotaCounter
from tests.factories import PlanFactory, SubscriptionFactory, UserFactory
from usage.models import AIProviderUsageLog

URL = "/api/v1/match"
BACKEND = {
    "basics": {"name": "Ada", "summary": "Backend developer: Python and Django on Postgres, deployed on k8s."},
    "work": [{"name": "Acme", "highlights": ["Moved the JS front end to React", "Ran in-memory caching"]}],
    "skills": [{"name": "Python", "keywords": ["Django", "Postgres"]}],
}


def job(required: list[str] = (), nice: list[str] = (), keywords: list[str] = ()) -> dict[str, Any]:
    return {"skills_required": list(required), "skills_nice_to_have": list(nice), "keywords": list(keywords)}


# (job, profile text, score, matched, required missing, nice-to-have missing), each score worked out by hand:
# required weigh 3, nice-to-have and keywords 1; round(100 * matched / total), halves up.
TABLE = [
    # 3+3+3 required matched (k8s = Kubernetes), keyword PostgreSQL (1; "postgres" is the same keyword, counted
    # once) matched as Postgres, nice-to-have Redis (1) missing: 10 of 11 = 90.9 -> 91
    (job(["Python", "Django", "Kubernetes"], ["Redis"], ["PostgreSQL", "postgres"]), BACKEND, 91,
     ["Python", "Django", "Kubernetes", "PostgreSQL"], [], ["Redis"]),
    # JS = JavaScript (3), TypeScript (3) missing, React (1): 4 of 7 = 57.1 -> 57
    (job(["JavaScript", "TypeScript"], ["React"]), BACKEND, 57, ["JavaScript", "React"], ["TypeScript"], []),
    # "Java" is not in "JavaScript": 0 of 3 -> 0
    (job(["Java"]), {"basics": {"summary": "JavaScript developer"}}, 0, [], ["Java"], []),
    # "go" in a sentence is not Go (3); Docker (1): 1 of 4 = 25
    (job(["Go"], ["Docker"]), {"basics": {"summary": "Ready to go, with Docker."}}, 25, ["Docker"], ["Go"], []),
    # Golang = Go, case kept: 3 of 3 -> 100
    (job(["Golang"]), {"skills": [{"name": "Go"}]}, 100, ["Golang"], [], []),
    # one nice-to-have of five (1 of 3 + 5 = 8): 12.5 -> 13, halves rounded up
    (job(["Rust"], ["AWS", "GCP", "Azure", "Terraform", "Ansible"]), {"basics": {"summary": "Amazon Web Services"}},
     13, ["AWS"], ["Rust"], ["GCP", "Azure", "Terraform", "Ansible"]),
    # keywords weigh 1: 2 of 2 -> 100 (k8s = Kubernetes, ML = machine learning)
    (job(keywords=["Kubernetes", "machine learning"]), {"basics": {"summary": "ML on k8s"}}, 100,
     ["Kubernetes", "machine learning"], [], []),
]


@pytest.mark.parametrize(("job_data", "profile", "score", "matched", "required_missing", "nice_missing"), TABLE)
def test_the_score_table(
    job_data: dict, profile: dict, score: int, matched: list, required_missing: list, nice_missing: list
) -> None:
    result = profile_match(job_data=job_data, profile=profile)

    assert result.score == score
    assert [item.skill for item in result.matched] == matched
    assert result.required_missing == required_missing
    assert result.nice_to_have_missing == nice_missing


def test_a_posting_without_skills_or_keywords_has_no_score() -> None:
    assert profile_match(job_data={"title": "Developer"}, profile=BACKEND).score is None


def test_each_match_names_the_profile_paths_it_was_found_at() -> None:
    result = profile_match(job_data=job(["PostgreSQL", "JavaScript"]), profile=BACKEND)

    assert {item.skill: item.evidence for item in result.matched} == {
        "PostgreSQL": ["basics.summary", "skills[0].keywords[1]"],
        "JavaScript": ["work[0].highlights[0]"],
    }


@pytest.fixture
def saved_job(user: Any) -> JobPosting:
    data = {**job(["Python", "Kubernetes", "Terraform"], ["Redis"], ["PostgreSQL"]), "title": "Backend developer",
            "description_text": "We run Python services on Kubernetes and PostgreSQL."}
    return JobPosting.objects.create(owner=user, source="text", data=data)


def test_it_scores_the_saved_profile_without_a_model_call_or_quota(
    api: APIClient, user: Any, saved_job: JobPosting, provider_requests: list
) -> None:
    Profile.objects.create(owner=user, data=BACKEND)

    response = api.post(URL, {"job_id": saved_job.pk}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    # Python 3 + Kubernetes 3 + PostgreSQL 1 of 3 + 3 + 3 + 1 + 1: 7 of 11 = 63.6 -> 64
    assert body["score"] == 64
    assert body["matched"][1] == {"skill": "Kubernetes", "kind": "required", "evidence": ["basics.summary"]}
    assert body["missing"] == ["Terraform", "Redis"]
    assert (body["required_missing"], body["nice_to_have_missing"]) == (["Terraform"], ["Redis"])
    assert body["weights"] == {"required": 3, "nice_to_have": 1, "keyword": 1}
    assert provider_requests == []
    assert not AIProviderUsageLog.objects.exists()
    assert not QuotaCounter.objects.filter(user=user).exclude(used=0, reserved=0).exists()


def test_it_scores_a_profile_sent_with_the_request(api: APIClient, saved_job: JobPosting) -> None:
    profile = {"basics": {"name": "Bo", "summary": "Terraform and Python on Kubernetes, for eight years now."}}

    response = api.post(URL, {"job_id": saved_job.pk, "profile": profile}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["score"] == 82  # 3 + 3 + 3 of 11 = 81.8
    assert not Profile.objects.exists()


@pytest.mark.parametrize(("payload", "field"), [({}, "job_id"), ({"job_id": "x"}, "job_id"),
                                                ({"job_id": 1, "profile": ["no"]}, "profile")])
def test_it_refuses_bad_requests_with_400(api: APIClient, saved_job: JobPosting, payload: dict, field: str) -> None:
    payload = {**payload, "job_id": saved_job.pk} if payload.get("job_id") == 1 else payload

    response = api.post(URL, payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_another_users_job_is_a_404(api: APIClient, user: Any) -> None:
    Profile.objects.create(owner=user, data=BACKEND)
    theirs = JobPosting.objects.create(owner=UserFactory(username="mallory"), source="text", data=job(["Python"]))

    response = api.post(URL, {"job_id": theirs.pk}, format="json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_it_is_throttled_like_every_end_user_call(api: APIClient, user: Any, saved_job: JobPosting) -> None:
    cache.clear()
    SubscriptionFactory(user=user, plan=PlanFactory(code="slow", requests_per_minute=2))
    Profile.objects.create(owner=user, data=BACKEND)

    statuses = [api.post(URL, {"job_id": saved_job.pk}, format="json").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_a_job_too_short_to_draft_from_is_still_matched_with_a_null_score(api: APIClient, user: Any) -> None:
    Profile.objects.create(owner=user, data=BACKEND)
    bare = JobPosting.objects.create(owner=user, source="text", data={"title": "mock"})

    response = api.post(URL, {"job_id": bare.pk}, format="json")

    assert response.status_code == 200
    assert (response.json()["score"], response.json()["matched"]) == (None, [])
