"""The daily rollup equals the raw log: after random inserts, settles and deletes, for every figure the
dashboard and ``usage/stats`` show (counts by status, tokens, cost as an exact Decimal, latency percentiles),
with and without filters, and for pruned days it keeps what the raw log said before the prune."""

import math
import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.factories import UserFactory
from usage.measures import latency_bucket
from usage.models import AIProviderUsageLog, UsageDailyRollup, UsageLatencyRollup, UsageRollupDay, UsageStatus
from usage.retention import usage_log_prune
from usage.rollup import day_bounds, usage_rollup_rebuild, usage_rollup_refresh, watermark
from usage.selectors import UsageFilters, usage_dashboard, usage_stats, usage_top

pytestmark = pytest.mark.django_db

PROVIDERS = {"openai": ["gpt-5", "gpt-5-mini"], "gemini": ["gemini-2.5-flash"], "": [""]}
TASKS = ["extraction", "cv_draft"]
STATUSES = [UsageStatus.SUCCESS] * 5 + [UsageStatus.ERROR, UsageStatus.QUOTA_EXCEEDED, UsageStatus.CACHE_HIT]
GROUPINGS = [(), ("day",), ("provider_type",), ("provider_type", "model"), ("day", "provider_type"), ("task_type",)]
ATTEMPTS = (UsageStatus.SUCCESS, UsageStatus.ERROR)
SPAN = 12  # days of rows, today included
ZERO_UUID = "00000000-0000-0000-0000-000000000000"


def random_fields(rng: random.Random) -> dict[str, Any]:
    status = rng.choice(STATUSES)
    reached = status in ATTEMPTS
    tokens_in, tokens_out = (rng.randint(0, 5000), rng.randint(0, 3000)) if reached else (0, 0)
    priced = reached and rng.random() < 0.85
    return {
        "status": status,
        "input_tokens": tokens_in,
        "output_tokens": tokens_out,
        "total_tokens": tokens_in + tokens_out,
        "cost_usd": Decimal(rng.randint(0, 10**9)) / Decimal(10**10) if priced else None,
        "latency_ms": rng.choice([rng.randint(0, 250), rng.randint(250, 3000), rng.randint(3000, 60000)])
        if reached
        else 0,
    }


def insert(rng: random.Random, users: list, *, start: datetime, end: datetime, count: int) -> None:
    """``count`` rows at random moments from ``start`` to ``end``, some of them right at a midnight."""
    rows = []
    for _ in range(count):
        moment = start + (end - start) * rng.random()
        midnight = day_bounds(timezone.localtime(moment).date())[0]
        if rng.random() < 0.05 and midnight >= start:
            moment = midnight
        provider = rng.choice(list(PROVIDERS))
        rows.append(
            AIProviderUsageLog(
                user=rng.choice([*users, None]),
                provider_type=provider,
                model=rng.choice(PROVIDERS[provider]),
                task_type=rng.choice(TASKS),
                request_id=ZERO_UUID,
                created_at=moment,
                **random_fields(rng),
            )
        )
    AIProviderUsageLog.objects.bulk_create(rows)


def settle_and_delete(rng: random.Random, *, since: datetime, settles: int, deletes: int) -> None:
    """What may still happen to rows not rolled up yet: a row rewritten (settled) or deleted."""
    ids = list(AIProviderUsageLog.objects.filter(created_at__gte=since).values_list("id", flat=True))
    for row_id in rng.sample(ids, min(settles, len(ids))):
        AIProviderUsageLog.objects.filter(id=row_id).update(**random_fields(rng))
    AIProviderUsageLog.objects.filter(id__in=rng.sample(ids, min(deletes, len(ids)))).delete()


def percentile(values: list[int], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    position = (len(values) - 1) * p
    low, high = math.floor(position), math.ceil(position)
    return float(values[low] + (values[high] - values[low]) * (position - low))


def figures(rows: list[dict[str, Any]], *, exact_latency: bool = False) -> dict[str, Any]:
    attempts = [r for r in rows if r["status"] in ATTEMPTS]
    latencies = [r["latency_ms"] if exact_latency else latency_bucket(r["latency_ms"]) for r in attempts]
    by_status = defaultdict(int)
    for r in rows:
        by_status[r["status"]] += 1
    return {
        "calls": len(rows),
        "attempts": len(attempts),
        "successes": by_status[UsageStatus.SUCCESS],
        "errors": by_status[UsageStatus.ERROR],
        "quota_exceeded": by_status[UsageStatus.QUOTA_EXCEEDED],
        "cache_hits": by_status[UsageStatus.CACHE_HIT],
        "unpriced_calls": sum(1 for r in attempts if r["cost_usd"] is None),
        "input_tokens": sum(r["input_tokens"] for r in rows),
        "output_tokens": sum(r["output_tokens"] for r in rows),
        "total_tokens": sum(r["total_tokens"] for r in rows),
        "cost_usd": sum((r["cost_usd"] for r in rows if r["cost_usd"] is not None), Decimal(0)),
        "success_rate": by_status[UsageStatus.SUCCESS] / len(attempts) if attempts else None,
        "latency_p50_ms": percentile(latencies, 0.5),
        "latency_p95_ms": percentile(latencies, 0.95),
    }


def expected_stats(log: list[dict], filters: UsageFilters, group_by: tuple[str, ...]) -> list[dict[str, Any]]:
    """The stats computed in Python from raw rows, independently of the selectors."""
    groups: dict[tuple, list] = defaultdict(list)
    for r in log:
        day = timezone.localtime(r["created_at"]).date()
        if not filters.date_from <= day <= filters.date_to:
            continue
        if filters.provider_type not in ("", r["provider_type"]) or filters.task_type not in ("", r["task_type"]):
            continue
        groups[tuple(day if k == "day" else r[k] for k in group_by)].append(r)
    if not group_by:
        groups.setdefault((), [])
    return [{**dict(zip(group_by, key, strict=True)), **figures(groups[key])} for key in sorted(groups)]


def expected_top(log: list[dict], filters: UsageFilters, by: str, limit: int) -> list[tuple]:
    totals: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0, 0])
    for r in log:
        day = timezone.localtime(r["created_at"]).date()
        if not filters.date_from <= day <= filters.date_to or (by == "user" and r["user_id"] is None):
            continue
        if filters.provider_type not in ("", r["provider_type"]) or filters.task_type not in ("", r["task_type"]):
            continue
        total = totals[(r["user_id"],) if by == "user" else (r["provider_type"], r["model"])]
        total[0] += r["cost_usd"] or 0
        total[1] += r["total_tokens"]
        total[2] += 1
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[:limit]
    return [(*key, *values) for key, values in ranked]


def snapshot() -> list[dict[str, Any]]:
    return list(AIProviderUsageLog.objects.values())


def assert_selectors_match(log: list[dict], *, first: date, last: date) -> None:
    for provider_type, task_type in [("", ""), ("openai", ""), ("", "cv_draft"), ("gemini", "extraction")]:
        filters = UsageFilters(date_from=first, date_to=last, provider_type=provider_type, task_type=task_type)
        for group_by in GROUPINGS:
            assert usage_stats(filters=filters, group_by=group_by) == expected_stats(log, filters, group_by), (
                filters,
                group_by,
            )
        for by, keys in [("user", ("user_id",)), ("model", ("provider_type", "model"))]:
            top = [
                (*(r[k] for k in keys), r["cost_usd"], r["total_tokens"], r["calls"])
                for r in usage_top(filters=filters, by=by, limit=3)
            ]
            assert top == expected_top(log, filters, by, 3), (filters, by)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rollup_equals_the_raw_log_after_random_inserts_settles_and_deletes(seed):
    rng = random.Random(seed)
    users = UserFactory.create_batch(4)
    now, today = timezone.now(), timezone.localdate()
    first = today - timedelta(days=SPAN - 1)
    insert(rng, users, start=day_bounds(first)[0], end=now, count=400)
    # Cron runs at earlier moments: each rolls up the complete days and its day up to its watermark; after
    # it, rows arrive, are settled and deleted only after that watermark (earlier rows are committed).
    checkpoints = [
        day_bounds(today - timedelta(days=6))[0] + timedelta(minutes=30),
        day_bounds(today - timedelta(days=3))[0] + timedelta(hours=13),
        day_bounds(today - timedelta(days=1))[0] + timedelta(hours=20),
        now,
    ]
    for moment in checkpoints:
        rolled = usage_rollup_refresh(now=moment).days
        assert rolled[-1] == timezone.localtime(watermark(now=moment)).date()
        since = watermark(now=moment)
        insert(rng, users, start=since, end=now, count=120)
        settle_and_delete(rng, since=since, settles=30, deletes=20)
        assert_selectors_match(snapshot(), first=first, last=today)
    before_prune = snapshot()

    pruned = usage_log_prune(older_than_days=5, batch_size=37)
    assert pruned.deleted == sum(1 for r in before_prune if r["created_at"] < day_bounds(today - timedelta(days=5))[0])
    assert pruned.batches == math.ceil(pruned.deleted / 37)
    # Days whose raw rows are all there: the selectors equal the raw log; pruned days keep their history.
    assert_selectors_match(snapshot(), first=today - timedelta(days=5), last=today)
    assert_selectors_match(before_prune, first=first, last=today)


def test_reading_without_the_rollup_gives_the_same_figures():
    rng = random.Random(7)
    start = day_bounds(timezone.localdate() - timedelta(days=9))[0]
    insert(rng, UserFactory.create_batch(3), start=start, end=timezone.now(), count=300)
    usage_rollup_refresh()
    filters = UsageFilters.last_days(10)
    with_rollup = usage_dashboard(filters=filters)
    assert UsageDailyRollup.objects.exists()
    with override_settings(USAGE_ROLLUP_READS=False):
        assert usage_dashboard(filters=filters) == with_rollup


def test_bucketed_percentiles_are_at_most_two_and_a_half_percent_below_the_exact_ones():
    rng = random.Random(11)
    start = day_bounds(timezone.localdate() - timedelta(days=3))[0]
    insert(rng, UserFactory.create_batch(2), start=start, end=timezone.now(), count=300)
    usage_rollup_refresh()
    (row,) = usage_stats(filters=UsageFilters.last_days(4))
    exact = figures(snapshot(), exact_latency=True)
    for name in ("latency_p50_ms", "latency_p95_ms"):
        assert exact[name] * 0.975 <= row[name] <= exact[name]


def test_the_latency_buckets_are_the_same_in_sql_and_in_python():
    values = [0, 1, 199, 200, 204, 205, 499, 500, 999, 1000, 1024, 4999, 5000, 99_999, 700_000, 2**31 - 1]
    values += random.Random(3).sample(range(0, 300_000), 300)
    user = UserFactory()
    start = day_bounds(timezone.localdate() - timedelta(days=1))[0]
    AIProviderUsageLog.objects.bulk_create(
        AIProviderUsageLog(
            user=user,
            status=UsageStatus.SUCCESS,
            latency_ms=v,
            created_at=start,
            request_id=ZERO_UUID,
        )
        for v in values
    )
    usage_rollup_refresh()
    assert UsageRollupDay.objects.get(day=start.date()).raw_rows == len(values)
    buckets = dict(UsageLatencyRollup.objects.values_list("latency_bucket", "attempts"))
    expected: dict[int, int] = defaultdict(int)
    for v in values:
        expected[latency_bucket(v)] += 1
    assert buckets == expected


def test_a_day_is_rolled_up_to_the_watermark_then_completed_once():
    yesterday = timezone.localdate() - timedelta(days=1)
    midnight = day_bounds(yesterday)[1]
    for before_midnight in (timedelta(hours=12), timedelta(seconds=1)):
        AIProviderUsageLog.objects.create(
            status=UsageStatus.SUCCESS, request_id=ZERO_UUID, created_at=midnight - before_midnight
        )
    filters = UsageFilters(date_from=yesterday, date_to=yesterday)
    with override_settings(USAGE_ROLLUP_SEAL_MINUTES=10):
        assert usage_rollup_refresh(now=midnight + timedelta(minutes=5)).days == [yesterday]
        partial = UsageRollupDay.objects.get(day=yesterday)
        assert (partial.covered_until, partial.raw_rows) == (midnight - timedelta(minutes=5), 1)
        assert usage_stats(filters=filters)[0]["calls"] == 2  # the last minutes come from the raw log
        assert usage_rollup_refresh(now=midnight + timedelta(minutes=11)).days == [yesterday, yesterday + timedelta(1)]
        complete = UsageRollupDay.objects.get(day=yesterday)
        assert (complete.covered_until, complete.raw_rows) == (midnight, 2)
        assert yesterday not in usage_rollup_refresh(now=midnight + timedelta(minutes=12)).days
    assert usage_stats(filters=filters)[0]["calls"] == 2


def test_a_rebuild_picks_up_a_hand_edit_and_leaves_pruned_days_alone():
    yesterday = timezone.localdate() - timedelta(days=1)
    row = AIProviderUsageLog.objects.create(
        status=UsageStatus.SUCCESS,
        request_id=ZERO_UUID,
        created_at=day_bounds(yesterday)[0],
        total_tokens=10,
    )
    usage_rollup_refresh()
    AIProviderUsageLog.objects.filter(pk=row.pk).update(total_tokens=25)
    filters = UsageFilters(date_from=yesterday, date_to=yesterday)
    assert usage_stats(filters=filters)[0]["total_tokens"] == 10  # a complete day is not read again
    assert usage_rollup_rebuild(days=[yesterday]).days == [yesterday]
    assert usage_stats(filters=filters)[0]["total_tokens"] == 25
    UsageRollupDay.objects.filter(day=yesterday).update(pruned_at=timezone.now())
    assert usage_rollup_rebuild(days=[yesterday]).days == []
