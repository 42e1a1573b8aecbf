"""POST /api/v1/job-extractor/extract: text, image and URL input, through the mock provider and a real SDK."""

import base64
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from orchestrator.models import JobPosting
from orchestrator.tasks.base import UNTRUSTED_DATA_RULE
from providers.backends.mock import MockProvider
from providers.base import ErrorCode, ProviderError
from tests.factories import ProviderConfigFactory
from tests.orchestrator.conftest import PageServer, jobpage, queue_reply
from usage.models import AIProviderUsageLog

URL = "/api/v1/job-extractor/extract"
POSTING = ("We are hiring a Senior Python Developer at Initech in Berlin. Full-time, hybrid, EUR 70,000-85,000 "
           "a year. You know Django and PostgreSQL; Kubernetes is a plus.")
EXTRACTED = {
    "title": "Senior Python Developer", "company": {"name": "Initech", "url": None},
    "locations": [{"city": "Berlin", "region": None, "country_code": None, "raw": "Berlin"}], "applicant_locations": [],
    "work_mode": "hybrid", "employment_type": ["FULL_TIME"], "seniority": "senior",
    "salary": {"currency": "EUR", "min": 70000, "max": 85000, "period": "YEAR", "raw": "EUR 70,000-85,000 a year"},
    "skills_required": ["Python", "Django", "PostgreSQL"], "skills_nice_to_have": ["Kubernetes"],
    "responsibilities": [], "requirements": [], "benefits": [], "keywords": ["Python", "Django"],
    "date_posted": None, "application_deadline": None, "apply_url": None, "language": "en",
    "description_text": "Senior Python developer at Initech.",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def test_it_extracts_a_posting_from_pasted_text(api: APIClient, user: Any, provider_requests: list) -> None:
    queue_reply(EXTRACTED)

    response = api.post(URL, {"text": POSTING}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["data"] == EXTRACTED
    assert (body["source"], body["provider_type"]) == ("text", "mock")
    job = JobPosting.objects.get(pk=body["id"])
    assert job.owner == user
    assert job.usage_log.task_type == "extraction"
    [request] = provider_requests
    assert UNTRUSTED_DATA_RULE in request.system
    assert request.output_schema["properties"]["title"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    data_block = request.prompt.split("BEGIN UNTRUSTED DATA", 1)[1]
    assert POSTING in data_block
    assert "END UNTRUSTED DATA" in data_block.split(POSTING, 1)[1]


def test_it_stores_a_model_reply_with_a_nul_or_a_lone_surrogate_as_clean_text(
    api: APIClient, provider_requests: list
) -> None:
    # PostgreSQL stores no NUL and UTF-8 has no lone surrogate: either failed the save after the tokens were spent.
    queue_reply({**EXTRACTED, "title": "Senior\u0000 Python Developer", "description_text": "Initech \ud800"})

    response = api.post(URL, {"text": POSTING}, format="json")

    assert response.status_code == 201, response.json()
    data = JobPosting.objects.get(pk=response.json()["id"]).data
    assert data["title"] == "Senior Python Developer"
    assert data["description_text"] == "Initech \ufffd"


@pytest.mark.parametrize(("raw", "mime_type"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp")])
def test_it_sends_a_base64_image_to_the_provider_as_an_image_part(
    api: APIClient, provider_requests: list, raw: bytes, mime_type: str
) -> None:
    queue_reply(EXTRACTED)

    response = api.post(URL, {"image": base64.b64encode(raw).decode()}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "image"
    [image] = provider_requests[0].images
    assert (image.data, image.mime_type) == (raw, mime_type)


def test_it_takes_a_data_url_and_a_multipart_upload(api: APIClient, provider_requests: list) -> None:
    queue_reply(EXTRACTED)
    queue_reply(EXTRACTED)

    as_data_url = api.post(URL, {"image": "data:image/png;base64," + base64.b64encode(PNG).decode()}, format="json")
    upload = SimpleUploadedFile("shot.jpg", JPEG, content_type="image/png")  # the declared type is ignored
    as_file = api.post(URL, {"image": upload}, format="multipart")

    assert (as_data_url.status_code, as_file.status_code) == (201, 201)
    assert [r.images[0].mime_type for r in provider_requests] == ["image/png", "image/jpeg"]


@pytest.mark.parametrize(
    "payload",
    [{"image": base64.b64encode(b"GIF89a" + b"\x00" * 64).decode()}, {"image": "not base64!"}, {"image": 12}],
)
def test_it_refuses_an_image_that_is_not_png_jpeg_or_webp(
    api: APIClient, provider_requests: list, payload: Any
) -> None:
    response = api.post(URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert "image" in response.json()["error"]["details"]
    assert provider_requests == []


def test_it_refuses_an_image_over_five_megabytes_with_413(api: APIClient, provider_requests: list) -> None:
    big = PNG + b"\x00" * (5 * 1024 * 1024)

    as_json = api.post(URL, {"image": base64.b64encode(big).decode()}, format="json")
    as_file = api.post(URL, {"image": SimpleUploadedFile("big.png", big)}, format="multipart")

    for response in (as_json, as_file):
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"
        assert "image" in response.json()["error"]["details"]
    assert provider_requests == []


@pytest.mark.parametrize(
    "payload",
    [{}, {"text": POSTING, "url": "https://example.com/job"}, {"text": "", "image": ""}, {"text": "   Hiring!  "}],
)
def test_it_refuses_anything_but_exactly_one_usable_input_before_any_call(
    api: APIClient, provider_requests: list, payload: dict
) -> None:
    response = api.post(URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert provider_requests == []
    assert not AIProviderUsageLog.objects.exists()


def test_it_repairs_invalid_model_output_once(api: APIClient, provider_requests: list) -> None:
    queue_reply({**EXTRACTED, "locations": "Berlin"})
    queue_reply(EXTRACTED)

    response = api.post(URL, {"text": POSTING}, format="json")

    assert response.status_code == 201
    assert len(provider_requests) == 2
    assert "locations" in provider_requests[1].prompt
    assert JobPosting.objects.get().usage_log_id == AIProviderUsageLog.objects.order_by("-id").first().pk


def test_it_answers_502_invalid_output_when_the_repair_fails_too(api: APIClient, provider_requests: list) -> None:
    MockProvider.queue.append(ProviderError(ErrorCode.INVALID_OUTPUT, "no JSON in the answer"))
    queue_reply({"title": ["not", "a", "string"]})

    response = api.post(URL, {"text": POSTING}, format="json")

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "invalid_output"
    assert not JobPosting.objects.exists()


def test_it_answers_503_when_no_provider_is_configured(api: APIClient, settings: Any) -> None:
    settings.PROVIDER_ENV = {vendor: {"api_key": "", "fast_model": "", "quality_model": ""}
                             for vendor in ("gemini", "openai", "anthropic")}
    response = api.post(URL, {"text": POSTING}, format="json")

    assert response.status_code == 503
    assert response.json()["error"] == {
        "code": "no_provider_configured", "message": "No active provider configured", "details": {}}


# --- URL input -------------------------------------------------------------------------------------------


def test_it_refuses_a_private_url_with_422_url_not_allowed(api: APIClient, provider_requests: list) -> None:
    response = api.post(URL, {"url": "http://169.254.169.254/latest/meta-data/"}, format="json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "url_not_allowed"
    assert provider_requests == []


def test_it_answers_422_url_fetch_failed_for_an_unreachable_page(
    api: APIClient, allow_private_hosts: None, refused_url: str
) -> None:
    response = api.post(URL, {"url": f"{refused_url}/job"}, format="json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "url_fetch_failed"


@pytest.mark.parametrize("name", ["04", "12"])
def test_it_reads_json_ld_pages_without_a_model_call(
    api: APIClient, page_server: PageServer, allow_private_hosts: None, provider_requests: list, name: str
) -> None:
    html, expected = jobpage(name)
    url = page_server.page(f"/{name}.html", html)

    response = api.post(URL, {"url": url}, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["title"] == expected["title"]
    assert data["company"]["name"] == expected["company"]
    assert data["employment_type"] == expected["employment_type"]
    assert (data["date_posted"], data["application_deadline"]) == (expected["date_posted"],
                                                                    expected["application_deadline"])
    assert response.json()["provider_type"] is None
    assert provider_requests == []
    assert not AIProviderUsageLog.objects.exists()


def test_it_asks_the_model_only_for_the_company_that_page_03_json_ld_lacks(
    api: APIClient, page_server: PageServer, allow_private_hosts: None, provider_requests: list
) -> None:
    html, expected = jobpage("03")
    queue_reply({"title": "Something else", "company": {"name": "ABC Company Inc.", "url": None}})

    response = api.post(URL, {"url": page_server.page("/03.html", html)}, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["company"]["name"] == expected["company"]
    assert data["title"] == "Software Engineer"  # the JSON-LD's, not the model's
    assert data["salary"] | {"raw": None} == {**expected["salary"], "raw": None}
    assert (data["employment_type"], data["date_posted"]) == (["FULL_TIME"], "2011-10-31")
    [request] = provider_requests
    assert request.schema_name == "job_posting_gaps"
    assert set(request.output_schema["properties"]) == {"title", "company"}
    assert "ABC Company Inc." in request.prompt.split("BEGIN UNTRUSTED DATA", 1)[1]


@pytest.mark.parametrize(("name", "phrase"), [
    ("13", "Quality Control Tech"), ("14", "Molded Dimensions, LLC"), ("15", "Technologiestiftung Berlin")])
def test_it_sends_the_readable_text_of_plain_pages_to_the_model_as_data(
    api: APIClient, page_server: PageServer, allow_private_hosts: None, provider_requests: list, name: str, phrase: str
) -> None:
    html, expected = jobpage(name)
    answer = {**EXTRACTED, "title": expected["title"], "company": {"name": expected["company"], "url": None},
              "salary": None, "locations": [], "employment_type": []}
    queue_reply(answer)

    response = api.post(URL, {"url": page_server.page(f"/{name}.html", html)}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["data"] == answer  # the model's answer as validated: nothing added from elsewhere
    [request] = provider_requests
    assert request.schema_name == "job_posting"
    assert UNTRUSTED_DATA_RULE in request.system
    outside_data = "".join(part.split("END UNTRUSTED DATA")[-1] for part in request.prompt.split("BEGIN UNTRUSTED"))
    assert phrase not in outside_data
    assert phrase in request.prompt


def test_it_extracts_from_a_plain_text_page(
    api: APIClient, page_server: PageServer, allow_private_hosts: None, provider_requests: list
) -> None:
    queue_reply(EXTRACTED)
    url = page_server.page("/job.txt", POSTING.encode(), content_type="text/plain; charset=utf-8")

    response = api.post(URL, {"url": url}, format="json")

    assert response.status_code == 201
    assert response.json()["source_url"] == url
    assert POSTING in provider_requests[0].prompt


# --- a real SDK against the fake vendor server --------------------------------------------------------------


def test_it_extracts_through_the_openai_sdk(api: APIClient, vendor_server: Any) -> None:
    ProviderConfigFactory(provider_type="openai", base_url=vendor_server.base_url("openai"), is_default=True,
                          fast_model="gpt-5-mini")
    vendor_server.reply_json(vendor="openai", payload=EXTRACTED, input_tokens=300, output_tokens=120)

    response = api.post(URL, {"text": POSTING}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["data"] == EXTRACTED
    assert response.json()["provider_type"] == "openai"
    sent = vendor_server.requests[0].json
    assert sent["response_format"]["json_schema"]["name"] == "job_posting"
    assert sent["response_format"]["json_schema"]["strict"] is True
    log = AIProviderUsageLog.objects.get()
    assert (log.provider_type, log.input_tokens, log.output_tokens) == ("openai", 300, 120)


def test_it_sends_the_screenshot_through_the_anthropic_sdk_as_an_image_block(
    api: APIClient, vendor_server: Any
) -> None:
    ProviderConfigFactory(provider_type="anthropic", base_url=vendor_server.base_url("anthropic"), is_default=True,
                          fast_model="claude-haiku-4-5")
    vendor_server.reply_json(vendor="anthropic", payload=EXTRACTED)

    response = api.post(URL, {"image": base64.b64encode(PNG).decode()}, format="json")

    assert response.status_code == 201, response.json()
    content = vendor_server.requests[0].json["messages"][0]["content"]
    image = next(block for block in content if block["type"] == "image")
    assert image["source"] == {"type": "base64", "media_type": "image/png", "data": base64.b64encode(PNG).decode()}


def test_it_repairs_a_malformed_answer_from_a_real_sdk(api: APIClient, vendor_server: Any) -> None:
    ProviderConfigFactory(provider_type="gemini", base_url=vendor_server.base_url("gemini"), is_default=True,
                          fast_model="gemini-2.5-flash")
    vendor_server.reply_text(vendor="gemini", text="Sure! Here is the JSON you asked for: {")
    vendor_server.reply_json(vendor="gemini", payload=EXTRACTED)

    response = api.post(URL, {"text": POSTING}, format="json")

    assert response.status_code == 201, response.json()
    assert len(vendor_server.requests) == 2
    second_prompt = json.dumps(vendor_server.requests[1].json)
    assert "did not match the required JSON schema" in second_prompt


def test_a_job_page_whose_json_ld_has_nul_and_surrogate_escapes_is_saved(
    api: APIClient, page_server: PageServer, allow_private_hosts: None, provider_requests: list
) -> None:
    # The posting's save raised (DataError on PostgreSQL for \u0000, UnicodeEncodeError for \ud800): a 500.
    ld = ('{"@type": "JobPosting", "title": "Dev\\u0000eloper\\ud800", "hiringOrganization": {"name": "A\\u0000B"},'
          ' "description": "Build Django services.\\u0000"}')
    html = f'<html><head><script type="application/ld+json">{ld}</script></head><body>x</body></html>'

    response = api.post(URL, {"url": page_server.page("/hostile.html", html.encode())}, format="json")

    assert response.status_code == 201, response.json()
    saved = JobPosting.objects.get()
    assert (saved.data["title"], saved.data["company"]["name"]) == ("Developer\ufffd", "AB")
    assert provider_requests == []


def test_pasted_text_with_an_unpaired_surrogate_escape_is_refused_before_any_call(
    api: APIClient, provider_requests: list
) -> None:
    """The parser refuses it (core.parsers), so the text field needs no per-character check of its own."""
    body = '{"text": "' + POSTING + ' \\ud800"}'

    response = api.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert provider_requests == []
