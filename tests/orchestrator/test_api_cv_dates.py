"""POST /api/v1/cv-drafter/draft when the model writes dates (and links) its own way: the draft is saved (201)
with the profile's dates, never refused with 502 over a date style."""

import copy
from typing import Any

import pytest
from rest_framework.test import APIClient

from orchestrator.models import Draft, JobPosting, Profile
from tests.factories import ProviderConfigFactory
from tests.orchestrator.conftest import queue_reply
from usage.models import AIProviderUsageLog

CV_URL = "/api/v1/cv-drafter/draft"
PROFILE = {
    "basics": {"name": "Ada Lovelace", "email": "ada@example.com", "url": "https://ada.example",
               "summary": "Backend developer with six years of Python and Django."},
    "work": [
        {"name": "Analytical Engines Ltd", "position": "Backend developer", "startDate": "2020-01",
         "highlights": ["Built Django services on PostgreSQL"]},
        {"name": "Babbage & Co", "position": "Intern", "startDate": "2019-03", "endDate": "2019-12"},
    ],
    "education": [{"institution": "University of London", "area": "Mathematics", "studyType": "BSc",
                   "startDate": "2015", "endDate": "2018"}],
    "projects": [{"name": "Difference engine emulator", "description": "A Python emulator."}],
    "skills": [{"name": "Python", "keywords": ["Django", "PostgreSQL"]}],
}
JOB_DATA = {"title": "Senior Python Developer", "company": {"name": "Initech", "url": None}, "language": "en",
            "skills_required": ["Python", "Django"], "description_text": "Initech builds payment services in Python."}


def loosely_dated_answer() -> dict[str, Any]:
    """What real models write: "Present" for an open end, month names, slashes, a URL without its scheme."""
    resume = copy.deepcopy(PROFILE)
    resume["basics"].update(email="ada@example.com.", url="ada.example")
    resume["work"][0].update(startDate="Jan 2020", endDate="Present")
    resume["work"][1].update(startDate="03/2019", endDate="2019/12")
    resume["education"][0].update(startDate="2015", endDate="2018")
    resume["projects"][0].update(startDate="Spring 2019", endDate="current", url="github.com/ada/engine")
    return {"resume": resume, "changes": []}


@pytest.fixture
def job(user: Any) -> JobPosting:
    Profile.objects.create(owner=user, data=PROFILE)
    return JobPosting.objects.create(owner=user, source="text", data=JOB_DATA)


def assert_the_profile_dates_are_kept(content: dict[str, Any]) -> None:
    work = content["resume"]["work"]
    assert [(entry["startDate"], entry["endDate"]) for entry in work] == [("2020-01", None), ("2019-03", "2019-12")]
    assert (content["resume"]["basics"]["email"], content["resume"]["basics"]["url"]) == (
        "ada@example.com", "https://ada.example")
    project = content["resume"]["projects"][0]
    assert (project["startDate"], project["endDate"], project["url"]) == (None, None, "https://github.com/ada/engine")
    assert content["warnings"] == [
        "resume.projects[0].startDate was 'Spring 2019', not a date (YYYY, YYYY-MM or YYYY-MM-DD): dropped."]


def test_a_model_writing_present_and_month_names_gets_its_draft_saved_with_the_profile_dates(
    api: APIClient, job: JobPosting, provider_requests: list
) -> None:
    queue_reply(loosely_dated_answer())

    response = api.post(CV_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201, response.json()
    assert_the_profile_dates_are_kept(response.json()["content"])
    assert len(provider_requests) == 1  # no repair round was needed
    assert Draft.objects.get().content == response.json()["content"]


def test_the_same_answer_through_a_real_sdk_is_saved_too(api: APIClient, job: JobPosting, vendor_server: Any) -> None:
    ProviderConfigFactory(provider_type="openai", base_url=vendor_server.base_url("openai"), is_default=True,
                          fast_model="gpt-5-mini", quality_model="gpt-5")
    vendor_server.reply_json(vendor="openai", payload=loosely_dated_answer())

    response = api.post(CV_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201, response.json()
    assert_the_profile_dates_are_kept(response.json()["content"])
    assert len(vendor_server.requests) == 1
    assert AIProviderUsageLog.objects.get().status == "success"
