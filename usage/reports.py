"""The usage report of ``manage.py usage_report``: by provider, by provider and model, totals, top users.

Every figure comes from the selectors behind the stats API and the dashboard (``usage.selectors``), so
"success rate", "unpriced" and the percentiles mean the same everywhere: success rate and latency
count the calls that reached a provider, ``cost_usd`` sums the known costs and ``unpriced_calls``
counts the attempts without a price.

CSV is one table, one row per line of the report, told apart by its first column ``section``
(``provider``, ``model``, ``total``, ``user``); columns that do not apply to a section are empty.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from usage.selectors import UsageFilters, analytics_session, usage_stats, usage_top

STAT_KEYS = (
    "calls",
    "attempts",
    "successes",
    "errors",
    "quota_exceeded",
    "success_rate",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cost_usd",
    "unpriced_calls",
    "latency_p50_ms",
    "latency_p95_ms",
)
CSV_HEADER = ("section", "provider_type", "model", "user", *STAT_KEYS)
TEXT_COLUMNS = (  # (heading, key) of the text tables' figures
    ("Calls", "calls"),
    ("Success", "success_rate"),
    ("Refused", "quota_exceeded"),
    ("Tokens", "total_tokens"),
    ("Cost USD", "cost_usd"),
    ("Unpriced", "unpriced_calls"),
    ("p50 ms", "latency_p50_ms"),
    ("p95 ms", "latency_p95_ms"),
)
USER_COLUMNS = (("Calls", "calls"), ("Tokens", "total_tokens"), ("Cost USD", "cost_usd"))


@dataclass(frozen=True)
class UsageReport:
    filters: UsageFilters
    totals: dict[str, Any]
    by_provider: list[dict[str, Any]]
    by_model: list[dict[str, Any]]
    top_users: list[dict[str, Any]]


def usage_report_build(*, filters: UsageFilters, top_users: int = 10) -> UsageReport:
    with analytics_session():
        (totals,) = usage_stats(filters=filters)
        return UsageReport(
            filters=filters,
            totals=totals,
            by_provider=usage_stats(filters=filters, group_by=["provider_type"]),
            by_model=usage_stats(filters=filters, group_by=["provider_type", "model"]),
            top_users=usage_top(filters=filters, by="user", limit=top_users),
        )


def report_csv(report: UsageReport) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_HEADER, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    sections = [
        ("provider", report.by_provider),
        ("model", report.by_model),
        ("total", [report.totals]),
        ("user", [{**row, "user": row["user__username"]} for row in report.top_users]),
    ]
    for section, rows in sections:
        for row in rows:
            writer.writerow({key: _csv_value(value) for key, value in row.items()} | {"section": section})
    return out.getvalue()


def _csv_value(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


def report_text(report: UsageReport) -> str:
    filters = report.filters
    total = {**report.totals, "provider_type": "Total", "model": None}
    days = f"{filters.date_from:%Y-%m-%d} to {filters.date_to:%Y-%m-%d}"
    lines = [f"Usage report {days} ({timezone.get_current_timezone_name()} days, both included)", ""]
    lines += ["By provider", *_table((("Provider", "provider_type"),), [*report.by_provider, total]), ""]
    model_labels = (("Provider", "provider_type"), ("Model", "model"))
    lines += ["By model", *_table(model_labels, [*report.by_model, total]), ""]
    lines += ["Top users by cost", *_table((("User", "user__username"),), report.top_users, USER_COLUMNS)]
    return "\n".join(lines) + "\n"


def _table(labels: tuple, rows: list[dict[str, Any]], figures: tuple = TEXT_COLUMNS) -> list[str]:
    if not rows:
        return ["(no usage)"]
    header = [heading for heading, _ in labels + figures]
    body = [
        [_label(row[key]) for _, key in labels] + [_text_value(key, row.get(key)) for _, key in figures] for row in rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *body, strict=True)]
    return [_aligned(line, widths, len(labels)) for line in [header, *body]]


def _aligned(cells: list[Any], widths: list[int], label_count: int) -> str:
    parts = [
        str(cell).ljust(width) if i < label_count else str(cell).rjust(width)
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
    ]
    return "  ".join(parts).rstrip()


def _label(value: str | None) -> str:
    """Blank for no value (the total's model); ``(none)`` for an empty one (a call with no provider)."""
    return "" if value is None else value or "(none)"


def _text_value(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key == "success_rate":
        return f"{value:.1%}"
    if key == "cost_usd":
        return f"{Decimal(value):.6f}"
    if key.startswith("latency"):
        return f"{value:.0f}"
    return str(value)
