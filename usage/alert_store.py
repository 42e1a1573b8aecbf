"""What the alert rules found, kept as ``Alert`` rows: one open alert per fingerprint (kind + subject).

A finding whose fingerprint has an open alert updates it (severity, message, details, last seen,
occurrences + 1); otherwise it opens a new alert. Open alerts of the evaluated kinds that no rule
found any more are resolved. A partial unique constraint (``one_open_alert_per_fingerprint``) keeps
two overlapping runs from opening the same alert twice.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from usage.models import Alert, AlertSeverity

SUBJECT_LENGTH = Alert._meta.get_field("subject").max_length
MESSAGE_LENGTH = Alert._meta.get_field("message").max_length


@dataclass(frozen=True)
class AlertFinding:
    """A condition one rule found in this run."""

    kind: str
    severity: int
    subject: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertRunResult:
    opened: list[Alert]
    updated: list[Alert]
    resolved: list[Alert]
    notified: dict[str, bool] = field(default_factory=dict)  # channel → delivered, for the channels tried

    @property
    def open(self) -> list[Alert]:
        """Every alert open after the run, critical first."""
        return sorted(self.opened + self.updated, key=lambda a: (-a.severity, a.kind, a.subject))

    @property
    def critical(self) -> list[Alert]:
        return [alert for alert in self.open if alert.severity >= AlertSeverity.CRITICAL]


def alerts_record(*, findings: Iterable[AlertFinding], kinds: Sequence[str], now: datetime) -> AlertRunResult:
    """Upsert one open alert per finding; resolve the open alerts of ``kinds`` that were not found."""
    opened, updated = [], []
    for finding in findings:
        alert, created = _upsert(finding, now)
        (opened if created else updated).append(alert)
    seen = [alert.pk for alert in opened + updated]
    return AlertRunResult(opened=opened, updated=updated, resolved=_resolve_cleared(seen, kinds, now))


def _upsert(finding: AlertFinding, now: datetime) -> tuple[Alert, bool]:
    subject = finding.subject[:SUBJECT_LENGTH]
    current = Alert.objects.filter(kind=finding.kind, subject=subject, resolved_at__isnull=True)
    changes = {
        "severity": finding.severity,
        "message": finding.message[:MESSAGE_LENGTH],
        "details": finding.details,
        "last_seen_at": now,
    }
    if current.update(occurrences=F("occurrences") + 1, **changes):
        return current.get(), False
    try:
        with transaction.atomic():
            return Alert.objects.create(kind=finding.kind, subject=subject, first_seen_at=now, **changes), True
    except IntegrityError:  # an overlapping run opened it since the update above
        current.update(occurrences=F("occurrences") + 1, **changes)
        return current.get(), False


def _resolve_cleared(seen: list[int], kinds: Sequence[str], now: datetime) -> list[Alert]:
    cleared = list(Alert.objects.filter(resolved_at__isnull=True, kind__in=kinds).exclude(pk__in=seen))
    Alert.objects.filter(pk__in=[alert.pk for alert in cleared], resolved_at__isnull=True).update(resolved_at=now)
    for alert in cleared:
        alert.resolved_at = now
    return cleared


def alerts_resolve(*, alert_ids: Iterable[int], now: datetime | None = None) -> int:
    """Resolve open alerts by hand (the admin's action); a condition that persists opens a new one."""
    return Alert.objects.filter(pk__in=list(alert_ids), resolved_at__isnull=True).update(
        resolved_at=now or timezone.now()
    )


def alerts_open_counts() -> dict[str, int]:
    """How many alerts are open, and how many of them critical (the admin index and the dashboard)."""
    return Alert.objects.filter(resolved_at__isnull=True).aggregate(
        open=Count("id"), critical=Count("id", filter=Q(severity__gte=AlertSeverity.CRITICAL))
    )
