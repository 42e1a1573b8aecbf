"""Retention: delete (optionally archive first) raw usage-log rows older than N days, in short batches.

Why batches: one ``DELETE`` of millions of rows holds its locks and its transaction for minutes, blocks
``VACUUM`` and bloats the WAL; each batch here is one short transaction (a few thousand rows by primary key,
oldest first through the ``created_at`` index), so the live log keeps being written meanwhile.

What is kept: only whole days are pruned, and only days already in the daily rollup (``usage.rollup``,
refreshed first): the dashboard and ``usage/stats`` keep showing them, from the rollup. What is lost: the
rows themselves (the usage-log list, the API's ``usage/logs``, the alerts' last-hour windows, which never
reach back that far). ``archive`` writes every row as one JSON line (gzip when the name ends in ``.gz``)
and flushes it to disk before the batch is deleted, so an interrupted run loses nothing.
"""

import gzip
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from usage.errors import RetentionRefused
from usage.models import AIProviderUsageLog, UsageRollupDay
from usage.rollup import day_bounds, last_sealed_day, local_day, usage_rollup_refresh

ARCHIVE_FIELDS = [field.attname for field in AIProviderUsageLog._meta.concrete_fields]


@dataclass(frozen=True)
class PruneResult:
    before: date  # rows of days before this one were deleted
    deleted: int
    batches: int


def prune_cutoff(*, older_than_days: int, now: datetime | None = None) -> date:
    """The first day kept: ``older_than_days`` whole days before today (in ``TIME_ZONE``) are kept too."""
    if older_than_days < 1:
        raise RetentionRefused("Keep at least one day (today's rows are not in the rollup yet).")
    return local_day(now or timezone.now()) - timedelta(days=older_than_days)


def usage_log_prune(
    *, older_than_days: int, batch_size: int = 5000, archive: Path | None = None, now: datetime | None = None
) -> PruneResult:
    """Roll up what is due, then delete the raw rows of the days before the cutoff, batch by batch."""
    cutoff = prune_cutoff(older_than_days=older_than_days, now=now)
    if cutoff > last_sealed_day(now=now) + timedelta(days=1):
        raise RetentionRefused("The days to prune are not sealed yet; keep more days.")
    usage_rollup_refresh(now=now)
    _check_rolled_up(before=cutoff)
    old = AIProviderUsageLog.objects.filter(created_at__lt=day_bounds(cutoff)[0])
    deleted = batches = 0
    with _archive_file(archive) as out:
        while ids := list(old.order_by("created_at").values_list("id", flat=True)[:batch_size]):
            rows = AIProviderUsageLog.objects.filter(id__in=ids)
            if out is not None:
                _archive_rows(out, rows)
            with transaction.atomic():
                deleted += rows.only("id").delete()[1].get(AIProviderUsageLog._meta.label, 0)  # ids, not rows
            batches += 1
    UsageRollupDay.objects.filter(day__lt=cutoff, pruned_at__isnull=True).update(pruned_at=timezone.now())
    return PruneResult(before=cutoff, deleted=deleted, batches=batches)


def _check_rolled_up(*, before: date) -> None:
    """Every day with raw rows before ``before`` must be in the rollup, or its history would be lost."""
    old = AIProviderUsageLog.objects.filter(created_at__lt=day_bounds(before)[0])
    first = old.order_by("created_at").values_list("created_at", flat=True).first()
    if first is None:
        return
    first_day = local_day(first)
    rolled = UsageRollupDay.objects.filter(day__gte=first_day, day__lt=before).count()
    if rolled < (before - first_day).days:
        raise RetentionRefused("Some days to prune are not in the rollup yet; run usage_rollup and retry.")


@contextmanager
def _archive_file(path: Path | None) -> Iterator[IO[str] | None]:
    if path is None:
        yield None
        return
    with (gzip.open if path.suffix == ".gz" else open)(path, "at", encoding="utf-8") as out:
        yield out


def _archive_rows(out: IO[str], rows: QuerySet[AIProviderUsageLog]) -> None:
    for row in rows.order_by("created_at", "id").values(*ARCHIVE_FIELDS):
        out.write(json.dumps(row, cls=DjangoJSONEncoder) + "\n")
    out.flush()
    raw = getattr(out, "fileobj", None) or out  # gzip writes through to the file it wraps
    raw.flush()
    os.fsync(raw.fileno())
