"""What the rollup keeps so that latency percentiles over a range stay cheap (``usage.rollup`` writes it).

Percentiles cannot be added up, so a range's p50/p95 need the histogram of the whole range; summing the
daily histograms of 90 days reads ~200,000 rows per figure. Instead, once a day is complete:

- ``UsageLatencyPrefix``: the running total of the histograms of every complete day up to it (a chain
  from the first rolled-up day, ``UsageRollupDay.in_prefix``). A range's histogram is the last day's
  running total minus the one of the day before the range: two days' rows, whatever the range's length.
- ``UsageDayPercentiles``: the day's own p50/p95 for every filter the stats take (the ``by_day`` figures).

A day recomputed (``--rebuild``) or dropped (``usage_rollup_forget``) cuts the chain there; the next
refresh extends it again from the last day still in it.
"""

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from usage.measures import PERCENTILES, histogram_percentile
from usage.models import UsageDayPercentiles, UsageLatencyPrefix, UsageLatencyRollup, UsageRollupDay
from usage.ranges import day_bounds

BUCKET_KEYS = ("provider_type", "model", "task_type", "latency_bucket")
ALL = UsageDayPercentiles.ALL
BULK_BATCH = 2000


def day_percentiles_write(*, day: date, buckets: list[dict[str, Any]]) -> None:
    """The complete day's percentiles per provider (or all) and task (or all), from its histogram rows."""
    histograms: dict[tuple[str, str], Counter] = {}
    for bucket in buckets:
        for provider in (bucket["provider_type"], ALL):
            for task in (bucket["task_type"], ALL):
                histograms.setdefault((provider, task), Counter())[bucket["latency_bucket"]] += bucket["attempts"]
    UsageDayPercentiles.objects.bulk_create(
        [
            UsageDayPercentiles(
                day=day,
                provider_type=provider,
                task_type=task,
                **{name: histogram_percentile(histogram.items(), p) for name, p in PERCENTILES.items()},
            )
            for (provider, task), histogram in histograms.items()
        ]
    )


def latency_prefixes_cut(*, since: date) -> None:
    """The running totals from ``since`` on are wrong now (a day recomputed or dropped)."""
    UsageLatencyPrefix.objects.filter(day__gte=since).delete()
    UsageRollupDay.objects.filter(day__gte=since, in_prefix=True).update(in_prefix=False)


def latency_prefixes_extend() -> int:
    """Extend the chain of running totals over the following complete days, oldest first; the days added."""
    previous: date | None = None
    added = 0
    for day, covered_until, in_prefix in UsageRollupDay.objects.order_by("day").values_list(
        "day", "covered_until", "in_prefix"
    ):
        if in_prefix:
            previous = day
            continue
        if covered_until < day_bounds(day)[1] or (previous is not None and previous != day - timedelta(days=1)):
            break  # an incomplete day or a missing one ends the chain
        if _write_prefix(day, previous=previous):
            added += 1
        previous = day
    return added


def _write_prefix(day: date, *, previous: date | None) -> bool:
    with transaction.atomic():
        marker = UsageRollupDay.objects.select_for_update().get(day=day)  # a concurrent run waits here
        if marker.in_prefix:
            return False
        totals: Counter = Counter()
        sources = [UsageLatencyRollup.objects.filter(day=day)]
        if previous is not None:
            sources.append(UsageLatencyPrefix.objects.filter(day=previous))
        for source in sources:
            for *key, attempts in source.values_list(*BUCKET_KEYS, "attempts"):
                totals[tuple(key)] += attempts
        UsageLatencyPrefix.objects.bulk_create(
            [
                UsageLatencyPrefix(day=day, attempts=n, **dict(zip(BUCKET_KEYS, key, strict=True)))
                for key, n in totals.items()
            ],
            batch_size=BULK_BATCH,
        )
        UsageRollupDay.objects.filter(pk=marker.pk).update(in_prefix=True)
    return True
