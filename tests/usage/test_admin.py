import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ProviderConfigFactory, UsageLogFactory, UserFactory
from tests.superadmin import PLAINTEXT_KEY, admin_client_for_fixture, super_admin_fixture, superuser_fixture  # noqa: F401
from usage.models import AIProviderUsageLog

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:usage_aiproviderusagelog_changelist")
DASHBOARD = reverse("admin:usage_dashboard")


@pytest.fixture
def logs():
    config = ProviderConfigFactory(name="gemini-main", provider_type="gemini", api_key=PLAINTEXT_KEY)
    alice = UserFactory(username="alice")
    rows = [
        UsageLogFactory(user=alice, provider_config=config, provider_type="gemini", model="gemini-2.5-flash"),
        UsageLogFactory(user=alice, provider_config=config, provider_type="gemini", status="error",
                        error_code="unavailable"),
        UsageLogFactory(provider_type="openai", model="gpt-5-mini", task_type="cv_draft", status="quota_exceeded"),
        UsageLogFactory(provider_type="openai", model="gpt-5", created_at=timezone.now() - timedelta(days=400)),
    ]
    return rows


def listed(response) -> set[int]:
    return {row.pk for row in response.context["cl"].result_list}


def test_the_usage_log_list_is_read_only(admin_client_for, superuser, logs):
    client = admin_client_for(superuser)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert listed(response) == {row.pk for row in logs}
    assert client.get(reverse("admin:usage_aiproviderusagelog_add")).status_code == 403
    change = client.get(reverse("admin:usage_aiproviderusagelog_change", args=[logs[0].pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert PLAINTEXT_KEY not in change.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "error"}, [1]),
        ({"provider_type": "openai"}, [2, 3]),
        ({"task_type": "cv_draft"}, [2]),
        ({"q": "alice"}, [0, 1]),
        ({"q": "gpt-5-mini"}, [2]),
    ],
)
def test_the_list_filters_and_search(admin_client_for, superuser, logs, query, expected):
    response = admin_client_for(superuser).get(CHANGELIST, query)
    assert listed(response) == {logs[i].pk for i in expected}


def test_a_request_id_finds_its_rows(admin_client_for, superuser, logs):
    wanted = logs[2]
    response = admin_client_for(superuser).get(CHANGELIST, {"q": str(wanted.request_id)})
    assert listed(response) == {wanted.pk}
    assert listed(admin_client_for(superuser).get(CHANGELIST, {"q": str(uuid.uuid4())})) == set()


def test_the_date_hierarchy_offers_the_years_with_rows(admin_client_for, superuser, logs):
    html = admin_client_for(superuser).get(CHANGELIST).content.decode()
    years = {logs[0].created_at.year, logs[3].created_at.year}
    for year in years:
        assert f"created_at__year={year}" in html
    links = set(re.findall(r"created_at__year=(\d{4})", html))
    assert links == {str(y) for y in years}


def test_the_date_hierarchy_drills_down_to_days(admin_client_for, superuser, logs):
    today = timezone.localdate()
    response = admin_client_for(superuser).get(
        CHANGELIST, {"created_at__year": today.year, "created_at__month": today.month}
    )
    html = response.content.decode()
    assert f"created_at__day={today.day}" in html
    assert len(set(re.findall(r"created_at__day=(\d+)", html))) == 1


def test_the_list_needs_no_query_per_row(admin_client_for, superuser, logs, django_assert_max_num_queries):
    client = admin_client_for(superuser)
    client.get(CHANGELIST)
    with django_assert_max_num_queries(20) as few:
        client.get(CHANGELIST)
    for _ in range(30):
        UsageLogFactory(user=UserFactory(), provider_config=ProviderConfigFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(CHANGELIST)


def test_the_dashboard_renders_every_chart_for_a_super_admin(admin_client_for, super_admin, logs):
    response = admin_client_for(super_admin).get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    for canvas in ("cost-per-day", "tokens-per-day", "success-rate", "latency", "quota-per-day", "top-users",
                   "top-models"):
        assert f'id="chart-{canvas}"' in html
    assert "usage/vendor/chart.umd.min.js" in html
    assert "cdn" not in html.lower()
    assert PLAINTEXT_KEY not in html
    charts = response.context["charts"]
    assert len(charts["days"]) == 30
    assert charts["providers"] == ["gemini", "openai"]
    assert charts["success_rate"] == [50.0, None]


def test_the_dashboard_honours_the_range_and_filters(admin_client_for, superuser, logs):
    today = timezone.localdate()
    response = admin_client_for(superuser).get(
        DASHBOARD, {"date_from": (today - timedelta(days=6)).isoformat(), "date_to": today.isoformat(),
                    "provider_type": "openai"}
    )
    charts = response.context["charts"]
    assert len(charts["days"]) == 7
    assert charts["providers"] == ["openai"]
    assert [s["label"] for s in charts["quota_per_day"]] == ["openai"]
    assert charts["quota_per_day"][0]["data"][-1] == 1


def test_an_invalid_range_falls_back_to_the_default_and_says_why(admin_client_for, superuser, logs):
    response = admin_client_for(superuser).get(DASHBOARD, {"date_from": "2026-02-02", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert len(response.context["charts"]["days"]) == 30
    assert "must not be after the end" in response.content.decode()


def test_the_dashboard_is_for_super_admins_only(admin_client_for, client):
    anonymous = client.get(DASHBOARD)
    assert anonymous.status_code == 302
    assert "/admin/login/" in anonymous["Location"]
    assert admin_client_for(UserFactory(is_staff=True)).get(DASHBOARD).status_code == 403
    assert admin_client_for(UserFactory()).get(DASHBOARD).status_code == 302


def test_the_admin_index_links_to_the_dashboard(admin_client_for, superuser):
    html = admin_client_for(superuser).get(reverse("admin:index")).content.decode()
    assert f'href="{DASHBOARD}"' in html


def test_the_dashboard_draws_an_empty_range_without_error(admin_client_for, superuser):
    response = admin_client_for(superuser).get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["charts"]["providers"] == []
    assert AIProviderUsageLog.objects.count() == 0


def test_a_date_at_the_end_of_the_calendar_falls_back_to_the_default_range(admin_client_for, superuser):
    # date_to=9999-12-31 overflowed while the range was turned into datetimes: the dashboard was a 500.
    response = admin_client_for(superuser).get(DASHBOARD, {"date_to": "9999-12-31"})
    assert response.status_code == 200
    assert len(response.context["charts"]["days"]) == 30
    assert "Dates must lie between" in response.content.decode()
