"""``manage.py usage_report``: calls, success rate, tokens, cost and latency by provider and model, as text or CSV."""

import argparse
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from usage.reports import report_csv, report_text, usage_report_build
from usage.selectors import DEFAULT_DAYS, UsageFilters, usage_range_error


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Print a usage report by provider and by provider and model — calls, success rate, quota refusals, "
        "tokens, cost (calls without a known price counted separately), latency p50/p95 — with the totals "
        f"and the top users by cost. The range is the last --days days (default {DEFAULT_DAYS}, today "
        "included) or --from/--to (days in the server's time zone, both included; --to defaults to today)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        start = parser.add_mutually_exclusive_group()
        start.add_argument("--days", type=int, help=f"The last N days, today included (default {DEFAULT_DAYS}).")
        start.add_argument("--from", dest="date_from", type=_day, metavar="DATE", help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", type=_day, metavar="DATE", help="Last day, YYYY-MM-DD.")
        parser.add_argument("--format", choices=("text", "csv"), default="text", help="Output format (text).")
        parser.add_argument("--top", type=int, default=10, help="How many top users to list (10).")

    def handle(self, *args, days: int | None, date_from: date | None, date_to: date | None, **options) -> None:
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        filters = UsageFilters.build(date_from=date_from, date_to=date_to, days=days or DEFAULT_DAYS)
        error = usage_range_error(date_from=filters.date_from, date_to=filters.date_to)
        if error:
            raise CommandError(error)
        report = usage_report_build(filters=filters, top_users=options["top"])
        render = report_csv if options["format"] == "csv" else report_text
        self.stdout.write(render(report), ending="")
