"""``manage.py usage_rollup``: roll up the complete days of the usage log (run it from cron every few minutes)."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandParser

from usage.rollup import RollupResult, usage_rollup_rebuild, usage_rollup_refresh


class Command(BaseCommand):
    help = (
        "Aggregate every complete day of the usage log that is not in the daily rollup yet (a day is complete "
        "USAGE_ROLLUP_SEAL_MINUTES after its end), one short transaction per day. The dashboard and usage/stats "
        "read complete days from the rollup and the rest from the raw log, so running it late only costs speed. "
        "--rebuild DAY [DAY ...] recomputes days whose raw rows were changed by hand (never a pruned day)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", nargs="+", type=date.fromisoformat, metavar="YYYY-MM-DD", default=None)

    def handle(self, *args, rebuild: list[date] | None, **options) -> None:
        started = time.perf_counter()
        result = usage_rollup_rebuild(days=rebuild) if rebuild else usage_rollup_refresh()
        self.stdout.write(self._summary(result, time.perf_counter() - started))

    def _summary(self, result: RollupResult, elapsed: float) -> str:
        if not result.days:
            return f"No day to roll up ({elapsed:.1f} s)."
        span = f"{result.days[0]} to {result.days[-1]}" if len(result.days) > 1 else f"{result.days[0]}"
        return f"Rolled up {len(result.days)} day(s), {span}: {result.raw_rows:,} raw rows in {elapsed:.1f} s."
