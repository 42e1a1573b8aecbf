"""Request ids (X-Request-ID, on every log line, shared with the usage log), JSON logs and key redaction."""

import io
import json
import logging
import logging.config
import re
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from rest_framework.authtoken.models import Token

from core.logging import RedactSecretsFilter, RequestIdFilter
from tests.factories import ProviderConfigFactory, UserFactory
from usage.models import AIProviderUsageLog

pytestmark = pytest.mark.django_db
HEX_ID = re.compile(r"[0-9a-f]{32}")
POSTING = (
    "We are hiring a Senior Python Developer at Initech in Berlin. Full-time, hybrid. "
    "You know Django and PostgreSQL; Kubernetes is a plus."
)


def formatter(kind: str) -> logging.Formatter:
    """The formatter of ``settings.LOGGING`` for ``LOG_FORMAT=kind``, built as dictConfig builds it."""
    return logging.config.DictConfigurator({}).configure_formatter(dict(django_settings.LOGGING["formatters"][kind]))


class LogOutput:
    """What the console handler of settings.LOGGING writes: its filters and the formatter of a LOG_FORMAT."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.addFilter(RequestIdFilter())
        self.handler.addFilter(RedactSecretsFilter())
        self.use("json")

    def use(self, kind: str) -> None:
        self.handler.setFormatter(formatter(kind))

    def text(self) -> str:
        return self.stream.getvalue()

    def json_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text().splitlines() if line.startswith("{")]


@pytest.fixture
def log_output() -> Iterator[LogOutput]:
    output = LogOutput()
    logging.getLogger().addHandler(output.handler)
    yield output
    logging.getLogger().removeHandler(output.handler)


def test_a_request_without_an_id_gets_a_new_one_in_x_request_id(client):
    first, second = client.get("/healthz"), client.get("/healthz")

    assert HEX_ID.fullmatch(first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_sane_client_request_id_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a.retry_2")

    assert response["X-Request-ID"] == "edge-7f3a.retry_2"


@pytest.mark.parametrize("given", ["a" * 65, "two words", "<script>", "id\u00e9", "a/b", "x;y=1"])
def test_a_client_request_id_that_is_not_a_sane_token_is_replaced(client, given):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=given)

    assert HEX_ID.fullmatch(response["X-Request-ID"])


def test_log_lines_of_a_request_carry_its_id_in_json(client, monkeypatch, log_output):
    monkeypatch.setattr("core.views.cache.set", _cache_down)

    response = client.get("/readyz", HTTP_X_REQUEST_ID="trace-123")  # 503 with the cache down (/healthz: 200)

    lines = log_output.json_lines()
    assert response.status_code == 503
    assert {(line["logger"], line["request_id"]) for line in lines} >= {
        ("core.views", "trace-123"),  # logged inside the view
        ("django.request", "trace-123"),  # logged by Django after the middleware returned
    }
    assert {"time", "level", "message"} <= set(lines[0])


def test_a_log_line_outside_a_request_has_no_id(log_output):
    logging.getLogger("tests").warning("nothing to do with a request")

    [line] = log_output.json_lines()
    assert (line["message"], line["request_id"]) == ("nothing to do with a request", "-")


def test_the_text_format_shows_the_request_id(client, log_output):
    log_output.use("text")

    client.get("/nowhere", HTTP_X_REQUEST_ID="trace-456")

    assert "WARNING [trace-456] django.request: Not Found: /nowhere" in log_output.text()


@pytest.mark.parametrize(
    "secret",
    ["sk-proj-abcdefghijklmnop", "sk-ant-api03-abcdefghijkl", "AIzaSyA1234567890abcdef", "Bearer eyJhbGciOiJIUzI1NiJ9"],
)
def test_key_shaped_text_is_scrubbed_from_messages_and_their_arguments(log_output, secret):
    logger = logging.getLogger("tests")
    logger.warning(f"vendor said: {secret}")
    logger.warning("vendor said: %s (%d)", secret, 401)

    assert secret.split()[-1] not in log_output.text()
    messages = [line["message"] for line in log_output.json_lines()]
    assert messages == ["vendor said: [redacted]", "vendor said: [redacted] (401)"]


def test_a_key_in_an_exception_is_scrubbed_from_the_traceback(log_output):
    try:
        raise RuntimeError("auth failed for sk-ant-api03-abcdefghijkl")
    except RuntimeError:
        logging.getLogger("tests").exception("call failed")

    [line] = log_output.json_lines()
    assert "sk-ant" not in json.dumps(line)
    assert "RuntimeError: auth failed for [redacted]" in line["exc_info"]


def test_a_message_with_bad_arguments_is_left_for_the_handler_to_report():
    record = logging.LogRecord("tests", logging.WARNING, __file__, 1, "%d calls", ("not a number",), None)

    assert RedactSecretsFilter().filter(record) is True  # no exception into the caller's code
    assert (record.msg, record.args) == ("%d calls", ("not a number",))


def test_an_ai_call_made_for_a_request_is_logged_under_that_request_id(client):
    user = UserFactory()
    ProviderConfigFactory(is_default=True)
    token = Token.objects.create(user=user)
    given = str(uuid.uuid4())

    response = client.post(
        "/api/v1/job-extractor/extract", {"text": POSTING}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_X_REQUEST_ID=given,
    )
    generated = client.post(
        "/api/v1/job-extractor/extract", {"text": POSTING}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )

    assert (response.status_code, generated.status_code) == (201, 201)
    ids = set(AIProviderUsageLog.objects.values_list("request_id", flat=True))
    assert ids == {uuid.UUID(given), uuid.UUID(generated["X-Request-ID"])}


def test_a_client_id_that_is_not_a_uuid_leaves_the_usage_log_its_own(client):
    user = UserFactory()
    ProviderConfigFactory(is_default=True)
    token = Token.objects.create(user=user)

    response = client.post(
        "/api/v1/job-extractor/extract", {"text": POSTING}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_X_REQUEST_ID="edge-42",
    )

    assert (response.status_code, response["X-Request-ID"]) == (201, "edge-42")
    assert AIProviderUsageLog.objects.get().request_id.version == 4


def _cache_down(*args, **kwargs):
    raise ConnectionError("cache unreachable")
