"""Reads over the usage log for the dashboard and the stats API — every figure aggregated in the database.

Definitions (the dashboard and ``GET /api/v1/super-admin/usage/stats`` share them):

- ``calls``: every row in the range — provider attempts, refusals and cache hits.
- ``attempts``: rows that reached a provider (``success`` + ``error``); ``success_rate`` is
  ``successes / attempts`` (null without attempts), so quota refusals do not count against a provider.
- ``latency_p50_ms`` / ``latency_p95_ms``: continuous percentiles (linear interpolation, like
  PostgreSQL's ``percentile_cont``) of ``latency_ms`` over the attempts. PostgreSQL computes them with
  ``PERCENTILE_CONT … WITHIN GROUP``; other databases rank the rows with a window function and return
  only the two rows around each percentile, which are interpolated here.
- ``cost_usd``: the sum of the known costs; ``unpriced_calls`` counts attempts whose price is unknown.
"""

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Ceil, Floor, TruncDate
from django.db.models.functions.window import RowNumber
from django.utils import timezone

from usage.models import AIProviderUsageLog, UsageStatus

ATTEMPT_STATUSES = (UsageStatus.SUCCESS, UsageStatus.ERROR)
PERCENTILES = {"latency_p50_ms": 0.5, "latency_p95_ms": 0.95}
GROUP_KEYS = ("day", "provider_type", "model", "task_type")
DEFAULT_DAYS = 30
MAX_RANGE_DAYS = 366  # a year of rows is already a full scan of a big table
# A range's default start is 30 days before its end and its end is midnight after the last day: at the ends
# of the calendar (0001-01-01, 9999-12-31) that arithmetic overflowed (a 500 from the stats API and the dashboard).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(9999, 12, 30)
DAILY_MEASURES = ("cost_usd", "total_tokens", "quota_exceeded", "calls")


@dataclass(frozen=True)
class UsageFilters:
    """A date range (both ends inclusive, in the current time zone) and optional equality filters."""

    date_from: date
    date_to: date
    provider_type: str = ""
    task_type: str = ""

    @classmethod
    def build(
        cls,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        provider_type: str | None = "",
        task_type: str | None = "",
        days: int = DEFAULT_DAYS,
    ) -> "UsageFilters":
        """Missing ends default to today and to ``days`` days before ``date_to``."""
        date_to = date_to or timezone.localdate()
        date_from = date_from or date_to - timedelta(days=days - 1)
        return cls(date_from=date_from, date_to=date_to, provider_type=provider_type or "", task_type=task_type or "")

    @classmethod
    def last_days(cls, days: int = DEFAULT_DAYS, **kwargs: Any) -> "UsageFilters":
        return cls.build(days=days, **kwargs)

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))


@dataclass(frozen=True)
class UsageWindow:
    """An exact ``[start, end)`` moment range (the alerts' "last hour"), with the same optional filters.

    Every selector taking ``filters`` accepts it in place of a ``UsageFilters`` day range.
    """

    start: datetime
    end: datetime
    provider_type: str = ""
    task_type: str = ""

    @classmethod
    def last(cls, *, until: datetime, hours: float = 0, minutes: float = 0) -> "UsageWindow":
        return cls(start=until - timedelta(hours=hours, minutes=minutes), end=until)


UsageRange = UsageFilters | UsageWindow


def usage_range_error(*, date_from: date | None, date_to: date | None) -> str | None:
    """Why a requested range cannot be shown, or None (shared by the dashboard form and the stats API)."""
    for day in (date_from, date_to):
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            return f"Dates must lie between {EARLIEST_DATE} and {LATEST_DATE}."
    if date_from is None:
        return None
    date_to = date_to or timezone.localdate()
    if date_from > date_to:
        return "The start must not be after the end."
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        return f"The range may span at most {MAX_RANGE_DAYS} days."
    return None


class PercentileCont(Aggregate):
    """PostgreSQL's ``PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY expr)``."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, percentile: float, **extra: Any) -> None:
        super().__init__(expression, percentile=float(percentile), **extra)


def usage_log_queryset(*, filters: UsageRange) -> QuerySet[AIProviderUsageLog]:
    qs = AIProviderUsageLog.objects.filter(created_at__gte=filters.start, created_at__lt=filters.end)
    if filters.provider_type:
        qs = qs.filter(provider_type=filters.provider_type)
    if filters.task_type:
        qs = qs.filter(task_type=filters.task_type)
    return qs.order_by()


def _stat_aggregates() -> dict[str, Any]:
    # The sums take the names of the fields they add up, so anything that filters on those fields
    # (``unpriced_calls``) must come before them: later entries see the earlier annotations.
    return {
        "unpriced_calls": Count("id", filter=Q(status__in=ATTEMPT_STATUSES, cost_usd__isnull=True)),
        "calls": Count("id"),
        "attempts": Count("id", filter=Q(status__in=ATTEMPT_STATUSES)),
        "successes": Count("id", filter=Q(status=UsageStatus.SUCCESS)),
        "errors": Count("id", filter=Q(status=UsageStatus.ERROR)),
        "quota_exceeded": Count("id", filter=Q(status=UsageStatus.QUOTA_EXCEEDED)),
        "cache_hits": Count("id", filter=Q(status=UsageStatus.CACHE_HIT)),
        "input_tokens": Sum("input_tokens", default=0),
        "output_tokens": Sum("output_tokens", default=0),
        "total_tokens": Sum("total_tokens", default=0),
        "cost_usd": Sum("cost_usd", default=Decimal(0)),
    }


def _success_rate() -> Case:
    return Case(
        When(attempts=0, then=Value(None, output_field=FloatField())),
        default=Cast("successes", FloatField()) / Cast("attempts", FloatField()),
        output_field=FloatField(),
    )


def _grouped(qs: QuerySet, keys: Sequence[str]) -> QuerySet:
    unknown = set(keys) - set(GROUP_KEYS)
    if unknown:
        raise ValueError(f"Cannot group usage by {sorted(unknown)}")
    if "day" in keys:
        qs = qs.annotate(day=TruncDate("created_at"))
    if not keys:  # one group: the whole range (a constant is left out of GROUP BY)
        return qs.annotate(everything=Value(1)).values("everything")
    return qs.values(*keys)


def usage_stats(
    *,
    filters: UsageRange,
    group_by: Sequence[str] = (),
    with_latency: bool = True,
    measures: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """One row per group (``day``, ``provider_type``, ``model``, ``task_type``), ordered by the keys.

    Without ``group_by``: one row for the whole range. ``measures`` picks some of the counters and
    sums (all by default; fewer is cheaper on a big range).
    """
    aggregates = {k: v for k, v in _stat_aggregates().items() if measures is None or k in measures}
    on_postgres = connection.vendor == "postgresql"
    if with_latency and on_postgres:
        attempts = Q(status__in=ATTEMPT_STATUSES)
        for name, p in PERCENTILES.items():
            aggregates[name] = PercentileCont("latency_ms", p, filter=attempts)
    qs = _grouped(usage_log_queryset(filters=filters), group_by).annotate(**aggregates)
    if "attempts" in aggregates and "successes" in aggregates:
        qs = qs.annotate(success_rate=_success_rate())
    rows = list(qs.order_by(*group_by))
    if with_latency and not on_postgres:
        _attach_window_percentiles(rows, filters=filters, group_by=group_by)
    return rows


def _attach_window_percentiles(rows: list[dict[str, Any]], *, filters: UsageRange, group_by: Sequence[str]) -> None:
    """Percentiles without PERCENTILE_CONT: rank rows per group in the database, fetch the neighbours."""
    ranked = _grouped(usage_log_queryset(filters=filters).filter(status__in=ATTEMPT_STATUSES), group_by)
    partition = [F(k) for k in group_by] or None
    ranked = ranked.annotate(
        rank=Window(RowNumber(), partition_by=partition, order_by=[F("latency_ms").asc(), F("id").asc()]),
        group_size=Window(Count("id"), partition_by=partition),
    )
    wanted = Q()
    for p in PERCENTILES.values():
        position = (F("group_size") - 1) * Value(p)
        wanted |= Q(rank=Floor(position) + 1) | Q(rank=Ceil(position) + 1)
    neighbours: dict[tuple, dict[int, int]] = {}
    sizes: dict[tuple, int] = {}
    for row in ranked.filter(wanted).values(*group_by, "rank", "group_size", "latency_ms"):
        key = tuple(row[k] for k in group_by)
        neighbours.setdefault(key, {})[row["rank"]] = row["latency_ms"]
        sizes[key] = row["group_size"]
    for row in rows:
        key = tuple(row[k] for k in group_by)
        for name, p in PERCENTILES.items():
            row[name] = _interpolate(neighbours.get(key, {}), sizes.get(key, 0), p)


def _interpolate(values_by_rank: dict[int, int], size: int, p: float) -> float | None:
    if not size:
        return None
    position = (size - 1) * p
    low, high = math.floor(position), math.ceil(position)
    low_value, high_value = values_by_rank[low + 1], values_by_rank[high + 1]
    return float(low_value + (high_value - low_value) * (position - low))


def usage_top(*, filters: UsageRange, by: str, limit: int = 10) -> list[dict[str, Any]]:
    """The biggest spenders: users (``by="user"``) or models (``by="model"``), by cost, then tokens."""
    keys = {"user": ("user_id", "user__username"), "model": ("provider_type", "model")}[by]
    qs = usage_log_queryset(filters=filters)
    if by == "user":
        qs = qs.filter(user__isnull=False)
    return list(
        qs.values(*keys)
        .annotate(
            cost_usd=Sum("cost_usd", default=Decimal(0)),
            total_tokens=Sum("total_tokens", default=0),
            calls=Count("id"),
        )
        .order_by("-cost_usd", "-total_tokens", *keys)[:limit]
    )


def usage_dashboard(*, filters: UsageFilters) -> dict[str, list[dict[str, Any]]]:
    """Everything the admin dashboard draws, in four grouped queries (five without PERCENTILE_CONT).

    Daily figures come per provider only: the charts stack them, so a day's total is the stack.
    """
    with analytics_session():
        return {
            "daily_by_provider": usage_stats(
                filters=filters, group_by=["day", "provider_type"], with_latency=False, measures=DAILY_MEASURES
            ),
            "by_provider": usage_stats(filters=filters, group_by=["provider_type"]),
            "top_users": usage_top(filters=filters, by="user"),
            "top_models": usage_top(filters=filters, by="model"),
        }


@contextmanager
def analytics_session() -> Iterator[None]:
    """Planner settings for the big aggregates, for this transaction only (PostgreSQL).

    JIT compilation costs more than it saves on these sub-second queries (it starts above a plan
    cost that a 90-day range passes), and sorting the latencies for the percentiles fits in memory.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        yield
