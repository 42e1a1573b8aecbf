import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from providers.models import AIProviderConfig
from usage import pagination
from usage.models import AIProviderUsageLog, UsageRollupDay
from usage.pagination import EstimatedCountPaginator, table_row_estimate

pytestmark = pytest.mark.django_db


def test_generate_usage_writes_rows_spread_over_providers_statuses_and_days(capsys):
    call_command("generate_usage", rows=600, days=30, users=5, batch=250)
    assert "Wrote 600 usage rows" in capsys.readouterr().out
    logs = AIProviderUsageLog.objects.all()
    assert logs.count() == 600
    assert set(logs.values_list("provider_type", flat=True)) >= {"gemini", "openai", "anthropic"}
    assert set(logs.values_list("status", flat=True)) >= {"success", "error", "quota_exceeded"}
    assert logs.values("user").distinct().count() > 1
    days = {d.date() for d in logs.datetimes("created_at", "day")}
    assert len(days) >= 25
    assert not logs.filter(status="success", cost_usd__isnull=True, provider_type="openai").exists()


def test_generated_rows_never_take_part_in_routing():
    call_command("generate_usage", rows=10, users=2)
    assert not AIProviderConfig.objects.filter(name__startswith="bench-", is_active=True).exists()
    assert get_user_model().objects.filter(username__startswith="bench-user-").count() == 2


def test_bench_admin_times_every_page(capsys):
    call_command("generate_usage", rows=50, users=3)
    call_command("bench_admin", runs=1)
    out = capsys.readouterr().out
    assert "dashboard, default (30 days)" in out
    assert "usage-log change list" in out
    assert "median" in out


def test_a_small_or_filtered_table_is_counted_exactly():
    call_command("generate_usage", rows=30, users=2)
    everything = AIProviderUsageLog.objects.all()
    assert EstimatedCountPaginator(everything, 10).count == 30
    assert table_row_estimate(everything.filter(status="error")) is None


@pytest.mark.postgres
def test_an_unfiltered_big_table_is_sized_from_the_planner_estimate(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): the estimate is pg_class.reltuples")
    call_command("generate_usage", rows=300, users=2)  # ends with ANALYZE
    estimate = table_row_estimate(AIProviderUsageLog.objects.all())
    assert estimate == pytest.approx(300, rel=0.2)
    monkeypatch.setattr(pagination, "ESTIMATE_FROM_ROWS", 100)
    with CaptureQueriesContext(connection) as queries:
        assert EstimatedCountPaginator(AIProviderUsageLog.objects.all(), 10).count == estimate
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_generated_rows_drop_the_rollup_of_the_days_they_land_in():
    call_command("generate_usage", rows=40, days=5, users=2)
    call_command("usage_rollup")
    rolled = UsageRollupDay.objects.count()
    assert rolled >= 4
    call_command("generate_usage", rows=40, days=5, users=2)
    assert UsageRollupDay.objects.count() == 0  # rolled up again, with the new rows, by the next usage_rollup


def test_bench_admin_compares_the_raw_log_with_the_rollup(capsys):
    call_command("generate_usage", rows=60, days=10, users=3)
    call_command("bench_admin", runs=1, compare=True)
    out = capsys.readouterr().out
    assert "usage_rollup:" in out
    assert "raw log only" in out
    assert "rollup + today raw" in out
    assert "API usage/stats, 90 days" in out
