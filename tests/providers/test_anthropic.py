"""The Anthropic backend through the real ``anthropic`` SDK against the fake server's Messages API."""

import base64

from providers.base import GenerationRequest, ImageInput
from tests.fakes.vendor_server import anthropic_message

JPEG = b"\xff\xd8\xff\xe0 fake jpeg bytes"


def test_the_request_carries_model_key_system_prompt_image_and_output_format(
    make_backend, vendor_server, api_key, full_request
):
    vendor_server.reply_json(vendor="anthropic", payload={"title": "Engineer"})
    request = full_request(model="claude-haiku-4-5", image=ImageInput(JPEG, "image/jpeg"), max_output_tokens=900)

    make_backend("anthropic").generate(request)

    (sent,) = vendor_server.requests
    assert sent.path == "/v1/messages"
    assert sent.headers["authorization"] == f"Bearer {api_key}"
    assert sent.headers["anthropic-version"]
    body = sent.json
    assert (body["model"], body["max_tokens"], body["system"]) == ("claude-haiku-4-5", 900, "You extract job postings.")
    image_block, text_block = body["messages"][0]["content"]
    assert image_block == {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/jpeg", "data": base64.b64encode(JPEG).decode()},
    }
    assert text_block == {"type": "text", "text": "Read this screenshot."}
    output_format = body["output_config"]["format"]
    assert output_format["type"] == "json_schema"
    # Anthropic's structured outputs need closed objects: the SDK's transform_schema adds that.
    assert output_format["schema"] == {**request.output_schema, "additionalProperties": False}


def test_temperature_is_never_sent_because_the_api_refuses_sampling_parameters(make_backend, vendor_server):
    make_backend("anthropic").generate(GenerationRequest(model="claude-haiku-4-5", prompt="Hi", temperature=0.2))

    body = vendor_server.requests[0].json
    assert "temperature" not in body
    assert "system" not in body
    assert "output_config" not in body


def test_cache_reads_and_writes_count_as_input_tokens(make_backend, vendor_server):
    message = anthropic_message("ok", "claude-sonnet-5-5", input_tokens=10, output_tokens=2)
    message["usage"].update(cache_read_input_tokens=1000, cache_creation_input_tokens=200)
    vendor_server.reply(json_body=message)

    result = make_backend("anthropic").generate(GenerationRequest(model="claude-sonnet-5-5", prompt="Hi"))

    assert result.input_tokens == 1210
    assert result.extra == {"cached_input_tokens": 1000}
