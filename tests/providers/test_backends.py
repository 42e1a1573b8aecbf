"""The contract every SDK backend keeps: usage, text and the resolved model read from the response; every
SDK failure one ProviderError; exactly one HTTP request per attempt.

The real SDKs talk to the fake vendor server (tests/fakes); nothing is patched.
"""

import pytest

from providers.base import ErrorCode, GenerationRequest, ImageInput, ProviderError

VENDORS = ["openai", "anthropic", "gemini"]
SCHEMA = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}
RESOLVED = {
    "openai": "gpt-5-mini-2026-08-07",
    "anthropic": "claude-haiku-4-5-20261001",
    "gemini": "gemini-2.5-flash-001",
}
FINISH_REASONS = {"openai": "stop", "anthropic": "end_turn", "gemini": "STOP"}


def generate_error(backend, request: GenerationRequest | None = None) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        backend.generate(request or GenerationRequest(model="some-model", prompt="Hello"))
    return caught.value


@pytest.mark.parametrize("vendor", VENDORS)
def test_usage_text_and_the_resolved_model_come_from_the_response(vendor, make_backend, vendor_server):
    vendor_server.reply_json(
        vendor=vendor, payload={"title": "Engineer"}, input_tokens=1234, output_tokens=56, model=RESOLVED[vendor]
    )

    result = make_backend(vendor).generate(GenerationRequest(model="alias", prompt="Hi", output_schema=SCHEMA))

    assert result.parsed == {"title": "Engineer"}
    assert result.text == '{"title": "Engineer"}'
    assert (result.input_tokens, result.output_tokens) == (1234, 56)
    assert result.model == RESOLVED[vendor]
    assert result.raw_finish_reason == FINISH_REASONS[vendor]
    assert result.latency_ms >= 0


@pytest.mark.parametrize("vendor", VENDORS)
def test_plain_text_comes_back_unparsed(vendor, make_backend, vendor_server):
    vendor_server.reply_text(vendor=vendor, text="Hello there")

    result = make_backend(vendor).generate(GenerationRequest(model="m", prompt="Hi"))

    assert (result.text, result.parsed) == ("Hello there", None)


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_401_is_an_auth_error_that_is_not_retried_and_does_not_echo_the_key(
    vendor, make_backend, vendor_server, api_key
):
    vendor_server.reply_error(vendor=vendor, status=401, message=f"Incorrect API key provided: {api_key}")

    error = generate_error(make_backend(vendor))

    assert (error.code, error.retryable) == (ErrorCode.AUTH, False)
    assert "Incorrect API key provided" in error.message
    assert api_key not in error.message
    assert api_key[-12:] not in error.message
    assert len(vendor_server.requests) == 1


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_429_is_rate_limited_and_carries_retry_after(vendor, make_backend, vendor_server):
    vendor_server.reply_error(vendor=vendor, status=429, message="slow down", headers={"retry-after": "7"})

    error = generate_error(make_backend(vendor))

    assert (error.code, error.retryable, error.retry_after) == (ErrorCode.RATE_LIMITED, True, 7.0)
    assert len(vendor_server.requests) == 1  # the SDK did not retry behind the orchestrator's back


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_500_is_unavailable_and_retryable_after_one_request(vendor, make_backend, vendor_server):
    vendor_server.reply_error(vendor=vendor, status=500, message="internal error")

    error = generate_error(make_backend(vendor))

    assert (error.code, error.retryable) == (ErrorCode.UNAVAILABLE, True)
    assert len(vendor_server.requests) == 1


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_400_is_a_bad_request_and_not_retryable(vendor, make_backend, vendor_server):
    vendor_server.reply_error(vendor=vendor, status=400, message="max_tokens is too large")

    error = generate_error(make_backend(vendor))

    assert (error.code, error.retryable) == (ErrorCode.BAD_REQUEST, False)
    assert "max_tokens is too large" in error.message


@pytest.mark.parametrize("vendor", VENDORS)
def test_it_times_out_at_the_request_timeout_after_one_request(vendor, make_backend, vendor_server):
    vendor_server.reply_slowly(5.0)
    backend = make_backend(vendor, timeout=30.0)

    # 1 s, not less: the deadline covers connecting and sending too, which a loaded CI machine can make slow.
    error = generate_error(backend, GenerationRequest(model="some-model", prompt="Hello", timeout=1.0))

    assert (error.code, error.retryable) == (ErrorCode.TIMEOUT, True)
    assert "1 s" in error.message
    assert len(vendor_server.requests) == 1


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_operators_timeout_caps_a_longer_request_timeout(vendor, make_backend, vendor_server):
    vendor_server.reply_slowly(5.0)
    backend = make_backend(vendor, timeout=0.3)

    error = generate_error(backend, GenerationRequest(model="some-model", prompt="Hello", timeout=60.0))

    assert error.code == ErrorCode.TIMEOUT
    assert "0.3 s" in error.message


@pytest.mark.parametrize("vendor", VENDORS)
def test_connection_refused_is_unavailable_and_retryable(vendor, make_backend, refused_url):
    backend = make_backend(vendor, base_url=f"{refused_url}/v1" if vendor == "openai" else refused_url)

    error = generate_error(backend)

    assert (error.code, error.retryable) == (ErrorCode.UNAVAILABLE, True)


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_malformed_body_is_invalid_output(vendor, make_backend, vendor_server):
    vendor_server.reply_malformed()

    error = generate_error(make_backend(vendor))

    assert (error.code, error.retryable) == (ErrorCode.INVALID_OUTPUT, False)
    assert len(vendor_server.requests) == 1


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_json_body_of_the_wrong_shape_is_invalid_output(vendor, make_backend, vendor_server):
    vendor_server.reply(200, json_body={"unexpected": True})

    error = generate_error(make_backend(vendor), GenerationRequest(model="m", prompt="Hi", output_schema=SCHEMA))

    assert error.code == ErrorCode.INVALID_OUTPUT


@pytest.mark.parametrize("vendor", VENDORS)
def test_output_that_is_not_json_is_invalid_output_and_reports_the_billed_input(vendor, make_backend, vendor_server):
    vendor_server.reply_text(vendor=vendor, text="Sure! Here is the JSON: {", input_tokens=321, output_tokens=9)

    error = generate_error(make_backend(vendor), GenerationRequest(model="m", prompt="Hi", output_schema=SCHEMA))

    assert (error.code, error.retryable, error.input_tokens) == (ErrorCode.INVALID_OUTPUT, False, 321)


@pytest.mark.parametrize("vendor", VENDORS)
def test_without_a_key_it_refuses_before_calling_the_vendor(vendor, make_backend, vendor_server):
    error = generate_error(make_backend(vendor, api_key=""))

    assert error.code == ErrorCode.AUTH
    assert vendor_server.requests == []


@pytest.mark.parametrize("vendor", VENDORS)
def test_an_unsupported_image_type_is_a_bad_request_without_a_call(vendor, make_backend, vendor_server):
    request = GenerationRequest(model="m", prompt="Hi", images=(ImageInput(b"GIF89a", "image/gif"),))

    error = generate_error(make_backend(vendor), request)

    assert error.code == ErrorCode.BAD_REQUEST
    assert vendor_server.requests == []


@pytest.mark.parametrize("vendor", VENDORS)
def test_validate_credentials_passes_against_a_healthy_vendor(vendor, make_backend, vendor_server, api_key):
    make_backend(vendor).validate_credentials()

    (request,) = vendor_server.requests
    assert request.method == "GET"
    assert "/models" in request.path
    assert api_key in (request.headers.get("authorization", "") + request.headers.get("x-goog-api-key", ""))


@pytest.mark.parametrize("vendor", VENDORS)
def test_validate_credentials_fails_with_auth_on_a_401(vendor, make_backend, vendor_server):
    vendor_server.reply_error(vendor=vendor, status=401, message="invalid key")

    with pytest.raises(ProviderError) as caught:
        make_backend(vendor).validate_credentials()

    assert caught.value.code == ErrorCode.AUTH
    assert len(vendor_server.requests) == 1


def test_anthropic_overloaded_529_is_unavailable(make_backend, vendor_server):
    vendor_server.reply_error(vendor="anthropic", status=529, message="Overloaded")

    error = generate_error(make_backend("anthropic"))

    assert (error.code, error.retryable) == (ErrorCode.UNAVAILABLE, True)
    assert len(vendor_server.requests) == 1


def test_gemini_answers_a_wrong_key_with_400_api_key_invalid_which_is_auth(make_backend, vendor_server):
    vendor_server.reply_error(vendor="gemini", status=400, message="API key not valid. Please pass a valid API key.")

    error = generate_error(make_backend("gemini"))

    assert (error.code, error.retryable) == (ErrorCode.AUTH, False)


def test_gemini_retry_delay_in_the_error_details_becomes_retry_after(make_backend, vendor_server):
    retry_info = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "31s"}
    body = {
        "error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED", "details": [retry_info]}
    }
    vendor_server.reply(429, json_body=body)

    error = generate_error(make_backend("gemini"))

    assert (error.code, error.retry_after) == (ErrorCode.RATE_LIMITED, 31.0)
