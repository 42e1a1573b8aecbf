"""The Gemini backend through the real ``google-genai`` SDK against the fake server's generateContent."""

import base64

from providers.base import GenerationRequest, ImageInput
from tests.fakes.vendor_server import gemini_response

WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 fake webp bytes \xfb\xff"


def test_the_request_carries_model_key_system_prompt_image_and_json_schema(
    make_backend, vendor_server, api_key, full_request
):
    vendor_server.reply_json(vendor="gemini", payload={"title": "Engineer"})
    request = full_request(model="gemini-2.5-flash", image=ImageInput(WEBP, "image/webp"), temperature=0.1)

    make_backend("gemini").generate(request)

    (sent,) = vendor_server.requests
    assert sent.path.endswith("/models/gemini-2.5-flash:generateContent")
    assert sent.headers["x-goog-api-key"] == api_key
    body = sent.json
    assert body["systemInstruction"]["parts"] == [{"text": "You extract job postings."}]
    image_part, text_part = body["contents"][0]["parts"]
    inline = image_part["inlineData"]
    assert base64.urlsafe_b64decode(inline["data"]) == WEBP
    assert inline.get("mimeType", inline.get("mime_type")) == "image/webp"
    assert text_part == {"text": "Read this screenshot."}
    config = body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"] == request.output_schema
    assert (config["maxOutputTokens"], config["temperature"]) == (700, 0.1)


def test_thinking_tokens_are_billed_as_output(make_backend, vendor_server):
    response = gemini_response("ok", "gemini-2.5-pro", input_tokens=50, output_tokens=2)
    response["usageMetadata"]["thoughtsTokenCount"] = 120
    vendor_server.reply(json_body=response)

    result = make_backend("gemini").generate(GenerationRequest(model="gemini-2.5-pro", prompt="Hi"))

    assert (result.input_tokens, result.output_tokens) == (50, 122)


def test_one_instance_serves_many_calls_with_the_same_client(make_backend, vendor_server):
    backend = make_backend("gemini")

    texts = [backend.generate(GenerationRequest(model="gemini-2.5-flash", prompt="Hi")).text for _ in range(3)]

    assert texts == ["ok", "ok", "ok"]
    assert len(vendor_server.requests) == 3
