"""The mock backend: offline, deterministic, schema-valid output for any schema, and not an LLM."""

import pytest

from providers.backends.mock import MockProvider, sample_for_schema
from providers.base import ErrorCode, GenerationRequest, ImageInput, ProviderError
from providers.registry import ProviderFactory

JOB_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "work_mode": {"enum": ["onsite", "hybrid", "remote"]},
        "salary": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/Salary"}]},
        "skills": {"type": "array", "items": {"type": "string"}, "minItems": 2},
        "remote": {"type": "boolean"},
        "openings": {"type": ["integer", "null"]},
    },
    "$defs": {"Salary": {"type": "object", "properties": {"min": {"type": "number"}, "currency": {"const": "EUR"}}}},
}


def mock() -> MockProvider:
    return MockProvider(api_key="")


def test_it_answers_any_schema_with_a_document_that_fits_it():
    result = mock().generate(GenerationRequest(model="mock-fast", prompt="Extract", output_schema=JOB_SCHEMA))

    assert result.parsed == {
        "title": "mock title (not an LLM)",
        "work_mode": "onsite",
        "salary": {"min": 0, "currency": "EUR"},
        "skills": ["mock skills (not an LLM)", "mock skills (not an LLM)"],
        "remote": False,
        "openings": 0,
    }


def test_it_is_deterministic():
    request = GenerationRequest(model="mock-fast", prompt="Extract", output_schema=JOB_SCHEMA)

    assert mock().generate(request).text == mock().generate(request).text


def test_it_reports_plausible_token_counts_that_grow_with_the_input():
    short = mock().generate(GenerationRequest(model="mock-fast", prompt="x" * 40))
    long = mock().generate(GenerationRequest(model="mock-fast", prompt="x" * 4000))
    with_image = mock().generate(
        GenerationRequest(model="mock-fast", prompt="x" * 40, images=(ImageInput(b"png", "image/png"),))
    )

    assert (short.input_tokens, long.input_tokens) == (10, 1000)
    assert with_image.input_tokens > short.input_tokens
    assert short.output_tokens >= 1
    assert short.model == "mock-fast"


def test_queued_replies_and_errors_are_played_back_in_order():
    MockProvider.queue.extend(['{"title": "Queued"}', ProviderError(ErrorCode.RATE_LIMITED, "slow down")])
    request = GenerationRequest(model="mock-fast", prompt="Extract", output_schema=JOB_SCHEMA)

    assert mock().generate(request).parsed == {"title": "Queued"}
    with pytest.raises(ProviderError) as caught:
        mock().generate(request)
    assert caught.value.retryable is True
    assert mock().generate(request).parsed["title"] == "mock title (not an LLM)"


def test_it_is_labelled_as_not_an_llm_and_needs_no_credentials():
    assert ProviderFactory.backend_class("mock").is_llm is False
    assert ProviderFactory.backend_class("openai").is_llm is True
    assert mock().validate_credentials() is None


def test_an_empty_schema_gives_an_empty_object():
    assert sample_for_schema({}) == {}


def test_a_queued_reply_that_is_not_json_is_invalid_output_when_a_schema_was_asked():
    MockProvider.queue.append("not json at all")
    request = GenerationRequest(model="mock-fast", prompt="x" * 40, output_schema={"type": "object"})
    with pytest.raises(ProviderError) as caught:
        MockProvider(api_key="").generate(request)
    assert caught.value.code == ErrorCode.INVALID_OUTPUT
    assert not caught.value.retryable
    assert caught.value.input_tokens == 10
