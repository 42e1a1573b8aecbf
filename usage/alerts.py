"""Alert rules (docs/architecture.md, "Operations") and ``alerts_check``, the service behind ``manage.py check_alerts``.

Each rule is one function ``(*, now) -> list[AlertFinding]`` over a DB-side aggregate, mostly
``usage.selectors.usage_stats`` (so "attempts", "error", "p95" and "unpriced" mean here what they mean
on the dashboard and in the stats API). Thresholds are read from settings at every run, with the
defaults in ``DEFAULTS`` (see the README's alerts section):

- ``error_rate``: errors / attempts of a provider over the window > ``ALERT_ERROR_RATE``, from
  ``ALERT_ERROR_RATE_MIN_CALLS`` attempts on; critical from ``ALERT_ERROR_RATE_CRITICAL``. Calls
  refused with "no provider configured" count under the subject ``(no provider)``.
- ``latency_p95``: p95 latency of a provider's attempts over the window > ``ALERT_LATENCY_P95_MS``,
  from ``ALERT_LATENCY_MIN_CALLS`` attempts on.
- ``daily_cost``: today's cost so far > ``ALERT_COST_FACTOR`` x the average daily cost of the
  ``ALERT_COST_TRAILING_DAYS`` days before, averaged over the days that had any call (a new or a
  weekday-only service is not compared with empty days); never while that average is 0.
- ``quota_exceeded``: quota refusals in the window; info, warning from ``ALERT_QUOTA_WARNING_COUNT``.
- ``credential_expiring``: an active config whose ``expires_at`` is within
  ``ALERT_CREDENTIAL_EXPIRY_DAYS`` (critical once past); ``credential_test_failed``: an active config
  whose last test failed (critical when the key was rejected, ``auth``; warning otherwise).
- ``unpriced_calls``: attempts without a known price in the last ``ALERT_UNPRICED_HOURS``, one alert
  per model (the dashboard's "unpriced calls": success or error with ``cost_usd`` null).
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from providers.models import AIProviderConfig
from usage.alert_store import AlertFinding, AlertRunResult, alerts_record
from usage.models import AlertKind, AlertSeverity, UsageStatus
from usage.notifications import alerts_notify
from usage.selectors import UsageFilters, UsageWindow, usage_log_queryset, usage_stats
from usage.services import redact_secrets

DEFAULTS: dict[str, Any] = {
    "ALERT_WINDOW_MINUTES": 60,
    "ALERT_ERROR_RATE": 0.10,
    "ALERT_ERROR_RATE_CRITICAL": 0.50,
    "ALERT_ERROR_RATE_MIN_CALLS": 20,
    "ALERT_LATENCY_P95_MS": 5000,
    "ALERT_LATENCY_MIN_CALLS": 5,
    "ALERT_COST_FACTOR": 2.0,
    "ALERT_COST_TRAILING_DAYS": 7,
    "ALERT_QUOTA_WARNING_COUNT": 10,
    "ALERT_CREDENTIAL_EXPIRY_DAYS": 7,
    "ALERT_UNPRICED_HOURS": 24,
}
TOP = 5  # error codes, users listed in an alert's details


def threshold(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def _recent(now: datetime) -> UsageWindow:
    return UsageWindow.last(until=now, minutes=threshold("ALERT_WINDOW_MINUTES"))


def _window_label() -> str:
    return f"the last {threshold('ALERT_WINDOW_MINUTES')} minutes"


def _provider_label(provider_type: str) -> str:
    return provider_type or "(no provider)"


def _top_counts(qs: QuerySet, key: str) -> list[dict[str, Any]]:
    rows = qs.values(key).annotate(count=Count("id")).order_by("-count", key)[:TOP]
    return [{key: row[key], "count": row["count"]} for row in rows]


def _per_provider(now: datetime, **options: Any) -> list[dict[str, Any]]:
    return usage_stats(filters=_recent(now), group_by=["provider_type"], **options)


def error_rate_findings(*, now: datetime) -> list[AlertFinding]:
    limit, min_calls = threshold("ALERT_ERROR_RATE"), max(threshold("ALERT_ERROR_RATE_MIN_CALLS"), 1)
    rows = _per_provider(now, with_latency=False, measures=("attempts", "errors"))
    return [
        _error_rate_finding(row, now=now, limit=limit)
        for row in rows
        if row["attempts"] >= min_calls and row["errors"] / row["attempts"] > limit
    ]


def _error_rate_finding(row: dict[str, Any], *, now: datetime, limit: float) -> AlertFinding:
    attempts, errors = row["attempts"], row["errors"]
    rate, provider = errors / attempts, _provider_label(row["provider_type"])
    failed = usage_log_queryset(filters=_recent(now)).filter(
        provider_type=row["provider_type"], status=UsageStatus.ERROR
    )
    critical = rate >= threshold("ALERT_ERROR_RATE_CRITICAL")
    return AlertFinding(
        kind=AlertKind.ERROR_RATE,
        severity=AlertSeverity.CRITICAL if critical else AlertSeverity.WARNING,
        subject=provider,
        message=f"{rate:.0%} of {attempts} calls to {provider} failed in {_window_label()} (limit {limit:.0%})",
        details={
            "attempts": attempts,
            "errors": errors,
            "error_rate": round(rate, 4),
            "threshold": limit,
            "top_error_codes": _top_counts(failed, "error_code"),
        },
    )


def latency_findings(*, now: datetime) -> list[AlertFinding]:
    limit, min_calls = threshold("ALERT_LATENCY_P95_MS"), max(threshold("ALERT_LATENCY_MIN_CALLS"), 1)
    rows = _per_provider(now, measures=("attempts",))
    return [
        _latency_finding(row, limit=limit)
        for row in rows
        if row["attempts"] >= min_calls and row["latency_p95_ms"] is not None and row["latency_p95_ms"] > limit
    ]


def _latency_finding(row: dict[str, Any], *, limit: float) -> AlertFinding:
    provider, p95 = _provider_label(row["provider_type"]), row["latency_p95_ms"]
    return AlertFinding(
        kind=AlertKind.LATENCY,
        severity=AlertSeverity.WARNING,
        subject=provider,
        message=f"p95 latency of {provider} is {p95:.0f} ms over {row['attempts']} calls in {_window_label()} "
        f"(limit {limit} ms)",
        details={
            "attempts": row["attempts"],
            "latency_p50_ms": row["latency_p50_ms"],
            "latency_p95_ms": p95,
            "threshold_ms": limit,
        },
    )


def daily_cost_findings(*, now: datetime) -> list[AlertFinding]:
    today = timezone.localtime(now).date()
    days, factor = threshold("ALERT_COST_TRAILING_DAYS"), Decimal(str(threshold("ALERT_COST_FACTOR")))
    filters = UsageFilters.build(date_from=today - timedelta(days=days), date_to=today)
    rows = usage_stats(filters=filters, group_by=["day"], with_latency=False, measures=("cost_usd",))
    trailing = [row["cost_usd"] for row in rows if row["day"] < today]
    today_cost = sum((row["cost_usd"] for row in rows if row["day"] == today), Decimal(0))
    average = sum(trailing, Decimal(0)) / len(trailing) if trailing else Decimal(0)
    if average <= 0 or today_cost <= factor * average:
        return []
    return [
        AlertFinding(
            kind=AlertKind.DAILY_COST,
            severity=AlertSeverity.WARNING,
            subject="all providers",
            message=f"Cost today is ${today_cost:.2f}, {today_cost / average:.1f}x the daily average of "
            f"${average:.2f} over the previous {days} days (limit {factor}x)",
            details={
                "day": today,
                "cost_usd": today_cost,
                "trailing_average_usd": average.quantize(Decimal("1e-10")),
                "trailing_days_with_calls": len(trailing),
                "factor": factor,
            },
        )
    ]


def quota_exceeded_findings(*, now: datetime) -> list[AlertFinding]:
    (totals,) = usage_stats(filters=_recent(now), with_latency=False, measures=("quota_exceeded",))
    count = totals["quota_exceeded"]
    if not count:
        return []
    refusals = usage_log_queryset(filters=_recent(now)).filter(status=UsageStatus.QUOTA_EXCEEDED)
    top_users = _top_counts(refusals, "user__username")
    many = count >= threshold("ALERT_QUOTA_WARNING_COUNT")
    names = ", ".join(f"{u['user__username']} ({u['count']})" for u in top_users)
    return [
        AlertFinding(
            kind=AlertKind.QUOTA_EXCEEDED,
            severity=AlertSeverity.WARNING if many else AlertSeverity.INFO,
            subject="all users",
            message=f"{count} calls refused for quota in {_window_label()}; most: {names}",
            details={"refusals": count, "top_users": top_users},
        )
    ]


def credential_findings(*, now: datetime) -> list[AlertFinding]:
    horizon = now + timedelta(days=threshold("ALERT_CREDENTIAL_EXPIRY_DAYS"))
    configs = (
        AIProviderConfig.objects.filter(is_active=True)
        .filter(Q(expires_at__lt=horizon) | Q(last_test_ok=False))
        .order_by("name")
        .values(
            "id", "name", "provider_type", "owner_id", "expires_at", "last_tested_at", "last_test_ok", "last_test_error"
        )  # never the key
    )
    findings = []
    for config in configs:
        if config["expires_at"] is not None and config["expires_at"] < horizon:
            findings.append(_expiry_finding(config, now))
        if config["last_test_ok"] is False:
            findings.append(_test_failed_finding(config))
    return findings


def _config_details(config: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {
        "config_id": config["id"],
        "provider_type": config["provider_type"],
        "own_key_of_user_id": config["owner_id"],
        **{k: config[k] for k in keys},
    }


def _expiry_finding(config: dict[str, Any], now: datetime) -> AlertFinding:
    expires_at = config["expires_at"]
    expired = expires_at <= now
    when = f"{timezone.localtime(expires_at):%Y-%m-%d %H:%M %Z}"
    return AlertFinding(
        kind=AlertKind.CREDENTIAL_EXPIRING,
        severity=AlertSeverity.CRITICAL if expired else AlertSeverity.WARNING,
        subject=config["name"],
        message=f"The key of {config['name']} {'expired' if expired else 'expires'} on {when}",
        details=_config_details(config, "expires_at"),
    )


def _test_failed_finding(config: dict[str, Any]) -> AlertFinding:
    error = redact_secrets(config["last_test_error"])
    rejected = error.startswith("auth:")
    return AlertFinding(
        kind=AlertKind.CREDENTIAL_TEST_FAILED,
        severity=AlertSeverity.CRITICAL if rejected else AlertSeverity.WARNING,
        subject=config["name"],
        message=f"The last credential test of {config['name']} failed: {error}",
        details={**_config_details(config, "last_tested_at"), "last_test_error": error},
    )


def unpriced_call_findings(*, now: datetime) -> list[AlertFinding]:
    hours = threshold("ALERT_UNPRICED_HOURS")
    window = UsageWindow.last(until=now, hours=hours)
    rows = usage_stats(
        filters=window, group_by=["provider_type", "model"], with_latency=False, measures=("unpriced_calls",)
    )
    return [
        AlertFinding(
            kind=AlertKind.UNPRICED_CALLS,
            severity=AlertSeverity.WARNING,
            subject=f"{row['provider_type']}/{row['model']}",
            message=f"{row['unpriced_calls']} calls to {row['provider_type']}/{row['model']} in the last {hours} "
            "hours have no known price: add a model price in the admin",
            details={
                "provider_type": row["provider_type"],
                "model": row["model"],
                "unpriced_calls": row["unpriced_calls"],
                "hours": hours,
            },
        )
        for row in rows
        if row["unpriced_calls"]
    ]


RULES: dict[str, Callable[..., list[AlertFinding]]] = {
    "error_rate": error_rate_findings,
    "latency": latency_findings,
    "daily_cost": daily_cost_findings,
    "quota_exceeded": quota_exceeded_findings,
    "credentials": credential_findings,
    "unpriced_calls": unpriced_call_findings,
}


def alerts_check(*, now: datetime | None = None, notify: bool = True) -> AlertRunResult:
    """Evaluate every rule, upsert the open alerts, resolve the cleared ones; notify about new ones.

    The notifications go out after the rows are written, outside any transaction.
    """
    now = now or timezone.now()
    findings = [finding for rule in RULES.values() for finding in rule(now=now)]
    result = alerts_record(findings=findings, kinds=AlertKind.values, now=now)
    if notify and result.opened:
        result = replace(result, notified=alerts_notify(alerts=result.opened))
    return result
