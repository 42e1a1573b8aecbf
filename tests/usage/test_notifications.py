"""Newly opened alerts go to the webhook (a local HTTP server here) and by e-mail (the locmem backend)."""

import json
import logging
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail

from tests.factories import ProviderConfigFactory
from tests.superadmin import PLAINTEXT_KEY
from usage import notifications
from usage.alerts import alerts_check
from usage.models import Alert

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
HOOK_PATH = "/hooks/T000/secret-token-in-path"


class Hook(ThreadingHTTPServer):
    """Records every POST; answers with ``status`` after ``delay`` seconds."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), HookHandler)
        self.posts: list[dict] = []
        self.status, self.delay = 204, 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{HOOK_PATH}"


class HookHandler(BaseHTTPRequestHandler):
    server: Hook

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append({"path": self.path, "type": self.headers["Content-Type"], "body": json.loads(body)})
        time.sleep(self.server.delay)
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def hook(settings):
    server = Hook()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ALERT_WEBHOOK_URL = server.url
    yield server
    server.shutdown()
    server.server_close()


def expiring(name: str, **fields):
    return ProviderConfigFactory(name=name, expires_at=NOW + timedelta(days=2), **fields)


def test_the_webhook_gets_only_the_newly_opened_alerts(hook):
    expiring("first")
    result = alerts_check(now=NOW)
    expiring("second")
    alerts_check(now=NOW + timedelta(minutes=5))
    alerts_check(now=NOW + timedelta(minutes=10))
    assert result.notified == {"webhook": True}
    assert len(hook.posts) == 2
    first, second = (post["body"]["alerts"] for post in hook.posts)
    assert [(a["kind"], a["subject"], a["severity"]) for a in first] == [("credential_expiring", "first", "warning")]
    assert [a["subject"] for a in second] == ["second"]
    assert hook.posts[0]["path"] == HOOK_PATH
    assert hook.posts[0]["type"] == "application/json"
    assert "The key of first expires on" in hook.posts[0]["body"]["text"]


def test_the_webhook_body_never_holds_a_key(hook):
    ProviderConfigFactory(
        name="leaky", api_key=PLAINTEXT_KEY, last_test_ok=False, last_test_error=f"auth: bad key {PLAINTEXT_KEY}"
    )
    alerts_check(now=NOW)
    (post,) = hook.posts
    sent = json.dumps(post["body"])
    assert "leaky" in sent
    assert PLAINTEXT_KEY not in sent
    assert PLAINTEXT_KEY[-4:] not in sent


@pytest.mark.parametrize("failure", ["status", "refused", "timeout"])
def test_a_failing_webhook_is_logged_and_does_not_break_the_run(hook, settings, caplog, monkeypatch, failure):
    if failure == "status":
        hook.status = 500
    elif failure == "timeout":
        monkeypatch.setattr(notifications, "WEBHOOK_TIMEOUT_SECONDS", 0.2)
        hook.delay = 1.0
    else:
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            settings.ALERT_WEBHOOK_URL = f"http://127.0.0.1:{probe.getsockname()[1]}{HOOK_PATH}"
    expiring("main")
    with caplog.at_level(logging.ERROR, logger="usage.notifications"):
        result = alerts_check(now=NOW)
    assert result.notified == {"webhook": False}
    assert Alert.objects.filter(subject="main", resolved_at__isnull=True).exists()
    assert "Alert webhook to host 127.0.0.1 failed" in caplog.text
    assert "secret-token" not in caplog.text


def test_a_webhook_that_is_not_http_is_refused(settings, caplog):
    settings.ALERT_WEBHOOK_URL = "file:///etc/passwd"
    expiring("main")
    assert alerts_check(now=NOW).notified == {"webhook": False}
    assert "must be an http(s) URL" in caplog.text


def test_new_alerts_are_mailed_once(settings):
    settings.ALERT_EMAILS = ["ops@example.com", "oncall@example.com"]
    expiring("soon")
    ProviderConfigFactory(name="gone", expires_at=NOW - timedelta(days=1))
    result = alerts_check(now=NOW)
    alerts_check(now=NOW + timedelta(minutes=5))
    assert result.notified == {"email": True}
    (message,) = mail.outbox
    assert message.to == ["ops@example.com", "oncall@example.com"]
    assert message.subject == "[AI Orchestrator] 2 new alerts (1 critical)"
    assert "[critical] Credential expiring — The key of gone expired on" in message.body
    assert "The key of soon expires on" in message.body


def test_recipients_may_be_a_comma_separated_string(settings, hook):
    settings.ALERT_EMAILS = "ops@example.com, oncall@example.com"
    expiring("soon")
    assert alerts_check(now=NOW).notified == {"webhook": True, "email": True}
    assert mail.outbox[0].to == ["ops@example.com", "oncall@example.com"]
    assert mail.outbox[0].subject == "[AI Orchestrator] 1 new alert"


def test_nothing_is_sent_without_settings_or_with_notify_off(hook, settings):
    settings.ALERT_EMAILS = ["ops@example.com"]
    expiring("soon")
    assert alerts_check(now=NOW, notify=False).notified == {}
    del settings.ALERT_WEBHOOK_URL
    del settings.ALERT_EMAILS
    ProviderConfigFactory(name="gone", expires_at=NOW - timedelta(days=1))
    assert alerts_check(now=NOW).notified == {}
    assert (hook.posts, mail.outbox) == ([], [])
