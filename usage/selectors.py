"""Reads over the usage log for the dashboard and the stats API — every figure aggregated in the database.

The measures (``calls``, ``attempts``, ``success_rate`` = successes / attempts, tokens, ``cost_usd``,
``unpriced_calls``, latency percentiles) are defined in ``usage.measures``. Where they come from:

- A day range (``UsageFilters``: the dashboard, ``usage/stats``, reports, the daily-cost alert): the
  daily rollup (``usage.rollup``) for its complete days, the raw log (by ``created_at``, indexed) for the
  others — today, and any day not rolled up yet. Both parts are aggregated in the database and added up
  here, so the figures equal the raw log's whatever has been rolled up. The latency percentiles come from
  the latency histogram, with the bucketed definition of ``usage.measures``.
- A moment window (``UsageWindow``: the alerts' last hour): the raw log only, with exact percentiles
  (``usage.exact_percentiles``).

``USAGE_ROLLUP_READS = False`` (a setting) reads day ranges from the raw log only, for comparison.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Case, Count, FloatField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from usage.exact_percentiles import PercentileCont, attach_ranked_percentiles
from usage.measures import (
    ATTEMPT_STATUSES,
    MEASURES,
    PERCENTILES,
    cost,
    histogram_percentile,
    latency_bucket_expression,
    raw_aggregates,
    rolled_up_aggregates,
    success_rate,
)
from usage.models import (
    AIProviderUsageLog,
    UsageDailyRollup,
    UsageDailyUserRollup,
    UsageLatencyRollup,
    UsageRollupDay,
)
from usage.rollup import day_bounds

GROUP_KEYS = ("day", "provider_type", "model", "task_type")
DEFAULT_DAYS = 30
MAX_RANGE_DAYS = 366  # a year of rows is already a full scan of a big table
# A range's default start is 30 days before its end and its end is midnight after the last day: at the ends
# of the calendar (0001-01-01, 9999-12-31) that arithmetic overflowed (a 500 from the stats API and the dashboard).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(9999, 12, 30)
DAILY_MEASURES = ("cost_usd", "total_tokens", "quota_exceeded", "calls")
TOP_MEASURES = ("cost_usd", "total_tokens", "calls")
TOP_KEYS = {"user": ("user_id",), "model": ("provider_type", "model")}
_in_session: ContextVar[bool] = ContextVar("usage_analytics_session", default=False)


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


def usage_log_queryset(*, filters: UsageRange) -> QuerySet[AIProviderUsageLog]:
    qs = AIProviderUsageLog.objects.filter(created_at__gte=filters.start, created_at__lt=filters.end)
    if filters.provider_type:
        qs = qs.filter(provider_type=filters.provider_type)
    if filters.task_type:
        qs = qs.filter(task_type=filters.task_type)
    return qs.order_by()


def _grouped(qs: QuerySet, keys: Sequence[str], *also: str) -> QuerySet:
    """``qs`` grouped by ``keys`` (and ``also``): raw rows get their ``day`` in the current time zone."""
    unknown = set(keys) - set(GROUP_KEYS)
    if unknown:
        raise ValueError(f"Cannot group usage by {sorted(unknown)}")
    if "day" in keys and qs.model is AIProviderUsageLog:
        qs = qs.annotate(day=TruncDate("created_at"))
    if not keys and not also:  # one group: the whole range (a constant is left out of GROUP BY)
        return qs.annotate(everything=Value(1)).values("everything")
    return qs.values(*keys, *also)


@dataclass(frozen=True)
class DaySources:
    """Where a day range's figures come from: the rollup for ``rolled_days`` (each up to its marker's
    ``covered_until``), the raw log (``raw``) for the rest. Read them within one ``analytics_session``."""

    filters: UsageFilters
    rolled_days: tuple[date, ...]
    raw: QuerySet[AIProviderUsageLog] | None

    def rolled(self, model: type[models.Model]) -> QuerySet | None:
        if not self.rolled_days:
            return None
        qs = model.objects.filter(day__in=self.rolled_days)
        if self.filters.provider_type:
            qs = qs.filter(provider_type=self.filters.provider_type)
        if self.filters.task_type:
            qs = qs.filter(task_type=self.filters.task_type)
        return qs.order_by()


def day_sources(*, filters: UsageFilters) -> DaySources:
    """Split a day range into rolled-up days and the raw rows after each day's ``covered_until``."""
    covered: dict[date, datetime] = {}
    if getattr(settings, "USAGE_ROLLUP_READS", True):
        markers = UsageRollupDay.objects.filter(day__range=(filters.date_from, filters.date_to))
        covered = dict(markers.values_list("day", "covered_until"))
    if not covered:
        return DaySources(filters=filters, rolled_days=(), raw=usage_log_queryset(filters=filters))
    moments = Q()
    for start, end in _uncovered(filters, covered):
        moments |= Q(created_at__gte=start, created_at__lt=end)
    raw = usage_log_queryset(filters=filters).filter(moments) if moments else None
    return DaySources(filters=filters, rolled_days=tuple(covered), raw=raw)


def _uncovered(filters: UsageFilters, covered: dict[date, datetime]) -> list[tuple[datetime, datetime]]:
    """The ``[start, end)`` moments of the range the rollup does not hold, adjacent ones joined."""
    spans: list[tuple[datetime, datetime]] = []
    for offset in range((filters.date_to - filters.date_from).days + 1):
        day = filters.date_from + timedelta(days=offset)
        start, end = day_bounds(day)
        start = max(start, covered.get(day, start))
        if start >= end:
            continue
        if spans and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _added_up(parts: Iterable[QuerySet | None], keys: Sequence[str], names: Sequence[str]) -> dict[tuple, dict]:
    """The ``names`` of each group, summed over the parts (the rollup's and the raw log's rows)."""
    totals: dict[tuple, dict[str, Any]] = {}
    for part in parts:
        for row in part if part is not None else ():
            total = totals.setdefault(tuple(row[k] for k in keys), _zeros(names))
            for name in names:
                total[name] += cost(row[name]) if name == "cost_usd" else row[name]
    return totals


def _zeros(names: Sequence[str]) -> dict[str, Any]:
    return {name: Decimal(0) if name == "cost_usd" else 0 for name in names}


def _day_range_stats(
    filters: UsageFilters, group_by: Sequence[str], with_latency: bool, measures: Sequence[str] | None
) -> list[dict[str, Any]]:
    sources = day_sources(filters=filters)
    rolled, raw = sources.rolled(UsageDailyRollup), sources.raw
    parts = [
        _grouped(rolled, group_by).annotate(**rolled_up_aggregates()) if rolled is not None else None,
        _grouped(raw, group_by).annotate(**raw_aggregates()) if raw is not None else None,
    ]
    totals = _added_up(parts, group_by, MEASURES)
    if not group_by and not totals:  # the whole range is one row, even an empty one
        totals[()] = _zeros(MEASURES)
    shown = [m for m in MEASURES if measures is None or m in measures]
    rows = []
    for key in sorted(totals):
        row = {**dict(zip(group_by, key, strict=True)), **{m: totals[key][m] for m in shown}}
        if "attempts" in shown and "successes" in shown:
            row["success_rate"] = success_rate(totals[key])
        rows.append(row)
    if with_latency:
        _attach_histogram_percentiles(rows, sources=sources, group_by=group_by)
    return rows


def _attach_histogram_percentiles(rows: list[dict[str, Any]], *, sources: DaySources, group_by: Sequence[str]) -> None:
    parts = []
    rolled = sources.rolled(UsageLatencyRollup)
    if rolled is not None:
        parts.append(_grouped(rolled, group_by, "latency_bucket").annotate(n=Sum("attempts")))
    if sources.raw is not None:
        raw = sources.raw.filter(status__in=ATTEMPT_STATUSES).annotate(latency_bucket=latency_bucket_expression())
        parts.append(_grouped(raw, group_by, "latency_bucket").annotate(n=Count("id")))
    histograms: dict[tuple, Counter] = defaultdict(Counter)
    for part in parts:
        for bucket in part:
            histograms[tuple(bucket[k] for k in group_by)][bucket["latency_bucket"]] += bucket["n"]
    for row in rows:
        histogram = histograms.get(tuple(row[k] for k in group_by), Counter())
        for name, p in PERCENTILES.items():
            row[name] = histogram_percentile(histogram.items(), p)


def _window_stats(
    filters: UsageWindow, group_by: Sequence[str], with_latency: bool, measures: Sequence[str] | None
) -> list[dict[str, Any]]:
    aggregates = {k: v for k, v in raw_aggregates().items() if measures is None or k in measures}
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
        attempts_qs = _grouped(usage_log_queryset(filters=filters).filter(status__in=ATTEMPT_STATUSES), group_by)
        attach_ranked_percentiles(rows, attempts=attempts_qs, group_by=group_by)
    return rows


def _success_rate() -> Case:
    return Case(
        When(attempts=0, then=Value(None, output_field=FloatField())),
        default=Cast("successes", FloatField()) / Cast("attempts", FloatField()),
        output_field=FloatField(),
    )


def usage_stats(
    *,
    filters: UsageRange,
    group_by: Sequence[str] = (),
    with_latency: bool = True,
    measures: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """One row per group (``day``, ``provider_type``, ``model``, ``task_type``), ordered by the keys.

    Without ``group_by``: one row for the whole range. ``measures`` picks some of the counters and sums.
    """
    if isinstance(filters, UsageWindow):
        return _window_stats(filters, group_by, with_latency, measures)
    with analytics_session():
        return _day_range_stats(filters, group_by, with_latency, measures)


def usage_top(*, filters: UsageRange, by: str, limit: int = 10) -> list[dict[str, Any]]:
    """The biggest spenders: users (``by="user"``) or models (``by="model"``), by cost, then tokens."""
    keys = TOP_KEYS[by]
    with analytics_session():
        if isinstance(filters, UsageFilters):
            sources = day_sources(filters=filters)
            rolled, raw = sources.rolled(UsageDailyUserRollup if by == "user" else UsageDailyRollup), sources.raw
        else:
            rolled, raw = None, usage_log_queryset(filters=filters)
        return _ranked(rolled, raw, by=by, keys=keys, limit=limit)


def _ranked(rolled: QuerySet | None, raw: QuerySet | None, *, by: str, keys: Sequence[str], limit: int) -> list[dict]:
    if raw is not None and by == "user":
        raw = raw.filter(user__isnull=False)
    sums = {k: v for k, v in raw_aggregates().items() if k in TOP_MEASURES}
    parts = [
        rolled.values(*keys).annotate(**{k: v for k, v in rolled_up_aggregates().items() if k in TOP_MEASURES})
        if rolled is not None
        else None,
        raw.values(*keys).annotate(**sums) if raw is not None else None,
    ]
    totals = _added_up(parts, keys, TOP_MEASURES)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1]["cost_usd"], -kv[1]["total_tokens"], kv[0]))[:limit]
    rows = [{**dict(zip(keys, key, strict=True)), **figures} for key, figures in ranked]
    if by == "user":
        names = dict(get_user_model().objects.filter(pk__in=[r["user_id"] for r in rows]).values_list("pk", "username"))
        for row in rows:
            row["user__username"] = names.get(row["user_id"])
    return rows


def usage_dashboard(*, filters: UsageFilters) -> dict[str, list[dict[str, Any]]]:
    """Everything the admin dashboard draws: a fixed number of grouped queries, whatever the range.

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
    """One snapshot, and planner settings for the big aggregates, for this transaction only (PostgreSQL).

    A day range adds up rollup rows and raw rows read by several queries: a rollup refresh committing
    between them would count rows twice or miss them, so the queries share one REPEATABLE READ snapshot
    (read-only, it never fails; inside a transaction opened by the caller, the caller's level holds).
    JIT compilation costs more than it saves on these sub-second queries (it starts above a plan cost that
    a 90-day range passes), and sorting the latencies of a moment window fits in memory. Re-entrant.
    """
    if connection.vendor != "postgresql" or _in_session.get():
        yield
        return
    outermost = not connection.in_atomic_block
    token = _in_session.set(True)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if outermost:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
            yield
    finally:
        _in_session.reset(token)
