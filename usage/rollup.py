"""The daily usage rollup: what the dashboard and ``usage/stats`` read instead of the raw log.

Why: over 90 days the raw log is millions of rows, and every figure scanned them all. A day's figures
never change once the day is over, so ``usage_rollup_refresh`` (``manage.py usage_rollup``, run from cron
every few minutes, and by ``usage_prune`` first) aggregates each day once it is complete, and today up
to the watermark (recomputed at each run), outside any request:

- ``UsageDailyRollup``: the measures of ``usage.measures`` per day, provider, model and task;
- ``UsageDailyUserRollup``: calls, tokens and cost per day, user, provider and task (the top users);
- ``UsageLatencyRollup``: the attempts per day, provider, model, task and latency bucket (the percentiles),
  with running totals and per-day percentiles of complete days (``usage.latency_rollup``);
- ``UsageRollupDay``: up to which moment (``covered_until``) the day's rows are in the rollup — written in
  the same transaction as the rollup rows.

The watermark is ``USAGE_ROLLUP_SEAL_MINUTES`` (default 10) before now: a row is stamped just before its
INSERT commits, so no row older than that can still arrive. A day is complete once its end is behind the
watermark. The request path is untouched: ``usage_log_record`` writes one raw row, as before. The
selectors read each day from the rollup up to its ``covered_until`` and the rest (the last minutes of
today, a day not rolled up yet) from the raw log, in one snapshot, so the figures are always exact.

Exact, with retention: the raw log is append-only (the admin cannot change or delete rows) except for
``usage_prune``, which deletes whole days only after they are rolled up. The rollup keeps those days'
history, so the dashboard still shows them; for every day whose raw rows are all there, the rollup
equals the raw log (tested). A day changed by hand afterwards is recomputed with ``--rebuild``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from usage.latency_rollup import day_percentiles_write, latency_prefixes_cut, latency_prefixes_extend
from usage.measures import ATTEMPT_STATUSES, MEASURES, latency_bucket_expression, raw_aggregates
from usage.models import (
    AIProviderUsageLog,
    UsageDailyRollup,
    UsageDailyUserRollup,
    UsageDayPercentiles,
    UsageLatencyRollup,
    UsageRollupDay,
)
from usage.ranges import day_bounds, local_day

ROLLUP_MODELS = (UsageDailyRollup, UsageDailyUserRollup, UsageLatencyRollup, UsageDayPercentiles)
GROUP = ("provider_type", "model", "task_type")
USER_GROUP = ("user_id", "provider_type", "task_type")
USER_MEASURES = ("calls", "total_tokens", "cost_usd")
BULK_BATCH = 2000


@dataclass(frozen=True)
class RollupResult:
    days: list[date]
    raw_rows: int


def watermark(*, now: datetime | None = None) -> datetime:
    """Every raw row created before this moment is committed: a row is stamped just before its INSERT.
    Whole minutes, so that runs within a minute leave today alone."""
    moment = (now or timezone.now()) - timedelta(minutes=getattr(settings, "USAGE_ROLLUP_SEAL_MINUTES", 10))
    return moment.replace(second=0, microsecond=0)


def last_sealed_day(*, now: datetime | None = None) -> date:
    """The last complete day: it ended before the watermark."""
    return local_day(watermark(now=now)) - timedelta(days=1)


def usage_rollup_refresh(*, now: datetime | None = None) -> RollupResult:
    """Bring the rollup up to the watermark, oldest day first, one transaction per day: every day with raw
    rows that is not complete yet, the last one (today) up to the watermark only."""
    until = watermark(now=now)
    first = AIProviderUsageLog.objects.aggregate(first=Min("created_at"))["first"]
    if first is None or first >= until:
        return RollupResult(days=[], raw_rows=0)
    first_day, last_day = local_day(first), local_day(until)
    covered = dict(UsageRollupDay.objects.filter(day__range=(first_day, last_day)).values_list("day", "covered_until"))
    rolled, rows = [], 0
    for offset in range((last_day - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        day_until = min(day_bounds(day)[1], until)
        if day in covered and covered[day] >= day_until:
            continue
        counted = _roll_day(day, until=day_until)
        if counted is not None:
            rolled.append(day)
            rows += counted
    latency_prefixes_extend()
    return RollupResult(days=rolled, raw_rows=rows)


def usage_rollup_rebuild(*, days: Iterable[date]) -> RollupResult:
    """Recompute complete days from the raw log (after a hand edit). Pruned days are left alone: their
    raw rows are gone, and recomputing them would lose their history."""
    rolled, rows = [], 0
    for day in sorted(set(days)):
        if UsageRollupDay.objects.filter(day=day, pruned_at__isnull=False).exists():
            continue
        counted = _roll_day(day, until=min(day_bounds(day)[1], watermark()), replace=True)
        if counted is not None:
            rolled.append(day)
            rows += counted
    latency_prefixes_extend()
    return RollupResult(days=rolled, raw_rows=rows)


def usage_rollup_forget(*, first: date, last: date) -> int:
    """Drop the rollup of the days from ``first`` to ``last`` (not the pruned ones), after rows were added
    to them behind the log's back (``generate_usage``): the next refresh rolls them up again."""
    days = UsageRollupDay.objects.filter(day__range=(first, last), pruned_at__isnull=True)
    day_list = list(days.values_list("day", flat=True))
    with transaction.atomic():
        if day_list:
            latency_prefixes_cut(since=min(day_list))
        for model in ROLLUP_MODELS:
            model.objects.filter(day__in=day_list).delete()
        days.delete()
    return len(day_list)


def _roll_day(day: date, *, until: datetime | None = None, replace: bool = False) -> int | None:
    """(Re)compute a day's rollup from its raw rows created before ``until`` (default: the day's end),
    with its marker, in one transaction; None when another process got there first."""
    start, end = day_bounds(day)
    until = until or end
    with transaction.atomic():
        marker, _ = UsageRollupDay.objects.get_or_create(day=day, defaults={"covered_until": start})
        marker = UsageRollupDay.objects.select_for_update().get(pk=marker.pk)  # concurrent runs wait here
        if marker.covered_until >= until and not replace:
            return None
        for model in ROLLUP_MODELS:
            model.objects.filter(day=day).delete()
        raw = AIProviderUsageLog.objects.filter(created_at__gte=start, created_at__lt=until).order_by()
        counted, buckets = _write_day(day, raw)
        if until >= end:  # complete: its own percentiles, and the running totals from it on are recomputed
            day_percentiles_write(day=day, buckets=buckets)
            latency_prefixes_cut(since=day)
        UsageRollupDay.objects.filter(pk=marker.pk).update(
            covered_until=until, raw_rows=counted, rolled_up_at=timezone.now()
        )
    return counted


def _write_day(day: date, raw: QuerySet[AIProviderUsageLog]) -> tuple[int, list[dict]]:
    groups = list(raw.values(*GROUP).annotate(**raw_aggregates()))
    UsageDailyRollup.objects.bulk_create(
        [UsageDailyRollup(day=day, **{k: g[k] for k in (*GROUP, *MEASURES)}) for g in groups], batch_size=BULK_BATCH
    )
    users = (
        raw.filter(user__isnull=False)
        .values(*USER_GROUP)
        .annotate(**{k: v for k, v in raw_aggregates().items() if k in USER_MEASURES})
    )
    UsageDailyUserRollup.objects.bulk_create(
        [UsageDailyUserRollup(day=day, **{k: u[k] for k in (*USER_GROUP, *USER_MEASURES)}) for u in users],
        batch_size=BULK_BATCH,
    )
    buckets = list(
        raw.filter(status__in=ATTEMPT_STATUSES)
        .annotate(latency_bucket=latency_bucket_expression())
        .values(*GROUP, "latency_bucket")
        .annotate(attempts=Count("id"))
    )
    UsageLatencyRollup.objects.bulk_create([UsageLatencyRollup(day=day, **b) for b in buckets], batch_size=BULK_BATCH)
    return sum(g["calls"] for g in groups), buckets
