"""POST /api/v1/drafts/{id}/revise: a new draft of the same kind, checked like a first draft, in a chain."""

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from orchestrator.models import Draft, JobPosting, Profile
from tests.factories import ProviderConfigFactory, UserFactory
from tests.orchestrator.conftest import client_for, queue_reply
from tests.orchestrator.test_api_drafts import JOB_DATA, LETTER, cv_answer
from tests.orchestrator.test_interview_prep import ANSWER, INVENTED
from usage.models import AIProviderUsageLog

CV_URL = "/api/v1/cv-drafter/draft"


def revise_url(draft_id: int) -> str:
    return f"/api/v1/drafts/{draft_id}/revise"


@pytest.fixture
def cv_draft(api: APIClient, job: JobPosting, saved_profile: Profile, provider_requests: list) -> dict[str, Any]:
    queue_reply(cv_answer())
    response = api.post(CV_URL, {"job_id": job.pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_revision_is_a_new_draft_linked_to_the_one_it_revises(
    api: APIClient, cv_draft: dict, provider_requests: list
) -> None:
    answer = cv_answer()
    answer["resume"]["basics"]["summary"] = "Django developer: PostgreSQL services, shipped."
    queue_reply(answer)

    response = api.post(revise_url(cv_draft["id"]), {"instructions": "Shorter summary, please."}, format="json")

    assert response.status_code == 201, response.json()
    revision = response.json()
    assert (revision["kind"], revision["revises"], revision["revision_chain"]) == ("cv", cv_draft["id"],
                                                                                  [cv_draft["id"]])
    assert revision["content"]["resume"]["basics"]["summary"] == "Django developer: PostgreSQL services, shipped."
    assert revision["content"]["warnings"] == []
    assert revision["content"]["keyword_coverage"]["missing"] == ["Kubernetes"]
    assert Draft.objects.get(pk=revision["id"]).usage_log.task_type == "revision"
    original = api.get(f"/api/v1/drafts/{cv_draft['id']}").json()
    assert (original["revises"], original["revised_by"]) == (None, [revision["id"]])
    request = provider_requests[-1]
    assert request.prompt.count("BEGIN UNTRUSTED DATA") == 4
    assert "(the user's revision request)\nShorter summary, please.\nEND UNTRUSTED DATA" in request.prompt
    assert "Python and Django developer who ships PostgreSQL-backed services." in request.prompt  # the previous one


def test_a_revision_that_changes_an_employer_gets_it_restored_with_a_warning(
    api: APIClient, cv_draft: dict, provider_requests: list
) -> None:
    answer = cv_answer()
    answer["resume"]["work"][0]["name"] = "Google"
    queue_reply(answer)

    response = api.post(revise_url(cv_draft["id"]), {"instructions": "Say I worked at Google."}, format="json")

    assert response.status_code == 201, response.json()
    content = response.json()["content"]
    assert content["resume"]["work"][0]["name"] == "Analytical Engines Ltd"
    assert content["warnings"] == ["work[0].name was 'Google'; restored to 'Analytical Engines Ltd' from the profile."]


def test_the_chain_grows_with_each_revision(api: APIClient, cv_draft: dict, provider_requests: list) -> None:
    queue_reply(cv_answer())
    second = api.post(revise_url(cv_draft["id"]), {"instructions": "Tighter."}, format="json").json()
    queue_reply(cv_answer())

    third = api.post(revise_url(second["id"]), {"instructions": "Even tighter."}, format="json").json()

    assert third["revision_chain"] == [cv_draft["id"], second["id"]]
    assert api.get(f"/api/v1/drafts/{third['id']}").json()["revision_chain"] == [cv_draft["id"], second["id"]]


def test_a_revised_letter_is_signed_with_the_profile_name_and_keeps_its_tone(
    api: APIClient, job: JobPosting, saved_profile: Profile, provider_requests: list
) -> None:
    queue_reply(LETTER)
    letter = api.post("/api/v1/cover-letter/draft", {"job_id": job.pk, "tone": "friendly"}, format="json").json()
    queue_reply({**LETTER, "paragraphs": ["I build Python services."], "signature": "Somebody Else"})

    response = api.post(revise_url(letter["id"]), {"instructions": "One paragraph only."}, format="json")

    assert response.status_code == 201, response.json()
    content = response.json()["content"]
    assert (content["signature"], content["tone"], content["word_count"]) == ("Ada Lovelace", "friendly", 4)
    assert content["warnings"] == ["signature was 'Somebody Else'; set to 'Ada Lovelace' from the profile."]


def test_a_revised_interview_prep_drops_evidence_the_profile_lacks(
    api: APIClient, job: JobPosting, saved_profile: Profile, vendor_server: Any
) -> None:
    ProviderConfigFactory(provider_type="gemini", base_url=vendor_server.base_url("gemini"), is_default=True,
                          fast_model="gemini-2.5-flash", quality_model="gemini-2.5-pro")
    prep = Draft.objects.create(owner=job.owner, job=job, kind="interview_prep", language="en",
                                content={**INVENTED, "language": "en", "warnings": []})
    vendor_server.reply_json(vendor="gemini", payload=INVENTED)

    response = api.post(revise_url(prep.pk), {"instructions": "More technical questions."}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["content"]["questions"][1]["profile_evidence"] == []
    assert len(response.json()["content"]["warnings"]) == 4
    assert AIProviderUsageLog.objects.get().task_type == "revision"


@pytest.mark.parametrize(("payload", "reason"), [({}, "required"), ({"instructions": ""}, "blank"),
                                                 ({"instructions": "x" * 2001}, "2000")])
def test_it_refuses_missing_or_long_instructions(
    api: APIClient, cv_draft: dict, provider_requests: list, payload: dict, reason: str
) -> None:
    calls = len(provider_requests)

    response = api.post(revise_url(cv_draft["id"]), payload, format="json")

    assert response.status_code == 400
    assert reason in " ".join(response.json()["error"]["details"]["instructions"])
    assert len(provider_requests) == calls


def test_another_users_draft_is_a_404_for_revise_and_export(
    api: APIClient, job: JobPosting, provider_requests: list
) -> None:
    mallory = UserFactory(username="mallory")
    their_job = JobPosting.objects.create(owner=mallory, source="text", data=JOB_DATA)
    theirs = Draft.objects.create(owner=mallory, job=their_job, kind="cv", content=cv_answer(), language="en")

    responses = [api.post(revise_url(theirs.pk), {"instructions": "Shorter."}, format="json"),
                 api.get(f"/api/v1/drafts/{theirs.pk}/export", {"format": "md"}),
                 api.get(f"/api/v1/drafts/{theirs.pk}")]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert {r.json()["error"]["code"] for r in responses} == {"not_found"}
    assert provider_requests == []


def test_revisions_and_interview_prep_are_priced_and_listed_as_their_own_task_types(
    api: APIClient, job: JobPosting, saved_profile: Profile, vendor_server: Any
) -> None:
    ProviderConfigFactory(provider_type="openai", base_url=vendor_server.base_url("openai"), is_default=True,
                          fast_model="gpt-5-mini", quality_model="gpt-5")
    vendor_server.reply_json(vendor="openai", payload=ANSWER, input_tokens=1000, output_tokens=500)
    prep = api.post("/api/v1/interview-prep/draft", {"job_id": job.pk}, format="json").json()
    vendor_server.reply_json(vendor="openai", payload=ANSWER, input_tokens=2000, output_tokens=1000)
    api.post(revise_url(prep["id"]), {"instructions": "Harder questions."}, format="json")

    # gpt-5-mini: $0.25 per million input tokens, $2.00 per million output tokens (the seeded prices)
    costs = dict(AIProviderUsageLog.objects.values_list("task_type", "cost_usd"))
    assert costs == {"interview_prep": Decimal("0.00125"), "revision": Decimal("0.0025")}
    root = client_for(UserFactory(username="root", is_staff=True, is_superuser=True))
    listed = root.get("/api/v1/super-admin/usage/logs/", {"task_type": "revision"}).json()["results"]
    assert [row["task_type"] for row in listed] == ["revision"]
