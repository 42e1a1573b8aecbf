"""Reading a day range from the daily rollup (``usage.rollup``) plus the raw rows it does not hold yet.

Each day is read from the rollup up to its marker's ``covered_until`` and from the raw log after it (the
last minutes of today, a day not rolled up yet): both parts are aggregated in the database and added up
here, so every figure equals the raw log's. Within one ``analytics_session`` the split of the range
and its latency histograms (per provider, model and task, regrouped in Python for the totals, providers
and models) are read once: the session's single snapshot makes the reuse exact.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, QuerySet, Sum

from usage.measures import (
    ATTEMPT_STATUSES,
    MEASURES,
    PERCENTILES,
    cost,
    histogram_percentile,
    latency_bucket_expression,
    raw_aggregates,
    rolled_up_aggregates,
)
from usage.models import (
    AIProviderUsageLog,
    UsageDailyRollup,
    UsageDayPercentiles,
    UsageLatencyPrefix,
    UsageLatencyRollup,
    UsageRollupDay,
)
from usage.ranges import UsageFilters, day_bounds, grouped, usage_log_queryset

LATENCY_KEYS = ("provider_type", "model", "task_type")
T = TypeVar("T")
_memo: ContextVar[dict | None] = ContextVar("usage_rollup_reads_memo", default=None)


@contextmanager
def reads_memo() -> Iterator[None]:
    """Reuse what was read for a range until the end of the block (one snapshot: see ``analytics_session``)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _memoized(key: tuple, compute: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@dataclass(frozen=True)
class DaySources:
    """Where a day range's figures come from: the rollup (rows of ``rolled_days``), the raw log (``raw``).

    ``complete``: the range's complete days. ``prefix``: ``(first, base, last)`` when the range holds days
    with running latency totals (``usage.latency_rollup``), from ``first`` to ``last``; ``base`` is the day
    before ``first`` when it has running totals too (to subtract), else None.
    """

    filters: UsageFilters
    rolled_days: tuple[date, ...]
    raw: QuerySet[AIProviderUsageLog] | None
    complete: frozenset[date] = frozenset()
    prefix: tuple[date, date | None, date] | None = None

    def rolled(self, model: type[models.Model]) -> QuerySet | None:
        """A day has rollup rows only with its marker (same transaction): the range's rows are its days'."""
        if not self.rolled_days:
            return None
        return self.filtered(model.objects.filter(day__range=(self.filters.date_from, self.filters.date_to)))

    def filtered(self, qs: QuerySet) -> QuerySet:
        if self.filters.provider_type:
            qs = qs.filter(provider_type=self.filters.provider_type)
        if self.filters.task_type:
            qs = qs.filter(task_type=self.filters.task_type)
        return qs.order_by()


def day_sources(*, filters: UsageFilters) -> DaySources:
    return _memoized(("sources", filters), lambda: _split(filters))


def _split(filters: UsageFilters) -> DaySources:
    markers: list[tuple[date, datetime, bool]] = []
    if getattr(settings, "USAGE_ROLLUP_READS", True):
        since = filters.date_from - timedelta(days=1)
        markers = list(
            UsageRollupDay.objects.filter(day__range=(since, filters.date_to)).values_list(
                "day", "covered_until", "in_prefix"
            )
        )
    covered = {day: until for day, until, _ in markers if day >= filters.date_from}
    if not covered:
        return DaySources(filters=filters, rolled_days=(), raw=usage_log_queryset(filters=filters))
    moments = Q()
    for start, end in _uncovered(filters, covered):
        moments |= Q(created_at__gte=start, created_at__lt=end)
    return DaySources(
        filters=filters,
        rolled_days=tuple(covered),
        raw=usage_log_queryset(filters=filters).filter(moments) if moments else None,
        complete=frozenset(day for day, until in covered.items() if until >= day_bounds(day)[1]),
        prefix=_prefix_span(filters, {day for day, _, in_prefix in markers if in_prefix}),
    )


def _prefix_span(filters: UsageFilters, chained: set[date]) -> tuple[date, date | None, date] | None:
    inside = sorted(day for day in chained if day >= filters.date_from)  # contiguous: a chain
    if not inside:
        return None
    base = inside[0] - timedelta(days=1)
    return inside[0], base if base in chained else None, inside[-1]


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


def zeros(names: Sequence[str]) -> dict[str, Any]:
    return {name: Decimal(0) if name == "cost_usd" else 0 for name in names}


def added_up(parts: Iterable[Iterable[dict] | None], keys: Sequence[str], names: Sequence[str]) -> dict[tuple, dict]:
    """The ``names`` of each group of ``keys``, summed over the parts' rows."""
    totals: dict[tuple, dict[str, Any]] = {}
    for part in parts:
        for row in part if part is not None else ():
            total = totals.setdefault(tuple(row[k] for k in keys), zeros(names))
            for name in names:
                total[name] += cost(row[name]) if name == "cost_usd" else row[name]
    return totals


def measures_by(*, filters: UsageFilters, keys: Sequence[str], names: Sequence[str] = MEASURES) -> dict[tuple, dict]:
    """The measures of the range per group of ``keys``: grouped in the database (a few thousand rollup
    rows over 90 days, and the raw rows after the watermark), added up here."""
    sources = day_sources(filters=filters)
    rolled, raw = sources.rolled(UsageDailyRollup), sources.raw
    parts = [
        grouped(rolled, keys).annotate(**_some(rolled_up_aggregates(), names)) if rolled is not None else None,
        grouped(raw, keys).annotate(**_some(raw_aggregates(), names)) if raw is not None else None,
    ]
    return added_up(parts, keys, names)


def _some(aggregates: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    return {name: aggregate for name, aggregate in aggregates.items() if name in names}


def latency_percentiles(*, filters: UsageFilters, keys: Sequence[str]) -> dict[tuple, dict[str, float | None]]:
    """p50/p95 per group of ``keys``; a group without attempts is missing. Per day, a complete day's are stored."""
    if tuple(keys) != ("day",):
        return {key: _percentiles(h) for key, h in histograms_by(filters=filters, keys=keys).items()}
    sources = day_sources(filters=filters)
    histograms = _memoized(("latency", filters, "open days"), lambda: _histograms(sources, ("day",), skip=True))
    return {**{key: _percentiles(h) for key, h in histograms.items()}, **_stored_percentiles(sources)}


def _percentiles(histogram: Counter) -> dict[str, float | None]:
    return {name: histogram_percentile(histogram.items(), p) for name, p in PERCENTILES.items()}


def _stored_percentiles(sources: DaySources) -> dict[tuple, dict[str, float | None]]:
    if not sources.complete:
        return {}
    rows = UsageDayPercentiles.objects.filter(
        day__in=sources.complete,
        provider_type=sources.filters.provider_type or UsageDayPercentiles.ALL,
        task_type=sources.filters.task_type or UsageDayPercentiles.ALL,
    ).values_list("day", *PERCENTILES)
    return {(day,): dict(zip(PERCENTILES, figures, strict=True)) for day, *figures in rows}


def histograms_by(*, filters: UsageFilters, keys: Sequence[str]) -> dict[tuple, Counter]:
    """The attempts' latency histogram (bucket → attempts) per group of ``keys``."""
    fetched = tuple(keys) if "day" in keys else LATENCY_KEYS
    fine = _memoized(("latency", filters, fetched), lambda: _histograms(day_sources(filters=filters), fetched))
    if fetched == tuple(keys):
        return fine
    positions = [fetched.index(k) for k in keys]
    regrouped: dict[tuple, Counter] = defaultdict(Counter)
    for key, histogram in fine.items():
        regrouped[tuple(key[i] for i in positions)].update(histogram)
    return regrouped


def _histograms(sources: DaySources, keys: Sequence[str], *, skip: bool = False) -> dict[tuple, Counter]:
    """From the rollup (the running totals' difference where it can, without ``day``) and the raw log; with
    ``skip``, the complete days are left out."""
    parts: list[tuple[QuerySet, int]] = []
    rolled = sources.rolled(UsageLatencyRollup)
    if rolled is not None and skip:
        rolled = rolled.filter(day__in=set(sources.rolled_days) - sources.complete)
    if rolled is not None and sources.prefix and "day" not in keys:
        first, base, last = sources.prefix
        rolled = rolled.exclude(day__range=(first, last))
        for day, sign in ((last, 1), (base, -1)):
            if day is not None:
                running = sources.filtered(UsageLatencyPrefix.objects.filter(day=day))
                parts.append((grouped(running, keys, "latency_bucket").annotate(n=Sum("attempts")), sign))
    if rolled is not None:
        parts.append((grouped(rolled, keys, "latency_bucket").annotate(n=Sum("attempts")), 1))
    if sources.raw is not None:
        raw = sources.raw.filter(status__in=ATTEMPT_STATUSES).annotate(latency_bucket=latency_bucket_expression())
        parts.append((grouped(raw, keys, "latency_bucket").annotate(n=Count("id")), 1))
    histograms: dict[tuple, Counter] = defaultdict(Counter)
    for part, sign in parts:
        for *key, bucket, n in part.values_list(*keys, "latency_bucket", "n"):  # tuples: thousands of rows
            histograms[tuple(key)][bucket] += sign * n
    return {key: +histogram for key, histogram in histograms.items() if +histogram}
