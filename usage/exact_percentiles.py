"""Exact latency percentiles of a moment window (the alerts' last hour): PostgreSQL's ``PERCENTILE_CONT``,
or elsewhere a window-function ranking that fetches only the two rows around each percentile.

Day ranges use the rollup's latency histogram instead (``usage.measures``): a short window is cheap to rank.
"""

import math
from collections.abc import Sequence
from typing import Any

from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet, Value, Window
from django.db.models.functions import Ceil, Floor
from django.db.models.functions.window import RowNumber

from usage.measures import PERCENTILES


class PercentileCont(Aggregate):
    """PostgreSQL's ``PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY expr)``."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, percentile: float, **extra: Any) -> None:
        super().__init__(expression, percentile=float(percentile), **extra)


def attach_ranked_percentiles(rows: list[dict[str, Any]], *, attempts: QuerySet, group_by: Sequence[str]) -> None:
    """Percentiles without PERCENTILE_CONT: rank ``attempts`` (already grouped by ``group_by``) per group in
    the database, fetch the neighbours of each percentile's rank and interpolate."""
    partition = [F(k) for k in group_by] or None
    ranked = attempts.annotate(
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
