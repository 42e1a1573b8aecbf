from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import ProviderConfigFactory, UsageLogFactory
from usage.models import Alert, UsageStatus

pytestmark = pytest.mark.django_db


def check_alerts(*args: str) -> str:
    out = StringIO()
    call_command("check_alerts", *args, stdout=out)
    return out.getvalue()


def test_a_quiet_service_prints_a_summary_and_exits_zero():
    assert check_alerts() == "0 open alerts (0 new), 0 resolved.\n"


def test_it_prints_one_line_per_open_alert_and_exits_zero_without_critical_ones():
    ProviderConfigFactory(name="soon", expires_at=timezone.now() + timedelta(days=3))
    for _ in range(3):
        UsageLogFactory(status=UsageStatus.QUOTA_EXCEEDED)
    lines = check_alerts().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("WARNING  credential_expiring")
    assert "The key of soon expires on" in lines[0]
    assert lines[0].endswith("(new)")
    assert lines[1].startswith("INFO     quota_exceeded         3 calls refused for quota")
    assert lines[2] == "2 open alerts (2 new), 0 resolved."
    assert "(new)" not in check_alerts()


def test_it_exits_with_status_one_while_a_critical_alert_is_open():
    ProviderConfigFactory(name="gone", expires_at=timezone.now() - timedelta(days=1))
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("check_alerts", stdout=out)
    assert raised.value.returncode == 1
    assert str(raised.value) == "1 critical alert open."
    assert out.getvalue().startswith("CRITICAL credential_expiring")
    assert Alert.objects.filter(subject="gone", resolved_at__isnull=True).exists()


def test_it_resolves_what_cleared_and_says_so():
    config = ProviderConfigFactory(name="soon", expires_at=timezone.now() + timedelta(days=3))
    check_alerts()
    config.expires_at = timezone.now() + timedelta(days=300)
    config.save()
    assert check_alerts() == "0 open alerts (0 new), 1 resolved.\n"


def test_it_reports_a_failed_notification_and_no_notify_sends_nothing(settings):
    settings.ALERT_WEBHOOK_URL = "file:///nowhere"
    ProviderConfigFactory(name="soon", expires_at=timezone.now() + timedelta(days=3))
    assert "webhook: FAILED (see the log)" in check_alerts()
    ProviderConfigFactory(name="later", expires_at=timezone.now() + timedelta(days=4))
    assert "webhook" not in check_alerts("--no-notify")
