"""``manage.py quota_reclaim``: give back the quota reservations of calls whose process died mid-call."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import pluralize

from subscriptions.services import quota_reclaim

# A call tries each of the three vendors for up to PROVIDER_TIMEOUT_SECONDS after a page fetch: a reservation
# older than that, plus a margin, belongs to no live call.
FALLBACK_PROVIDERS = 3
MARGIN_SECONDS = 60


class Command(BaseCommand):
    help = (
        "Release the token reservations held longer than --older-than seconds: their call's process was killed "
        "(SIGKILL, out of memory, a lost machine) before it settled, and would otherwise keep that part of the "
        "user's quota until the period ends. Safe at any time and from any number of machines (a reservation "
        "is released once); run it every minute or so from cron or a scheduler. The default is three times "
        "PROVIDER_TIMEOUT_SECONDS plus a minute, longer than any call."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default = int(settings.PROVIDER_TIMEOUT_SECONDS * FALLBACK_PROVIDERS + MARGIN_SECONDS)
        parser.add_argument("--older-than", type=int, default=default, metavar="SECONDS",
                            help=f"Age past which a reservation is released (default {default}).")

    def handle(self, *args, older_than: int, **options) -> None:
        if older_than < 0:
            raise CommandError("--older-than must be 0 or more seconds.")
        reclaimed = quota_reclaim(older_than=timedelta(seconds=older_than))
        count = reclaimed.reservations
        self.stdout.write(
            f"{count} reservation{pluralize(count)} older than {older_than} s released ({reclaimed.tokens} tokens)."
        )
