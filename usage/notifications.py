"""Tell people about newly opened alerts: a JSON POST to ``ALERT_WEBHOOK_URL``, a mail to ``ALERT_EMAILS``.

Both are optional and best effort: a failure is logged and never raised, so that a broken webhook
cannot stop ``check_alerts`` from recording alerts. The webhook URL is not logged (chat webhooks carry
their secret in the URL), only its host. Alerts carry no keys: their details hold config names and ids.

The webhook body is ``{"text": "<one line per alert>", "alerts": [{id, kind, severity, subject,
message, details, first_seen_at, last_seen_at, occurrences}, …]}`` — ``text`` makes it readable
as-is by Slack- or Mattermost-style incoming webhooks.
"""

import http.client
import json
import logging
import urllib.request
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder

from usage.models import Alert, AlertSeverity

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_SECONDS = 5


def alert_payload(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "severity": alert.get_severity_display(),
        "subject": alert.subject,
        "message": alert.message,
        "details": alert.details,
        "first_seen_at": alert.first_seen_at,
        "last_seen_at": alert.last_seen_at,
        "occurrences": alert.occurrences,
    }


def alert_line(alert: Alert) -> str:
    return f"[{alert.get_severity_display()}] {alert.get_kind_display()} — {alert.message}"


def alerts_notify(*, alerts: Sequence[Alert]) -> dict[str, bool]:
    """Send the alerts to every configured channel; returns ``{channel: delivered}`` for those tried."""
    outcome = {}
    if getattr(settings, "ALERT_WEBHOOK_URL", ""):
        outcome["webhook"] = _post_webhook(settings.ALERT_WEBHOOK_URL, alerts)
    recipients = _recipients()
    if recipients:
        outcome["email"] = _send_email(recipients, alerts)
    return outcome


def _recipients() -> list[str]:
    emails = getattr(settings, "ALERT_EMAILS", [])
    if isinstance(emails, str):  # "a@example.com, b@example.com" straight from an environment variable
        emails = emails.split(",")
    return [email.strip() for email in emails if email.strip()]


def _post_webhook(url: str, alerts: Sequence[Alert]) -> bool:
    host = urlsplit(url).hostname or "?"
    if urlsplit(url).scheme not in ("http", "https"):
        logger.error("Alert webhook not posted: ALERT_WEBHOOK_URL must be an http(s) URL (host %s)", host)
        return False
    body = {"text": "\n".join(alert_line(alert) for alert in alerts), "alerts": [alert_payload(a) for a in alerts]}
    request = urllib.request.Request(  # noqa: S310 — the scheme is checked above
        url,
        data=json.dumps(body, cls=DjangoJSONEncoder).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "ai-orchestrator-alerts"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS):  # noqa: S310
            pass
    except (OSError, http.client.HTTPException, ValueError) as exc:  # HTTPError and URLError are OSErrors
        logger.error("Alert webhook to host %s failed: %s", host, getattr(exc, "reason", exc))
        return False
    return True


def _send_email(recipients: list[str], alerts: Sequence[Alert]) -> bool:
    critical = sum(alert.severity >= AlertSeverity.CRITICAL for alert in alerts)
    subject = f"[AI Orchestrator] {len(alerts)} new alert{'s' if len(alerts) > 1 else ''}"
    if critical:
        subject += f" ({critical} critical)"
    body = "\n\n".join(alert_line(alert) for alert in alerts)
    try:
        send_mail(subject, body + "\n\nSee the Alerts page in the admin.\n", None, recipients)
    except OSError as exc:  # smtplib's errors are OSErrors
        logger.error("Alert e-mail to %d recipients failed: %s", len(recipients), exc)
        return False
    return True
