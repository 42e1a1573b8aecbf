"""``manage.py check_alerts``: evaluate the alert rules, store and notify (exit 1 while a critical alert is open)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import pluralize

from usage.alerts import alerts_check
from usage.models import Alert, AlertSeverity


class Command(BaseCommand):
    help = (
        "Evaluate the alert rules (provider error rate and p95 latency over the last hour, today's cost "
        "against the trailing average, quota refusals, expiring or failing credentials, calls without a "
        "price) and store the result: one open alert per condition, updated while it persists and resolved "
        "once it clears. Newly opened alerts are posted to ALERT_WEBHOOK_URL and mailed to ALERT_EMAILS when "
        "set. Prints one line per open alert and exits with status 1 when any of them is critical, so that "
        "cron or a monitoring system can act on it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-notify", action="store_true", help="Store the alerts but post and mail nothing.")

    def handle(self, *args, no_notify: bool, **options) -> None:
        result = alerts_check(notify=not no_notify)
        opened = {alert.pk for alert in result.opened}
        for alert in result.open:
            self.stdout.write(self._line(alert, new=alert.pk in opened))
        count = len(result.open)
        self.stdout.write(f"{count} open alert{pluralize(count)} ({len(opened)} new), {len(result.resolved)} resolved.")
        for channel, delivered in result.notified.items():
            self.stdout.write(f"{channel}: {'sent' if delivered else self.style.ERROR('FAILED (see the log)')}")
        if result.critical:
            critical = len(result.critical)
            raise CommandError(f"{critical} critical alert{pluralize(critical)} open.")

    def _line(self, alert: Alert, *, new: bool) -> str:
        style = {AlertSeverity.CRITICAL: self.style.ERROR, AlertSeverity.WARNING: self.style.WARNING}
        severity = style.get(alert.severity, str)(f"{alert.get_severity_display().upper():8}")
        return f"{severity} {alert.kind:22} {alert.message}{'  (new)' if new else ''}"
