"""The OpenAI backend through the real ``openai`` SDK against the fake server's chat completions."""

import base64

import pytest

from providers.backends.openai import meets_strict_mode
from providers.base import ErrorCode, GenerationRequest, ImageInput, ProviderError
from tests.fakes.vendor_server import openai_completion

PNG = b"\x89PNG\r\n\x1a\n fake image bytes"
IMAGE = ImageInput(PNG, "image/png")
SCHEMA = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}
CLOSED_SCHEMA = {**SCHEMA, "additionalProperties": False}


def test_the_request_carries_model_key_system_prompt_image_and_json_schema(
    make_backend, vendor_server, api_key, full_request
):
    vendor_server.reply_json(vendor="openai", payload={"title": "Engineer"})

    make_backend("openai").generate(full_request(model="gpt-5-mini", image=IMAGE, schema_name="job posting"))

    (sent,) = vendor_server.requests
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {api_key}"
    body = sent.json
    assert body["model"] == "gpt-5-mini"
    assert body["max_completion_tokens"] == 700
    assert body["messages"][0] == {"role": "system", "content": "You extract job postings."}
    text_part, image_part = body["messages"][1]["content"]
    assert text_part == {"type": "text", "text": "Read this screenshot."}
    assert image_part["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(PNG).decode()
    json_schema = body["response_format"]["json_schema"]
    assert body["response_format"]["type"] == "json_schema"
    assert (json_schema["name"], json_schema["schema"], json_schema["strict"]) == ("job_posting", SCHEMA, False)
    assert "temperature" not in body


def test_plain_text_needs_no_schema_and_sends_the_prompt_as_a_string(make_backend, vendor_server):
    vendor_server.reply_text(vendor="openai", text="Hello there")

    result = make_backend("openai").generate(GenerationRequest(model="gpt-5-mini", prompt="Hi", temperature=0.2))

    assert (result.text, result.parsed) == ("Hello there", None)
    body = vendor_server.requests[0].json
    assert body["messages"] == [{"role": "user", "content": "Hi"}]
    assert body["temperature"] == 0.2
    assert "response_format" not in body


def test_a_closed_schema_with_every_property_required_is_sent_strict(make_backend, vendor_server):
    vendor_server.reply_json(vendor="openai", payload={"title": "Engineer"})

    make_backend("openai").generate(GenerationRequest(model="gpt-5-mini", prompt="Hi", output_schema=CLOSED_SCHEMA))

    assert vendor_server.requests[0].json["response_format"]["json_schema"]["strict"] is True


def test_strict_mode_needs_every_nested_object_closed_and_fully_required():
    nested_open = {**CLOSED_SCHEMA, "properties": {"company": {"type": "object", "properties": {"name": {}}}}}
    nested_open["required"] = ["company"]
    optional_property = {**CLOSED_SCHEMA, "properties": {"title": {}, "city": {}}}

    assert meets_strict_mode(CLOSED_SCHEMA) is True
    assert meets_strict_mode(SCHEMA) is False
    assert meets_strict_mode(nested_open) is False
    assert meets_strict_mode(optional_property) is False


def test_cached_prompt_tokens_are_reported_apart(make_backend, vendor_server):
    body = openai_completion("ok", "gpt-5", input_tokens=2000, output_tokens=3)
    body["usage"]["prompt_tokens_details"] = {"cached_tokens": 1536}
    vendor_server.reply(json_body=body)

    result = make_backend("openai").generate(GenerationRequest(model="gpt-5", prompt="Hi"))

    assert result.input_tokens == 2000
    assert result.extra == {"cached_input_tokens": 1536}


def test_a_refusal_to_produce_the_json_is_invalid_output(make_backend, vendor_server):
    body = openai_completion(None, "gpt-5", input_tokens=40, output_tokens=8)
    body["choices"][0]["message"]["refusal"] = "I can't help with that."
    vendor_server.reply(json_body=body)

    with pytest.raises(ProviderError) as caught:
        make_backend("openai").generate(GenerationRequest(model="gpt-5", prompt="Hi", output_schema=SCHEMA))

    assert (caught.value.code, caught.value.input_tokens) == (ErrorCode.INVALID_OUTPUT, 40)
