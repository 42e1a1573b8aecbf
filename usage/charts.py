"""The dashboard's figures shaped for Chart.js: one label per day of the range, one series per provider.

Only reshaping happens here — every number was aggregated by the database (``usage.selectors``);
days without rows are drawn as zero.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from usage.selectors import UsageFilters


def _number(value: Any) -> float | int | None:
    return float(value) if isinstance(value, Decimal) else value


def _days(filters: UsageFilters) -> list[date]:
    return [filters.date_from + timedelta(days=n) for n in range((filters.date_to - filters.date_from).days + 1)]


def _per_provider_series(rows: list[dict[str, Any]], days: list[date], field: str) -> list[dict[str, Any]]:
    by_key = {(row["day"], row["provider_type"]): row[field] for row in rows}
    providers = sorted({row["provider_type"] for row in rows})
    return [
        {"label": provider or "(none)", "data": [_number(by_key.get((day, provider), 0)) for day in days]}
        for provider in providers
    ]


def _ranking(rows: list[dict[str, Any]], label_keys: tuple[str, ...]) -> dict[str, list]:
    return {
        "labels": [" / ".join(str(row[k]) for k in label_keys) for row in rows],
        "data": [_number(row["cost_usd"]) for row in rows],
    }


def dashboard_charts(data: dict[str, list[dict[str, Any]]], filters: UsageFilters) -> dict[str, Any]:
    days = _days(filters)
    daily, by_provider = data["daily_by_provider"], data["by_provider"]
    return {
        "days": [day.isoformat() for day in days],
        "cost_per_day": _per_provider_series(daily, days, "cost_usd"),
        "tokens_per_day": _per_provider_series(daily, days, "total_tokens"),
        "quota_per_day": _per_provider_series(daily, days, "quota_exceeded"),
        "providers": [row["provider_type"] or "(none)" for row in by_provider],
        "success_rate": [None if row["success_rate"] is None else row["success_rate"] * 100 for row in by_provider],
        "latency_p50": [row["latency_p50_ms"] for row in by_provider],
        "latency_p95": [row["latency_p95_ms"] for row in by_provider],
        "top_users": _ranking(data["top_users"], ("user__username",)),
        "top_models": _ranking(data["top_models"], ("provider_type", "model")),
    }
