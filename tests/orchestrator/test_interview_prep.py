"""POST /api/v1/interview-prep/draft: through the mock and the real SDKs against the fake vendor server."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from orchestrator.models import Draft, JobPosting, Profile
from orchestrator.profile_paths import profile_path_exists
from orchestrator.tasks.base import UNTRUSTED_DATA_RULE
from subscriptions.models import Plan
from tests.factories import PlanFactory, ProviderConfigFactory, SubscriptionFactory, UserFactory
from tests.orchestrator.conftest import queue_reply
from tests.orchestrator.test_api_drafts import JOB_DATA, PROFILE
from usage.models import AIProviderUsageLog

URL = "/api/v1/interview-prep/draft"
MODELS = {"openai": ("gpt-5-mini", "gpt-5"), "anthropic": ("claude-haiku-4-5", "claude-sonnet-4-5"),
          "gemini": ("gemini-2.5-flash", "gemini-2.5-pro")}


def question(evidence: list[str], category: str = "technical") -> dict[str, Any]:
    return {"question": "How did you run Django on PostgreSQL at scale?", "category": category,
            "why_asked": "The team runs Django on PostgreSQL.",
            "answer_outline": ["Built Django services on PostgreSQL at Analytical Engines Ltd"],
            "profile_evidence": evidence}


ANSWER = {
    "questions": [
        question(["work[0].highlights[0]", "skills[0].keywords[1]"]),
        question(["basics.summary"], category="behavioral"),
    ],
    "questions_to_ask": ["How do you deploy?", "What does the first month look like?"],
}
# The model cites a second job, a certificate and a malformed path: the profile holds none of them.
INVENTED = {
    "questions": [
        question(["work[0].highlights[0]", "work[1].highlights[0]"]),
        question(["certificates[0].name", "work[0]name"], category="role"),
    ],
    "questions_to_ask": ["Which team would I join?"],
}


def test_it_prepares_questions_with_evidence_from_the_profile(
    api: APIClient, job: JobPosting, saved_profile: Profile, provider_requests: list
) -> None:
    queue_reply(ANSWER)

    response = api.post(URL, {"job_id": job.pk, "count": 2}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["job"], body["language"]) == ("interview_prep", job.pk, "en")
    content = body["content"]
    assert content["questions"][0]["profile_evidence"] == ["work[0].highlights[0]", "skills[0].keywords[1]"]
    assert content["questions"][1]["category"] == "behavioral"
    assert content["questions_to_ask"] == ANSWER["questions_to_ask"]
    assert content["warnings"] == []
    assert Draft.objects.get(pk=body["id"]).usage_log.task_type == "interview_prep"
    [request] = provider_requests
    assert UNTRUSTED_DATA_RULE in request.system
    assert "Prepare 2 interview questions" in request.prompt
    assert "work[0].highlights[0]: Built Django services on PostgreSQL" in request.prompt  # one path per line


@pytest.mark.parametrize("vendor", ["openai", "anthropic", "gemini"])
def test_evidence_the_profile_lacks_is_removed_and_flagged_through_each_sdk(
    api: APIClient, job: JobPosting, saved_profile: Profile, vendor_server: Any, vendor: str
) -> None:
    fast, quality = MODELS[vendor]
    ProviderConfigFactory(provider_type=vendor, base_url=vendor_server.base_url(vendor), is_default=True,
                          fast_model=fast, quality_model=quality)
    vendor_server.reply_json(vendor=vendor, payload=INVENTED)

    response = api.post(URL, {"job_id": job.pk, "language": "de"}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["provider_type"], body["language"]) == (vendor, "de")
    first, second = body["content"]["questions"]
    assert first["profile_evidence"] == ["work[0].highlights[0]"]
    assert second["profile_evidence"] == []
    assert body["content"]["warnings"] == [
        "questions[0].profile_evidence: 'work[1].highlights[0]' is not in the profile: removed.",
        "questions[1].profile_evidence: 'certificates[0].name' is not in the profile: removed.",
        "questions[1].profile_evidence: 'work[0]name' is not in the profile: removed.",
        "questions[1].answer_outline cites nothing the profile holds: check it before you use it.",
    ]
    log = AIProviderUsageLog.objects.get()
    assert (log.task_type, log.provider_type, log.status) == ("interview_prep", vendor, "success")
    assert "profile_evidence" in vendor_server.requests[0].body.decode()  # the output schema went to the vendor


def test_the_pro_plans_prepare_with_the_quality_model(
    api: APIClient, user: Any, job: JobPosting, saved_profile: Profile, provider_requests: list
) -> None:
    SubscriptionFactory(user=user, plan=Plan.objects.get(code="pro_monthly"))
    queue_reply(ANSWER)

    response = api.post(URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201, response.json()
    assert provider_requests[0].model == "mock-quality"
    assert set(Plan.objects.get(code="freemium").quality_tasks).isdisjoint({"interview_prep", "revision"})


def test_a_used_up_quota_is_a_429_before_any_call(
    api: APIClient, user: Any, job: JobPosting, saved_profile: Profile, provider_requests: list
) -> None:
    SubscriptionFactory(user=user, plan=PlanFactory(code="tiny", daily_token_limit=10, monthly_token_limit=None))

    response = api.post(URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "quota_exceeded"
    assert provider_requests == []
    assert not Draft.objects.exists()


@pytest.mark.parametrize(("payload", "field"), [({}, "job_id"), ({"job_id": 1, "count": 0}, "count"),
                                                ({"job_id": 1, "count": 16}, "count"),
                                                ({"job_id": 1, "language": "x!"}, "language")])
def test_it_refuses_bad_requests_with_400(
    api: APIClient, job: JobPosting, saved_profile: Profile, provider_requests: list, payload: dict, field: str
) -> None:
    response = api.post(URL, {**payload, "job_id": job.pk} if "job_id" in payload else payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert provider_requests == []


def test_it_needs_a_saved_profile(api: APIClient, job: JobPosting, provider_requests: list) -> None:
    response = api.post(URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 400
    assert "profile" in response.json()["error"]["details"]
    assert provider_requests == []


def test_another_users_job_is_a_404(api: APIClient, saved_profile: Profile, provider_requests: list) -> None:
    theirs = JobPosting.objects.create(owner=UserFactory(username="mallory"), source="text", data=JOB_DATA)

    response = api.post(URL, {"job_id": theirs.pk}, format="json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert provider_requests == []


def test_a_provider_error_is_a_502_and_no_draft(
    api: APIClient, job: JobPosting, saved_profile: Profile, vendor_server: Any
) -> None:
    ProviderConfigFactory(provider_type="openai", base_url=vendor_server.base_url("openai"), is_default=True,
                          fast_model="gpt-5-mini", quality_model="gpt-5")
    vendor_server.reply_error(vendor="openai", status=400, message="bad request")

    response = api.post(URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "provider_error"
    assert not Draft.objects.exists()


def test_an_interview_prep_exports_to_every_format(
    api: APIClient, job: JobPosting, saved_profile: Profile, provider_requests: list
) -> None:
    queue_reply(ANSWER)
    draft_id = api.post(URL, {"job_id": job.pk}, format="json").json()["id"]

    for file_format in ("pdf", "docx", "md"):
        response = api.get(f"/api/v1/drafts/{draft_id}/export", {"format": file_format})
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            f'attachment; filename="ada-lovelace-interview-prep-senior-python-developer.{file_format}"'
        )
    assert "How did you run Django on PostgreSQL at scale?" in response.content.decode()


@pytest.mark.parametrize(("path", "exists"), [
    ("work[0].highlights[0]", True), ("$.basics.summary", True), ("skills[0].keywords[1]", True),
    ("work[0]", True), ("work[1]", False), ("work[0].highlights[5]", False), ("work.0", False),
    ("work[0]name", False), ("basics..name", False), ("", False), ("education[0].score", False),
])
def test_profile_paths_are_checked_against_the_profile(path: str, exists: bool) -> None:
    assert profile_path_exists(PROFILE, path) is exists


def test_it_keeps_no_more_questions_than_asked_for(
    api: APIClient, job: JobPosting, saved_profile: Profile, provider_requests: list
) -> None:
    queue_reply(ANSWER)

    response = api.post(URL, {"job_id": job.pk, "count": 1}, format="json")

    assert response.status_code == 201, response.json()
    assert [q["category"] for q in response.json()["content"]["questions"]] == ["technical"]
