import statistics
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from usage.models import AIProviderUsageLog
from usage.rollup import usage_rollup_refresh

BENCH_ADMIN = "bench-admin"


class Command(BaseCommand):
    help = (
        "Time the usage dashboard, usage/stats and the usage-log change list (and a few neighbours) with the "
        "test client, as a logged-in superuser, and print the figures. Fill the table first: generate_usage. "
        "--compare brings the daily rollup up to date (usage_rollup), then times the dashboard and usage/stats "
        "reading the raw log only and reading the rollup, side by side."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=5, help="Timed runs per page, after one warm-up run.")
        parser.add_argument("--compare", action="store_true", help="Raw log only against the rollup.")
        parser.add_argument(
            "--raw-runs", type=int, default=1, help="With --compare: timed runs reading the raw log (slow at 10M)."
        )

    def handle(self, *args, runs: int, compare: bool, raw_runs: int, **options) -> None:
        client = Client()
        client.force_login(self._superuser())
        rows = AIProviderUsageLog.objects.count()
        self.stdout.write(f"{connection.vendor}, {rows:,} usage rows, {runs} runs per page (after a warm-up)")
        if compare:
            self._compare(client, runs, raw_runs)
            return
        for label, url in self._pages():
            timings = self._time(client, url, runs)
            self.stdout.write(
                f"{label:<34} median {statistics.median(timings):7.0f} ms   "
                f"min {min(timings):6.0f} ms   max {max(timings):6.0f} ms"
            )

    def _compare(self, client: Client, runs: int, raw_runs: int) -> None:
        started = time.perf_counter()
        rolled = usage_rollup_refresh()
        self.stdout.write(
            f"usage_rollup: {len(rolled.days)} day(s) rolled up, {rolled.raw_rows:,} raw rows, "
            f"{time.perf_counter() - started:.1f} s"
        )
        self.stdout.write(f"{'median (min-max) ms':<34} {'raw log only':>22} {'rollup + today raw':>22}")
        for label, url in self._analytics_pages():
            with override_settings(USAGE_ROLLUP_READS=False):
                raw = self._time(client, url, raw_runs)
            rollup = self._time(client, url, runs)
            self.stdout.write(f"{label:<34} {_figure(raw):>22} {_figure(rollup):>22}")

    def _analytics_pages(self) -> list[tuple[str, str]]:
        dashboard, stats = reverse("admin:usage_dashboard"), reverse("superadmin-usage-stats")
        return [
            ("dashboard, default (30 days)", dashboard),
            ("dashboard, 90 days", f"{dashboard}?date_from={_days_ago(89)}"),
            ("dashboard, one provider and task", f"{dashboard}?provider_type=gemini&task_type=cv_draft"),
            ("API usage/stats (30 days)", stats),
            ("API usage/stats, 90 days", f"{stats}?date_from={_days_ago(89)}"),
        ]

    def _superuser(self):
        user, _ = get_user_model().objects.get_or_create(
            username=BENCH_ADMIN, defaults={"is_staff": True, "is_superuser": True}
        )
        return user

    def _pages(self) -> list[tuple[str, str]]:
        dashboard = reverse("admin:usage_dashboard")
        changelist = reverse("admin:usage_aiproviderusagelog_changelist")
        return [
            ("dashboard, default (30 days)", dashboard),
            ("dashboard, 90 days", f"{dashboard}?date_from={_days_ago(89)}"),
            ("dashboard, one provider and task", f"{dashboard}?provider_type=gemini&task_type=cv_draft"),
            ("usage-log change list", changelist),
            ("usage-log list, page 100", f"{changelist}?p=100"),
            ("usage-log list, status=error", f"{changelist}?status__exact=error"),
            ("usage-log list, one day", f"{changelist}?{_day_query(1)}"),
            ("usage-log list, search 'gpt-5'", f"{changelist}?q=gpt-5"),
            ("provider config change list", reverse("admin:providers_aiproviderconfig_changelist")),
            ("API usage/stats (30 days)", reverse("superadmin-usage-stats")),
            ("API usage/stats, 90 days", f"{reverse('superadmin-usage-stats')}?date_from={_days_ago(89)}"),
            ("API usage/logs", reverse("superadmin-usage-log-list")),
        ]

    def _time(self, client: Client, url: str, runs: int) -> list[float]:
        timings = []
        for run in range(runs + 1):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            if run:  # the first run warms caches and connections
                timings.append(elapsed)
        return timings


def _figure(timings: list[float]) -> str:
    return f"{statistics.median(timings):.0f} ({min(timings):.0f}-{max(timings):.0f})"


def _day_query(days: int) -> str:
    day = timezone.localdate() - timedelta(days=days)
    return f"created_at__year={day.year}&created_at__month={day.month}&created_at__day={day.day}"


def _days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()
