from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.superadmin import admin_client_for_fixture, super_admin_fixture, superuser_fixture  # noqa: F401
from usage.models import Alert, AlertKind, AlertSeverity

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:usage_alert_changelist")


def alert(subject: str, severity: int = AlertSeverity.WARNING, resolved: bool = False, **fields) -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        kind=fields.pop("kind", AlertKind.CREDENTIAL_EXPIRING),
        severity=severity,
        subject=subject,
        message=f"about {subject}",
        details={"config_id": 7, "note": "<b>shown escaped</b>"},
        resolved_at=now - timedelta(minutes=1) if resolved else None,
        **fields,
    )


@pytest.fixture
def alerts():
    return {
        "old": alert("old", AlertSeverity.CRITICAL, resolved=True),
        "warning": alert("warning"),
        "critical": alert("critical", AlertSeverity.CRITICAL),
        "info": alert("info", AlertSeverity.INFO, kind=AlertKind.QUOTA_EXCEEDED),
    }


def listed(response) -> list[str]:
    return [row.subject for row in response.context["cl"].result_list]


def test_the_list_shows_open_alerts_first_critical_first(admin_client_for, super_admin, alerts):
    response = admin_client_for(super_admin).get(CHANGELIST)
    assert response.status_code == 200
    assert listed(response) == ["critical", "warning", "info", "old"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "open"}, ["critical", "warning", "info"]),
        ({"state": "resolved"}, ["old"]),
        ({"severity__exact": AlertSeverity.CRITICAL}, ["critical", "old"]),
        ({"kind__exact": AlertKind.QUOTA_EXCEEDED}, ["info"]),
    ],
)
def test_the_list_filters(admin_client_for, superuser, alerts, query, expected):
    assert listed(admin_client_for(superuser).get(CHANGELIST, query)) == expected


def test_alerts_are_read_only(admin_client_for, superuser, alerts):
    client = admin_client_for(superuser)
    assert client.get(reverse("admin:usage_alert_add")).status_code == 403
    change = client.get(reverse("admin:usage_alert_change", args=[alerts["warning"].pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert "&lt;b&gt;shown escaped&lt;/b&gt;" in change.content.decode()
    assert client.get(reverse("admin:usage_alert_delete", args=[alerts["warning"].pk])).status_code == 403


def test_mark_resolved_resolves_the_selected_open_alerts(admin_client_for, super_admin, alerts):
    old_resolution = alerts["old"].resolved_at
    response = admin_client_for(super_admin).post(
        CHANGELIST,
        {"action": "mark_resolved", "_selected_action": [alerts["warning"].pk, alerts["old"].pk]},
        follow=True,
    )
    assert "1 alert marked resolved." in response.content.decode()
    assert Alert.objects.get(pk=alerts["warning"].pk).resolved_at is not None
    assert Alert.objects.get(pk=alerts["old"].pk).resolved_at == old_resolution
    assert Alert.objects.filter(resolved_at__isnull=True).count() == 2


def test_the_admin_index_and_the_dashboard_show_the_open_alerts(admin_client_for, superuser, alerts):
    client = admin_client_for(superuser)
    for page in (reverse("admin:index"), reverse("admin:usage_dashboard")):
        html = client.get(page).content.decode()
        assert 'id="open-alerts"' in html
        assert "<strong>1 critical</strong>" in html
        assert "3 open" in html
        assert f"{CHANGELIST}?state=open" in html
