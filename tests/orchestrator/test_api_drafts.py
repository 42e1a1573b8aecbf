"""POST /api/v1/cv-drafter/draft and /api/v1/cover-letter/draft, through the mock provider and real SDKs."""

import copy
from typing import Any

import pytest
from rest_framework.test import APIClient

from orchestrator.models import Draft, JobPosting, Profile
from orchestrator.tasks.base import UNTRUSTED_DATA_RULE
from tests.factories import ProviderConfigFactory, UserFactory
from tests.orchestrator.conftest import queue_reply
from usage.models import AIProviderUsageLog

CV_URL = "/api/v1/cv-drafter/draft"
LETTER_URL = "/api/v1/cover-letter/draft"
PROFILE = {
    "basics": {"name": "Ada Lovelace", "label": "Backend developer", "email": "ada@example.com",
               "summary": "Backend developer with six years of Python and Django."},
    "work": [{"name": "Analytical Engines Ltd", "position": "Backend developer", "startDate": "2019-01",
              "highlights": ["Built Django services on PostgreSQL"]}],
    "education": [{"institution": "University of London", "area": "Mathematics", "studyType": "BSc",
                   "startDate": "2015", "endDate": "2018"}],
    "skills": [{"name": "Python", "keywords": ["Django", "PostgreSQL"]}],
}
JOB_DATA = {
    "title": "Senior Python Developer", "company": {"name": "Initech", "url": None}, "language": "en",
    "skills_required": ["Python", "Django", "Kubernetes"], "keywords": ["PostgreSQL", "python"],
    "description_text": "Initech builds payment services in Python.",
}


def cv_answer(**resume_changes: Any) -> dict[str, Any]:
    resume = copy.deepcopy(PROFILE)
    resume["basics"]["summary"] = "Python and Django developer who ships PostgreSQL-backed services."
    resume.update(resume_changes)
    return {"resume": resume, "changes": [{"section": "basics.summary", "change": "focused on Python",
                                           "reason": "the job asks for Python"}]}


LETTER = {"greeting": "Dear Initech team,", "paragraphs": ["I build Python and Django services.", "I would like to."],
          "closing": "Kind regards,", "signature": "Ada Lovelace"}


def test_it_drafts_a_cv_from_the_saved_profile(
    api: APIClient, job: JobPosting, saved_profile: Profile, provider_requests: list
) -> None:
    queue_reply(cv_answer())

    response = api.post(CV_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["job"], body["language"], body["provider_type"]) == ("cv", job.pk, "en", "mock")
    content = body["content"]
    assert content["resume"]["basics"]["name"] == "Ada Lovelace"
    assert content["warnings"] == []
    assert content["changes"][0]["reason"] == "the job asks for Python"
    assert content["keyword_coverage"] == {"matched": ["PostgreSQL", "python", "Django"], "missing": ["Kubernetes"],
                                           "ratio": 0.75}
    assert Draft.objects.get(pk=body["id"]).usage_log.task_type == "cv_draft"
    [request] = provider_requests
    assert UNTRUSTED_DATA_RULE in request.system
    assert request.prompt.count("BEGIN UNTRUSTED DATA") == 2
    assert "'en'" in request.prompt


def test_it_restores_the_facts_the_model_changed_and_drops_invented_skills(
    api: APIClient, job: JobPosting, saved_profile: Profile, provider_requests: list
) -> None:
    answer = cv_answer(skills=[{"name": "Python", "keywords": ["Django", "Kubernetes"]}, {"name": "Go"}])
    answer["resume"]["basics"]["name"] = "Ada L."
    answer["resume"]["work"][0]["startDate"] = "2017-01"
    answer["resume"]["education"][0]["studyType"] = "MSc"
    queue_reply(answer)

    response = api.post(CV_URL, {"job_id": job.pk, "language": "de"}, format="json")

    assert response.status_code == 201, response.json()
    content = response.json()["content"]
    assert content["resume"]["basics"]["name"] == "Ada Lovelace"
    assert content["resume"]["work"][0]["startDate"] == "2019-01"
    assert content["resume"]["education"][0]["studyType"] == "BSc"
    assert content["resume"]["skills"] == [{"name": "Python", "level": None, "keywords": ["Django"]}]
    assert len(content["warnings"]) == 5
    assert "Kubernetes" in content["keyword_coverage"]["missing"]
    assert response.json()["language"] == "de"


def test_it_drafts_a_cv_from_a_profile_sent_with_the_request(
    api: APIClient, job: JobPosting, provider_requests: list
) -> None:
    queue_reply(cv_answer())

    response = api.post(CV_URL, {"job_id": job.pk, "profile": PROFILE}, format="json")

    assert response.status_code == 201, response.json()
    assert "Analytical Engines Ltd" in provider_requests[0].prompt
    assert not Profile.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [({}, "job_id"), ({"job_id": "x"}, "job_id"), ({"job_id": 1, "language": "english!"}, "language"),
     ({"job_id": 1, "profile": {"work": [{"startDate": "last year"}]}}, "work.0.startDate"),
     ({"job_id": 1, "profile": ["not", "an", "object"]}, "profile"),
     ({"job_id": 1, "profile": {"basics": {"name": "Ada\x00Lovelace"}}}, "basics.name")],
)
def test_it_refuses_invalid_cv_requests_with_400(
    api: APIClient, job: JobPosting, provider_requests: list, payload: dict, field: str
) -> None:
    payload = {**payload, "job_id": job.pk} if payload.get("job_id") == 1 else payload

    response = api.post(CV_URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert field in response.json()["error"]["details"]
    assert provider_requests == []


def test_it_refuses_a_cv_without_any_profile_before_any_call(
    api: APIClient, job: JobPosting, provider_requests: list
) -> None:
    response = api.post(CV_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 400
    assert "profile" in response.json()["error"]["details"]
    assert provider_requests == []


def test_it_answers_404_for_another_users_job(api: APIClient, saved_profile: Profile, provider_requests: list) -> None:
    other = JobPosting.objects.create(owner=UserFactory(username="mallory"), source="text", data=JOB_DATA)

    for url in (CV_URL, LETTER_URL):
        response = api.post(url, {"job_id": other.pk}, format="json")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert provider_requests == []


@pytest.mark.parametrize("tone", ["professional", "confident", "friendly", "enthusiastic"])
def test_it_drafts_a_cover_letter_in_each_tone(
    api: APIClient, job: JobPosting, saved_profile: Profile, provider_requests: list, tone: str
) -> None:
    queue_reply(LETTER)

    response = api.post(LETTER_URL, {"job_id": job.pk, "tone": tone, "language": "en"}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["tone"], body["language"]) == ("cover_letter", tone, "en")
    content = body["content"]
    assert content["paragraphs"] == LETTER["paragraphs"]
    assert (content["tone"], content["language"], content["word_count"]) == (tone, "en", 10)
    assert content["keyword_coverage"]["matched"] == ["python", "Django"]
    assert f"a {tone} tone" in provider_requests[0].prompt


def test_it_signs_the_letter_with_the_profile_name(
    api: APIClient, job: JobPosting, saved_profile: Profile, provider_requests: list
) -> None:
    queue_reply({**LETTER, "signature": "The Applicant"})

    content = api.post(LETTER_URL, {"job_id": job.pk}, format="json").json()["content"]

    assert content["signature"] == "Ada Lovelace"
    assert content["tone"] == "professional"
    assert content["warnings"] == ["signature was 'The Applicant'; set to 'Ada Lovelace' from the profile."]


def test_it_refuses_an_unknown_tone(api: APIClient, job: JobPosting, saved_profile: Profile) -> None:
    response = api.post(LETTER_URL, {"job_id": job.pk, "tone": "sarcastic"}, format="json")
    assert response.status_code == 400
    assert "tone" in response.json()["error"]["details"]


def test_it_repairs_a_letter_without_paragraphs_then_gives_up(
    api: APIClient, job: JobPosting, saved_profile: Profile, provider_requests: list
) -> None:
    queue_reply({**LETTER, "paragraphs": []})
    queue_reply({**LETTER, "paragraphs": []})

    response = api.post(LETTER_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "invalid_output"
    assert len(provider_requests) == 2
    assert not Draft.objects.exists()


def test_it_drafts_a_cv_through_the_gemini_sdk(
    api: APIClient, job: JobPosting, saved_profile: Profile, vendor_server: Any
) -> None:
    ProviderConfigFactory(provider_type="gemini", base_url=vendor_server.base_url("gemini"), is_default=True,
                          fast_model="gemini-2.5-flash", quality_model="gemini-2.5-pro")
    vendor_server.reply_json(vendor="gemini", payload=cv_answer())

    response = api.post(CV_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["provider_type"] == "gemini"
    assert response.json()["content"]["resume"]["work"][0]["name"] == "Analytical Engines Ltd"
    sent = vendor_server.requests[0]
    assert sent.json["generationConfig"]["responseMimeType"] == "application/json"
    assert AIProviderUsageLog.objects.get().provider_type == "gemini"


def test_it_drafts_a_cover_letter_through_the_openai_sdk(
    api: APIClient, job: JobPosting, saved_profile: Profile, vendor_server: Any
) -> None:
    ProviderConfigFactory(provider_type="openai", base_url=vendor_server.base_url("openai"), is_default=True,
                          fast_model="gpt-5-mini", quality_model="gpt-5")
    vendor_server.reply_json(vendor="openai", payload=LETTER)

    response = api.post(LETTER_URL, {"job_id": job.pk, "tone": "friendly"}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["content"]["greeting"] == "Dear Initech team,"
    assert vendor_server.requests[0].json["response_format"]["json_schema"]["name"] == "cover_letter"
