"""Reads over the usage log for the dashboard, the stats API, reports and alerts.

The measures (``calls``, ``attempts``, ``success_rate`` = successes / attempts, tokens, ``cost_usd``,
``unpriced_calls``, latency percentiles) are defined in ``usage.measures``. Where they come from:

- A day range (``UsageFilters``: the dashboard, ``usage/stats``, reports, the daily-cost alert): the
  daily rollup (``usage.rollup``) up to each day's ``covered_until``, and the raw log (by ``created_at``,
  indexed) after it — the last minutes of today, a day not rolled up yet (``usage.rollup_reads``). Both
  are aggregated in the database and added up here, in one snapshot (``analytics_session``), so the
  figures equal the raw log's whatever has been rolled up. Latency percentiles use the bucketed
  definition of ``usage.measures``.
- A moment window (``UsageWindow``: the alerts' last hour): the raw log only, with exact percentiles
  (``usage.exact_percentiles``).

``USAGE_ROLLUP_READS = False`` (a setting) reads day ranges from the raw log only, for comparison.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Case, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from usage.exact_percentiles import PercentileCont, attach_ranked_percentiles
from usage.measures import (
    ATTEMPT_STATUSES,
    MEASURES,
    PERCENTILES,
    raw_aggregates,
    rolled_up_aggregates,
    success_rate,
)
from usage.models import UsageDailyUserRollup
from usage.ranges import (  # noqa: F401 (the names callers import from here)
    DEFAULT_DAYS,
    EARLIEST_DATE,
    GROUP_KEYS,
    LATEST_DATE,
    MAX_RANGE_DAYS,
    UsageFilters,
    UsageRange,
    UsageWindow,
    grouped,
    usage_log_queryset,
    usage_range_error,
)
from usage.rollup_reads import added_up, day_sources, latency_percentiles, measures_by, reads_memo, zeros

DAILY_MEASURES = ("cost_usd", "total_tokens", "quota_exceeded", "calls")
TOP_MEASURES = ("cost_usd", "total_tokens", "calls")
_in_session: ContextVar[bool] = ContextVar("usage_analytics_session", default=False)


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
    unknown = set(group_by) - set(GROUP_KEYS)
    if unknown:
        raise ValueError(f"Cannot group usage by {sorted(unknown)}")
    if isinstance(filters, UsageWindow):
        return _window_stats(filters, group_by, with_latency, measures)
    with analytics_session():
        return _day_range_stats(filters, group_by, with_latency, measures)


def _day_range_stats(
    filters: UsageFilters, group_by: Sequence[str], with_latency: bool, measures: Sequence[str] | None
) -> list[dict[str, Any]]:
    totals = measures_by(filters=filters, keys=group_by)
    if not group_by and not totals:  # the whole range is one row, even an empty one
        totals[()] = zeros(MEASURES)
    shown = [m for m in MEASURES if measures is None or m in measures]
    percentiles = latency_percentiles(filters=filters, keys=group_by) if with_latency else {}
    nothing = dict.fromkeys(PERCENTILES)
    rows = []
    for key in sorted(totals):
        row = {**dict(zip(group_by, key, strict=True)), **{m: totals[key][m] for m in shown}}
        if "attempts" in shown and "successes" in shown:
            row["success_rate"] = success_rate(totals[key])
        if with_latency:
            row.update(percentiles.get(key, nothing))
        rows.append(row)
    return rows


def _window_stats(
    filters: UsageWindow, group_by: Sequence[str], with_latency: bool, measures: Sequence[str] | None
) -> list[dict[str, Any]]:
    aggregates = {k: v for k, v in raw_aggregates().items() if measures is None or k in measures}
    on_postgres = connection.vendor == "postgresql"
    if with_latency and on_postgres:
        attempts = Q(status__in=ATTEMPT_STATUSES)
        for name, p in PERCENTILES.items():
            aggregates[name] = PercentileCont("latency_ms", p, filter=attempts)
    qs = grouped(usage_log_queryset(filters=filters), group_by).annotate(**aggregates)
    if "attempts" in aggregates and "successes" in aggregates:
        qs = qs.annotate(success_rate=_success_rate())
    rows = list(qs.order_by(*group_by))
    if with_latency and not on_postgres:
        attempts_qs = grouped(usage_log_queryset(filters=filters).filter(status__in=ATTEMPT_STATUSES), group_by)
        attach_ranked_percentiles(rows, attempts=attempts_qs, group_by=group_by)
    return rows


def _success_rate() -> Case:
    return Case(
        When(attempts=0, then=Value(None, output_field=FloatField())),
        default=Cast("successes", FloatField()) / Cast("attempts", FloatField()),
        output_field=FloatField(),
    )


def usage_top(*, filters: UsageRange, by: str, limit: int = 10) -> list[dict[str, Any]]:
    """The biggest spenders: users (``by="user"``) or models (``by="model"``), by cost, then tokens."""
    with analytics_session():
        if by == "model" and isinstance(filters, UsageFilters):
            totals = measures_by(filters=filters, keys=("provider_type", "model"), names=TOP_MEASURES)
        else:
            totals = _user_totals(filters) if by == "user" else _raw_totals(filters, ("provider_type", "model"))
    keys = ("user_id",) if by == "user" else ("provider_type", "model")
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1]["cost_usd"], -kv[1]["total_tokens"], kv[0]))[:limit]
    rows = [{**dict(zip(keys, key, strict=True)), **figures} for key, figures in ranked]
    if by == "user":
        names = dict(get_user_model().objects.filter(pk__in=[r["user_id"] for r in rows]).values_list("pk", "username"))
        for row in rows:
            row["user__username"] = names.get(row["user_id"])
    return rows


def _user_totals(filters: UsageRange) -> dict[tuple, dict]:
    if isinstance(filters, UsageWindow):
        return _raw_totals(filters, ("user_id",))
    sources = day_sources(filters=filters)
    rolled, raw = sources.rolled(UsageDailyUserRollup), sources.raw
    sums = {k: v for k, v in rolled_up_aggregates().items() if k in TOP_MEASURES}
    parts = [
        rolled.values("user_id").annotate(**sums) if rolled is not None else None,
        _top_sums(raw.filter(user__isnull=False), ("user_id",)) if raw is not None else None,
    ]
    return added_up(parts, ("user_id",), TOP_MEASURES)


def _raw_totals(filters: UsageRange, keys: Sequence[str]) -> dict[tuple, dict]:
    raw = usage_log_queryset(filters=filters)
    if "user_id" in keys:
        raw = raw.filter(user__isnull=False)
    return added_up([_top_sums(raw, keys)], keys, TOP_MEASURES)


def _top_sums(raw: QuerySet, keys: Sequence[str]) -> QuerySet:
    return raw.values(*keys).annotate(**{k: v for k, v in raw_aggregates().items() if k in TOP_MEASURES})


def usage_dashboard(*, filters: UsageFilters) -> dict[str, list[dict[str, Any]]]:
    """Everything the admin dashboard draws: a fixed number of queries, whatever the range.

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
    if _in_session.get():
        yield
        return
    token = _in_session.set(True)
    try:
        with reads_memo(), _snapshot():
            yield
    finally:
        _in_session.reset(token)


@contextmanager
def _snapshot() -> Iterator[None]:
    if connection.vendor != "postgresql":  # SQLite (development): each query reads the latest commit
        yield
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        yield
