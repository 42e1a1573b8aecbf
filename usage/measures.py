"""What the usage figures mean — one home for the definitions the rollup (``usage.rollup``) stores and the
selectors (``usage.selectors``) read, so that a figure is the same whether its day was rolled up or not.

- Counters per row: ``calls`` (every row), ``attempts`` (``success`` + ``error``: rows that reached a
  provider), ``successes``, ``errors``, ``quota_exceeded``, ``cache_hits``, ``unpriced_calls`` (attempts
  whose ``cost_usd`` is null); sums: ``input_tokens``, ``output_tokens``, ``total_tokens``, ``cost_usd``
  (the known costs, ``Decimal``).
- Latency over a day range: percentiles cannot be added up, so a day keeps a histogram of its attempts'
  latencies in buckets (``latency_bucket``): 1 ms wide below 200 ms, then 5 ms to 500 ms, 10 ms to 1 s,
  25 ms to 2 s, 50 ms to 5 s, 100 ms to 10 s, and so on (never wider than 2.5 % of the bucket's start).
  ``latency_p50_ms`` / ``latency_p95_ms`` of a day range are the continuous percentiles (linear
  interpolation, PostgreSQL's ``percentile_cont``) of the attempts' latencies *each rounded down to its
  bucket's start*: exactly the raw figure below 200 ms and on bucket starts, otherwise at most 2.5 % below
  it. A moment window (the alerts' last hour, ``UsageWindow``) still uses the exact latencies.
"""

import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When

from usage.models import UsageStatus

ATTEMPT_STATUSES = (UsageStatus.SUCCESS, UsageStatus.ERROR)
PERCENTILES = {"latency_p50_ms": 0.5, "latency_p95_ms": 0.95}
COUNTERS = ("calls", "attempts", "successes", "errors", "quota_exceeded", "cache_hits", "unpriced_calls")
SUMS = ("input_tokens", "output_tokens", "total_tokens", "cost_usd")
MEASURES = (*COUNTERS, *SUMS)
# (upper bound, width) of the latency buckets in ms; the last width holds beyond the last bound.
BUCKET_WIDTHS = (
    (200, 1),
    (500, 5),
    (1_000, 10),
    (2_000, 25),
    (5_000, 50),
    (10_000, 100),
    (20_000, 250),
    (50_000, 500),
    (100_000, 1_000),
    (200_000, 2_500),
    (500_000, 5_000),
)
WIDEST = 10_000
COST_PLACES = Decimal("1e-10")  # AIProviderUsageLog.cost_usd's decimal places


def raw_aggregates() -> dict[str, Any]:
    """The measures as aggregates over raw log rows."""
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


def rolled_up_aggregates() -> dict[str, Any]:
    """The same measures over rollup rows: each is the sum of the per-day figures."""
    return {name: Sum(name, default=Decimal(0) if name == "cost_usd" else 0) for name in MEASURES}


def latency_bucket(latency_ms: int) -> int:
    """The start of the bucket holding ``latency_ms`` (the Python twin of ``latency_bucket_expression``)."""
    width = next((w for bound, w in BUCKET_WIDTHS if latency_ms < bound), WIDEST)
    return latency_ms // width * width


def latency_bucket_expression(field: str = "latency_ms") -> Case:
    """``latency_bucket`` in SQL: integer division on both PostgreSQL and SQLite."""
    whens = [When(**{f"{field}__lt": bound}, then=F(field) / Value(w) * Value(w)) for bound, w in BUCKET_WIDTHS]
    return Case(*whens, default=F(field) / Value(WIDEST) * Value(WIDEST), output_field=IntegerField())


def histogram_percentile(histogram: Iterable[tuple[int, int]], p: float) -> float | None:
    """``percentile_cont(p)`` of a multiset given as (value, how many) pairs; None when it is empty."""
    pairs = sorted((value, n) for value, n in histogram if n)
    size = sum(n for _, n in pairs)
    if not size:
        return None
    position = (size - 1) * p
    low_rank, high_rank = math.floor(position), math.ceil(position)
    low = high = None
    seen = 0
    for value, n in pairs:
        seen += n
        if low is None and low_rank < seen:
            low = value
        if high_rank < seen:
            high = value
            break
    return float(low + (high - low) * (position - low_rank))


def cost(value: Decimal) -> Decimal:
    """A sum of costs at the log's scale (10 places): SQLite returns a decimal sum as a float-born Decimal."""
    return value.quantize(COST_PLACES)


def success_rate(row: dict[str, Any]) -> float | None:
    return row["successes"] / row["attempts"] if row["attempts"] else None
