"""The helpers the SDK backends share: Retry-After parsing, key redaction, status codes, timeouts."""

import email.utils
import time

import pytest

from providers.backends._common import effective_timeout, retry_after_seconds, safe_message, status_error
from providers.base import ErrorCode


def test_retry_after_is_read_as_seconds_milliseconds_or_an_http_date():
    in_a_minute = email.utils.formatdate(time.time() + 60, usegmt=True)

    assert retry_after_seconds({"retry-after": "12"}) == 12.0
    assert retry_after_seconds({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert 55 <= retry_after_seconds({"retry-after": in_a_minute}) <= 60
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (401, ErrorCode.AUTH),
        (403, ErrorCode.AUTH),
        (429, ErrorCode.RATE_LIMITED),
        (408, ErrorCode.TIMEOUT),
        (500, ErrorCode.UNAVAILABLE),
        (503, ErrorCode.UNAVAILABLE),
        (529, ErrorCode.UNAVAILABLE),
        (400, ErrorCode.BAD_REQUEST),
        (404, ErrorCode.BAD_REQUEST),
        (422, ErrorCode.BAD_REQUEST),
    ],
)
def test_each_http_status_maps_to_one_code(status, code):
    assert status_error(status, "x", api_key="k").code == code


def test_only_a_rate_limit_carries_retry_after():
    assert status_error(429, "x", api_key="k", retry_after=5).retry_after == 5
    assert status_error(503, "x", api_key="k", retry_after=5).retry_after is None


def test_messages_lose_the_key_and_anything_that_looks_like_one():
    message = safe_message(
        "Bad key my-custom-gateway-key-123 (also sk-proj-****abcd and AIzaSyD-abcdefghijklmnop)\n next line",
        "my-custom-gateway-key-123",
    )

    assert message == "Bad key [key] (also [key] and [key]) next line"


def test_long_messages_are_cut_short():
    assert len(safe_message("x" * 5000, "")) == 300


def test_a_request_may_tighten_the_operators_timeout_but_not_loosen_it():
    assert effective_timeout(5.0, 60.0) == 5.0
    assert effective_timeout(600.0, 60.0) == 60.0
