import json
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction

from tests.factories import ProviderConfigFactory, UsageLogFactory, UserFactory
from tests.superadmin import PLAINTEXT_KEY
from usage import alert_store
from usage.alert_store import alerts_resolve
from usage.alerts import (
    alerts_check,
    credential_findings,
    daily_cost_findings,
    error_rate_findings,
    latency_findings,
    quota_exceeded_findings,
    unpriced_call_findings,
)
from usage.models import Alert, AlertKind, AlertSeverity, UsageStatus

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def log(ago: timedelta = timedelta(minutes=10), **fields):
    """A priced, successful mock call ``ago`` before NOW (unless the fields say otherwise)."""
    fields.setdefault("cost_usd", Decimal("0.001"))
    return UsageLogFactory(created_at=NOW - ago, **fields)


def calls(n: int, **fields) -> None:
    for _ in range(n):
        log(**fields)


# error rate


def test_error_rate_above_ten_percent_of_twenty_calls_fires_a_warning():
    calls(17, provider_type="openai")
    calls(3, provider_type="openai", status=UsageStatus.ERROR, error_code="unavailable")
    calls(20, provider_type="gemini")
    (finding,) = error_rate_findings(now=NOW)
    assert (finding.kind, finding.subject, finding.severity) == (AlertKind.ERROR_RATE, "openai", AlertSeverity.WARNING)
    assert finding.details["errors"] == 3
    assert finding.details["attempts"] == 20
    assert finding.details["top_error_codes"] == [{"error_code": "unavailable", "count": 3}]
    assert "15%" in finding.message


def test_error_rate_of_exactly_ten_percent_stays_quiet():
    calls(18, provider_type="openai")
    calls(2, provider_type="openai", status=UsageStatus.ERROR)
    assert error_rate_findings(now=NOW) == []


def test_error_rate_needs_the_minimum_sample():
    calls(9, provider_type="openai")
    calls(10, provider_type="openai", status=UsageStatus.ERROR)
    assert error_rate_findings(now=NOW) == []


def test_error_rate_of_half_the_calls_is_critical():
    calls(10, provider_type="anthropic")
    calls(10, provider_type="anthropic", status=UsageStatus.ERROR, error_code="timeout")
    (finding,) = error_rate_findings(now=NOW)
    assert finding.severity == AlertSeverity.CRITICAL


def test_error_rate_ignores_errors_older_than_the_window_and_quota_refusals():
    calls(20, provider_type="openai")
    calls(10, provider_type="openai", status=UsageStatus.ERROR, ago=timedelta(minutes=61))
    calls(10, provider_type="openai", status=UsageStatus.QUOTA_EXCEEDED)
    assert error_rate_findings(now=NOW) == []


def test_error_rate_threshold_comes_from_settings(settings):
    settings.ALERT_ERROR_RATE = 0.05
    calls(18, provider_type="openai")
    calls(2, provider_type="openai", status=UsageStatus.ERROR)
    assert [f.subject for f in error_rate_findings(now=NOW)] == ["openai"]


def test_calls_refused_for_no_provider_count_under_their_own_subject():
    calls(20, provider_type="", model="", status=UsageStatus.ERROR, error_code="no_provider_configured")
    (finding,) = error_rate_findings(now=NOW)
    assert finding.subject == "(no provider)"
    assert finding.severity == AlertSeverity.CRITICAL


# latency


def test_p95_latency_over_five_seconds_fires():
    for latency in (1000, 1000, 1000, 1000, 9000):  # p95 = 1000 + 0.8 * 8000 = 7400
        log(provider_type="gemini", latency_ms=latency)
    calls(5, provider_type="openai", latency_ms=4000)
    (finding,) = latency_findings(now=NOW)
    assert (finding.kind, finding.subject) == (AlertKind.LATENCY, "gemini")
    assert finding.details["latency_p95_ms"] == pytest.approx(7400)
    assert "7400 ms" in finding.message


def test_p95_latency_below_the_limit_or_over_too_few_calls_stays_quiet():
    calls(20, provider_type="openai", latency_ms=5000)  # equal to the limit is not above it
    calls(4, provider_type="gemini", latency_ms=20000)
    calls(5, provider_type="anthropic", latency_ms=20000, ago=timedelta(hours=2))
    assert latency_findings(now=NOW) == []


# daily cost


def cost_on(days_ago: int, cost: str, hours_earlier: int = 0) -> None:
    log(ago=timedelta(days=days_ago, hours=hours_earlier), cost_usd=Decimal(cost))


def test_todays_cost_over_twice_the_trailing_average_fires():
    for days_ago in (1, 2, 3):
        cost_on(days_ago, "1.00")
    cost_on(9, "500.00")  # before the trailing week: not in the average
    cost_on(0, "1.50", hours_earlier=1)
    cost_on(0, "1.00", hours_earlier=2)
    (finding,) = daily_cost_findings(now=NOW)
    assert finding.kind == AlertKind.DAILY_COST
    assert finding.details["cost_usd"] == Decimal("2.5")
    assert finding.details["trailing_average_usd"] == Decimal("1")
    assert finding.details["trailing_days_with_calls"] == 3
    assert "$2.50, 2.5x" in finding.message


def test_todays_cost_of_twice_the_average_stays_quiet():
    cost_on(1, "1.00")
    cost_on(2, "3.00")
    cost_on(0, "4.00", hours_earlier=1)
    assert daily_cost_findings(now=NOW) == []


def test_no_cost_alert_without_a_trailing_average():
    cost_on(0, "50.00")
    assert daily_cost_findings(now=NOW) == []
    cost_on(1, "0")
    assert daily_cost_findings(now=NOW) == []


# quota refusals


def test_quota_refusals_in_the_last_hour_are_reported_with_the_top_users():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    calls(2, user=alice, status=UsageStatus.QUOTA_EXCEEDED)
    calls(1, user=bob, status=UsageStatus.QUOTA_EXCEEDED)
    calls(5, user=bob, status=UsageStatus.QUOTA_EXCEEDED, ago=timedelta(hours=2))
    (finding,) = quota_exceeded_findings(now=NOW)
    assert finding.severity == AlertSeverity.INFO
    assert finding.details["refusals"] == 3
    assert finding.details["top_users"] == [
        {"user__username": "alice", "count": 2},
        {"user__username": "bob", "count": 1},
    ]
    assert "alice (2), bob (1)" in finding.message


def test_many_quota_refusals_are_a_warning_and_none_are_quiet():
    assert quota_exceeded_findings(now=NOW) == []
    calls(10, status=UsageStatus.QUOTA_EXCEEDED)
    (finding,) = quota_exceeded_findings(now=NOW)
    assert finding.severity == AlertSeverity.WARNING


# credentials


def test_credentials_expiring_within_seven_days_or_expired_fire():
    ProviderConfigFactory(name="soon", expires_at=NOW + timedelta(days=3))
    ProviderConfigFactory(name="gone", expires_at=NOW - timedelta(hours=1))
    ProviderConfigFactory(name="later", expires_at=NOW + timedelta(days=8))
    ProviderConfigFactory(name="off", expires_at=NOW - timedelta(days=1), is_active=False)
    ProviderConfigFactory(name="never")
    findings = {f.subject: f for f in credential_findings(now=NOW)}
    assert set(findings) == {"soon", "gone"}
    assert findings["soon"].severity == AlertSeverity.WARNING
    assert findings["gone"].severity == AlertSeverity.CRITICAL
    assert {f.kind for f in findings.values()} == {AlertKind.CREDENTIAL_EXPIRING}


def test_a_failed_credential_test_fires_critical_for_a_rejected_key_without_showing_it():
    ProviderConfigFactory(
        name="rejected",
        api_key=PLAINTEXT_KEY,
        last_test_ok=False,
        last_test_error=f"auth: Incorrect API key provided: {PLAINTEXT_KEY}",
    )
    ProviderConfigFactory(name="slow", last_test_ok=False, last_test_error="timeout: no answer in 10 s")
    ProviderConfigFactory(name="fine", last_test_ok=True)
    ProviderConfigFactory(name="untested", last_test_ok=None)
    findings = {f.subject: f for f in credential_findings(now=NOW)}
    assert set(findings) == {"rejected", "slow"}
    assert findings["rejected"].severity == AlertSeverity.CRITICAL
    assert findings["slow"].severity == AlertSeverity.WARNING
    assert findings["rejected"].kind == AlertKind.CREDENTIAL_TEST_FAILED
    shown = json.dumps(findings["rejected"].details, default=str) + findings["rejected"].message
    assert PLAINTEXT_KEY not in shown
    assert "[redacted]" in shown


# calls without a price


def test_calls_without_a_price_in_the_last_day_fire_one_alert_per_model():
    calls(2, provider_type="openai", model="gpt-9", cost_usd=None)
    log(provider_type="openai", model="gpt-9", cost_usd=None, status=UsageStatus.ERROR)
    log(provider_type="openai", model="gpt-9", cost_usd=None, status=UsageStatus.QUOTA_EXCEEDED)
    log(provider_type="openai", model="gpt-5", cost_usd=Decimal("0.01"))
    log(provider_type="gemini", model="gemini-9", cost_usd=None, ago=timedelta(hours=25))
    (finding,) = unpriced_call_findings(now=NOW)
    assert (finding.kind, finding.subject) == (AlertKind.UNPRICED_CALLS, "openai/gpt-9")
    assert finding.details["unpriced_calls"] == 3  # successes and errors, not the refusal


# storing: one open alert per condition, resolved when it clears


def test_a_persisting_condition_updates_one_open_alert():
    config = ProviderConfigFactory(name="main", last_test_ok=False, last_test_error="timeout: slow")
    first = alerts_check(now=NOW)
    assert [a.subject for a in first.opened] == ["main"]
    config.last_test_error = "auth: rejected"
    config.save()
    second = alerts_check(now=NOW + timedelta(minutes=5))
    assert (second.opened, [a.subject for a in second.updated]) == ([], ["main"])
    alert = Alert.objects.get()
    assert alert.occurrences == 2
    assert (alert.first_seen_at, alert.last_seen_at) == (NOW, NOW + timedelta(minutes=5))
    assert alert.severity == AlertSeverity.CRITICAL  # escalated in place
    assert "auth: rejected" in alert.message


def test_a_cleared_condition_resolves_its_alert_and_a_new_one_opens_if_it_returns():
    config = ProviderConfigFactory(name="main", last_test_ok=False, last_test_error="timeout: slow")
    alerts_check(now=NOW)
    config.last_test_ok = True
    config.save()
    cleared = alerts_check(now=NOW + timedelta(minutes=5))
    assert [a.subject for a in cleared.resolved] == ["main"]
    assert Alert.objects.get().resolved_at == NOW + timedelta(minutes=5)
    config.last_test_ok = False
    config.save()
    again = alerts_check(now=NOW + timedelta(minutes=10))
    assert len(again.opened) == 1
    assert Alert.objects.count() == 2
    assert Alert.objects.filter(resolved_at__isnull=True).get().first_seen_at == NOW + timedelta(minutes=10)


def test_an_alert_resolved_by_hand_opens_anew_while_the_condition_persists():
    ProviderConfigFactory(name="main", expires_at=NOW + timedelta(days=1))
    (alert,) = alerts_check(now=NOW).opened
    assert alerts_resolve(alert_ids=[alert.pk]) == 1
    assert len(alerts_check(now=NOW).opened) == 1
    assert Alert.objects.filter(resolved_at__isnull=True).count() == 1


def test_the_run_reports_critical_alerts_first():
    ProviderConfigFactory(name="soon", expires_at=NOW + timedelta(days=3))
    ProviderConfigFactory(name="gone", expires_at=NOW - timedelta(days=1))
    result = alerts_check(now=NOW)
    assert [a.subject for a in result.open] == ["gone", "soon"]
    assert [a.subject for a in result.critical] == ["gone"]


def test_a_quiet_service_has_no_alerts():
    calls(30, provider_type="openai")
    result = alerts_check(now=NOW)
    assert (result.opened, result.updated, result.resolved) == ([], [], [])
    assert not Alert.objects.exists()


def test_an_overlapping_run_that_opened_the_alert_first_gets_it_updated_not_doubled(monkeypatch):
    ProviderConfigFactory(name="main", expires_at=NOW + timedelta(days=1))

    @contextmanager
    def atomic_after_a_rival():  # the other run commits its alert between our UPDATE and our INSERT
        Alert.objects.create(kind=AlertKind.CREDENTIAL_EXPIRING, subject="main", severity=20, message="rival")
        with transaction.atomic():
            yield

    monkeypatch.setattr(alert_store, "transaction", SimpleNamespace(atomic=atomic_after_a_rival))
    result = alerts_check(now=NOW)
    assert (result.opened, [a.subject for a in result.updated]) == ([], ["main"])
    alert = Alert.objects.get()
    assert alert.occurrences == 2
    assert alert.message.startswith("The key of main expires")
