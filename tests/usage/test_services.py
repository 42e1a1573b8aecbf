"""usage_log_record: one priced row, secrets redacted from error messages."""

import uuid
from decimal import Decimal

import pytest

from tests.factories import UserFactory
from usage.services import UsageContext, redact_secrets, usage_log_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def context():
    return UsageContext(user_id=UserFactory().pk, task_type="extraction", plan="freemium", request_id=uuid.uuid4())


def test_it_records_a_priced_attempt(context):
    row = usage_log_record(
        context=context,
        status="success",
        provider_type="openai",
        model="gpt-5-mini-2025-08-07",
        input_tokens=1000,
        output_tokens=500,
        latency_ms=812,
        attempt=2,
    )

    row.refresh_from_db()
    assert (row.total_tokens, row.cost_usd, row.latency_ms, row.attempt) == (1500, Decimal("0.00125"), 812, 2)
    assert (row.user_id, row.task_type, row.plan, row.request_id) == (
        context.user_id,
        "extraction",
        "freemium",
        context.request_id,
    )


def test_an_unpriced_model_is_recorded_with_a_null_cost(context):
    row = usage_log_record(context=context, status="success", provider_type="openai", model="gpt-9", input_tokens=5)

    row.refresh_from_db()
    assert row.cost_usd is None


def test_error_messages_are_redacted_and_truncated(context):
    message = "Incorrect API key provided: sk-proj-abcd****wxyz. " + "x" * 600

    row = usage_log_record(context=context, status="error", error_code="auth", error_message=message)

    assert "abcd" not in row.error_message
    assert "wxyz" not in row.error_message
    assert len(row.error_message) == 500


@pytest.mark.parametrize(
    "secret",
    ["sk-ant-api03-abcdefgh", "AIzaSyA1234567890abcdef", "Bearer eyJhbGciOi.abc", "api_key=s3cr3t-value"],
)
def test_known_key_shapes_are_redacted(secret):
    assert redact_secrets(f"failed with {secret} today") == "failed with [redacted] today"


def test_a_vendor_message_with_a_nul_is_stored_without_it(context):
    # PostgreSQL refuses NUL in text: the failed attempt's row must still be written.
    row = usage_log_record(context=context, status="error", error_code="bad_request", error_message="bad\x00 input")
    row.refresh_from_db()
    assert row.error_message == "bad input"
