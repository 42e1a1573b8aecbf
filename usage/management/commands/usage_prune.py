"""``manage.py usage_prune``: the usage log's retention (delete, or archive then delete, rows older than N days)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from usage.errors import RetentionRefused
from usage.retention import usage_log_prune


class Command(BaseCommand):
    help = (
        "Delete the usage-log rows of the days before the last N (in TIME_ZONE), in batches of short "
        "transactions, oldest first. The days are rolled up first, so the dashboard and usage/stats keep "
        "their figures; the rows themselves are gone from the usage-log list and usage/logs. --archive FILE "
        "appends them to FILE as JSON lines first (gzip when FILE ends in .gz)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=int, required=True, help="Keep today and the N days before.")
        parser.add_argument("--batch-size", type=int, default=5000, help="Rows per DELETE (one transaction each).")
        parser.add_argument("--archive", type=Path, default=None, help="A .jsonl or .jsonl.gz file to append to.")

    def handle(self, *args, older_than_days: int, batch_size: int, archive: Path | None, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        started = time.perf_counter()
        try:
            result = usage_log_prune(
                older_than_days=older_than_days, batch_size=batch_size, archive=Path(archive) if archive else None
            )
        except RetentionRefused as exc:
            raise CommandError(exc.message) from exc
        where = f", archived to {archive}" if archive else ""
        self.stdout.write(
            f"Deleted {result.deleted:,} usage rows created before {result.before} in {result.batches} "
            f"batch(es){where} ({time.perf_counter() - started:.1f} s)."
        )
