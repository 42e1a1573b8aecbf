import time

from django.core.management.base import BaseCommand, CommandParser

from usage.bench_data import usage_rows_generate


class Command(BaseCommand):
    help = (
        "Append N synthetic usage rows (default 1,000,000) spread over the last days, for measuring the "
        "dashboard and the usage-log list. Uses INSERT ... SELECT generate_series on PostgreSQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--batch", type=int, default=200_000, help="Rows per INSERT (one transaction each).")

    def handle(self, *args, rows: int, days: int, users: int, batch: int, **options) -> None:
        started = time.perf_counter()
        written = usage_rows_generate(rows=rows, days=days, users=users, batch=batch)
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Wrote {written:,} usage rows over {days} days in {elapsed:.1f} s."))
