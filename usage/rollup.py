"""The daily usage rollup: what the dashboard and ``usage/stats`` read for complete days.

Why: over 90 days the raw log is millions of rows, and every figure scanned them all. A day's figures
never change once the day is over, so ``usage_rollup_refresh`` (``manage.py usage_rollup``, run from cron
every few minutes, and by ``usage_prune`` first) aggregates each complete day once, outside any request:

- ``UsageDailyRollup``: the measures of ``usage.measures`` per day, provider, model and task;
- ``UsageDailyUserRollup``: calls, tokens and cost per day, user, provider and task (the top users);
- ``UsageLatencyRollup``: the attempts per day, provider, model, task and latency bucket (the percentiles);
- ``UsageRollupDay``: the day is complete — written in the same transaction as its rows.

A day is rolled up once it ended ``USAGE_ROLLUP_SEAL_MINUTES`` ago (default 10: a row is stamped just
before its INSERT commits, so none of that day can still arrive). The request path is untouched:
``usage_log_record`` writes one raw row, as before. The selectors read complete days from the rollup and
every other day (today, a day not rolled up yet) from the raw log, so the figures are always exact.

Exact, with retention: the raw log is append-only (the admin cannot change or delete rows) except for
``usage_prune``, which deletes whole days only after they are rolled up. The rollup keeps those days'
history, so the dashboard still shows them; for every day whose raw rows are all there, the rollup
equals the raw log (tested). A day changed by hand afterwards is recomputed with ``--rebuild``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from usage.measures import ATTEMPT_STATUSES, MEASURES, latency_bucket_expression, raw_aggregates
from usage.models import (
    AIProviderUsageLog,
    UsageDailyRollup,
    UsageDailyUserRollup,
    UsageLatencyRollup,
    UsageRollupDay,
)

ROLLUP_MODELS = (UsageDailyRollup, UsageDailyUserRollup, UsageLatencyRollup)
GROUP = ("provider_type", "model", "task_type")
USER_GROUP = ("user_id", "provider_type", "task_type")
USER_MEASURES = ("calls", "total_tokens", "cost_usd")
BULK_BATCH = 2000


@dataclass(frozen=True)
class RollupResult:
    days: list[date]
    raw_rows: int


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """``[start, end)`` of a day in ``TIME_ZONE`` (the zone of every date in the dashboard and stats)."""
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def last_sealed_day(*, now: datetime | None = None) -> date:
    """The last day that may be rolled up: it ended at least ``USAGE_ROLLUP_SEAL_MINUTES`` ago."""
    seal = timedelta(minutes=getattr(settings, "USAGE_ROLLUP_SEAL_MINUTES", 10))
    return local_day((now or timezone.now()) - seal) - timedelta(days=1)


def usage_rollup_refresh(*, now: datetime | None = None) -> RollupResult:
    """Roll up every sealed day that has raw rows and no rollup yet, oldest first, one transaction each."""
    last = last_sealed_day(now=now)
    first = AIProviderUsageLog.objects.aggregate(first=Min("created_at"))["first"]
    if first is None or local_day(first) > last:
        return RollupResult(days=[], raw_rows=0)
    first_day = local_day(first)
    done = set(UsageRollupDay.objects.filter(day__range=(first_day, last)).values_list("day", flat=True))
    rolled, rows = [], 0
    for offset in range((last - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        if day in done:
            continue
        counted = _roll_day(day)
        if counted is not None:
            rolled.append(day)
            rows += counted
    return RollupResult(days=rolled, raw_rows=rows)


def usage_rollup_rebuild(*, days: Iterable[date]) -> RollupResult:
    """Recompute complete days from the raw log (after a hand edit). Pruned days are left alone: their
    raw rows are gone, and recomputing them would lose their history."""
    rolled, rows = [], 0
    for day in sorted(set(days)):
        if UsageRollupDay.objects.filter(day=day, pruned_at__isnull=False).exists():
            continue
        counted = _roll_day(day, replace=True)
        if counted is not None:
            rolled.append(day)
            rows += counted
    return RollupResult(days=rolled, raw_rows=rows)


def usage_rollup_forget(*, first: date, last: date) -> int:
    """Drop the rollup of the days from ``first`` to ``last`` (not the pruned ones), after rows were added
    to them behind the log's back (``generate_usage``): the next refresh rolls them up again."""
    days = UsageRollupDay.objects.filter(day__range=(first, last), pruned_at__isnull=True)
    day_list = list(days.values_list("day", flat=True))
    with transaction.atomic():
        for model in ROLLUP_MODELS:
            model.objects.filter(day__in=day_list).delete()
        days.delete()
    return len(day_list)


def _roll_day(day: date, *, replace: bool = False) -> int | None:
    """Write one day's rollup and its marker together; None when another process did it meanwhile."""
    start, end = day_bounds(day)
    raw = AIProviderUsageLog.objects.filter(created_at__gte=start, created_at__lt=end).order_by()
    try:
        with transaction.atomic():
            if replace:
                UsageRollupDay.objects.filter(day=day).delete()
            marker = UsageRollupDay.objects.create(day=day)  # the unique day serializes concurrent runs
            for model in ROLLUP_MODELS:
                model.objects.filter(day=day).delete()
            counted = _write_day(day, raw)
            marker.raw_rows = counted
            marker.save(update_fields=["raw_rows"])
    except IntegrityError:
        return None
    return counted


def _write_day(day: date, raw: QuerySet[AIProviderUsageLog]) -> int:
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
    buckets = (
        raw.filter(status__in=ATTEMPT_STATUSES)
        .annotate(latency_bucket=latency_bucket_expression())
        .values(*GROUP, "latency_bucket")
        .annotate(attempts=Count("id"))
    )
    UsageLatencyRollup.objects.bulk_create([UsageLatencyRollup(day=day, **b) for b in buckets], batch_size=BULK_BATCH)
    return sum(g["calls"] for g in groups)
