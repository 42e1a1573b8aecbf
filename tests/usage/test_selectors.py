from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import UsageLogFactory, UserFactory
from usage.models import UsageStatus
from usage.rollup import usage_rollup_refresh
from usage.selectors import UsageFilters, usage_dashboard, usage_stats, usage_top

pytestmark = pytest.mark.django_db


def log(days_ago: int = 0, **fields):
    created_at = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=days_ago)
    return UsageLogFactory(created_at=created_at, **fields)


@pytest.fixture
def known_rows():
    """Gemini: 4 attempts (3 ok) with latencies 100, 200, 300, 400; OpenAI: 1 ok, 1 refusal; one old row."""
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    for latency, status, cost in [(100, "success", "0.5"), (200, "success", "0.25"), (300, "error", None),
                                  (400, "success", "1.0")]:
        log(user=alice, provider_type="gemini", model="gemini-2.5-flash", latency_ms=latency, status=status,
            cost_usd=Decimal(cost) if cost else None, input_tokens=100, output_tokens=50, total_tokens=150)
    log(days_ago=1, user=bob, provider_type="openai", model="gpt-5-mini", latency_ms=1000, cost_usd=Decimal("2"),
        input_tokens=1000, output_tokens=500, total_tokens=1500, task_type="cv_draft")
    log(days_ago=1, user=bob, provider_type="openai", model="gpt-5-mini", latency_ms=0, total_tokens=0,
        input_tokens=0, output_tokens=0, status=UsageStatus.QUOTA_EXCEEDED, task_type="cv_draft")
    log(days_ago=40, user=bob, provider_type="openai", model="gpt-5", cost_usd=Decimal("100"))
    return alice, bob


def test_stats_by_provider_match_the_known_rows(known_rows):
    rows = {r["provider_type"]: r for r in usage_stats(filters=UsageFilters.last_days(30), group_by=["provider_type"])}
    gemini, openai = rows["gemini"], rows["openai"]
    assert (gemini["calls"], gemini["attempts"], gemini["successes"], gemini["errors"]) == (4, 4, 3, 1)
    assert gemini["success_rate"] == pytest.approx(0.75)
    assert gemini["total_tokens"] == 600
    assert gemini["cost_usd"] == Decimal("1.75")
    assert gemini["unpriced_calls"] == 1
    assert gemini["latency_p50_ms"] == pytest.approx(250.0)
    assert gemini["latency_p95_ms"] == pytest.approx(385.0)
    assert (openai["calls"], openai["attempts"], openai["quota_exceeded"]) == (2, 1, 1)
    assert openai["success_rate"] == pytest.approx(1.0)
    assert openai["latency_p50_ms"] == pytest.approx(1000.0)
    assert openai["cost_usd"] == Decimal("2")


def test_stats_by_day_leave_out_rows_outside_the_range(known_rows):
    rows = usage_stats(filters=UsageFilters.last_days(30), group_by=["day"])
    assert [r["calls"] for r in rows] == [2, 4]
    assert [r["cost_usd"] for r in rows] == [Decimal("2"), Decimal("1.75")]
    assert rows[0]["day"] < rows[1]["day"]


def test_stats_honour_the_provider_and_task_filters(known_rows):
    (row,) = usage_stats(filters=UsageFilters.last_days(30, task_type="cv_draft"), group_by=["model"])
    assert (row["model"], row["calls"]) == ("gpt-5-mini", 2)
    assert usage_stats(filters=UsageFilters.last_days(30, provider_type="anthropic"), group_by=["model"]) == []


def test_stats_without_grouping_cover_the_whole_range(known_rows):
    (total,) = usage_stats(filters=UsageFilters.last_days(90))
    assert total["calls"] == 7
    assert total["cost_usd"] == Decimal("103.75")
    assert total["latency_p50_ms"] == pytest.approx(250.0)  # 100 120 200 | 300 400 1000


def test_top_users_and_models_are_ordered_by_cost(known_rows):
    users = usage_top(filters=UsageFilters.last_days(30), by="user")
    assert [(u["user__username"], u["cost_usd"]) for u in users] == [("bob", Decimal("2")), ("alice", Decimal("1.75"))]
    models = usage_top(filters=UsageFilters.last_days(90), by="model", limit=1)
    assert [(m["model"], m["cost_usd"]) for m in models] == [("gpt-5", Decimal("100"))]


def test_the_dashboard_counts_quota_incidents_and_tokens_per_day_and_provider(known_rows):
    data = usage_dashboard(filters=UsageFilters.last_days(30))
    today = timezone.localdate()
    rows = {(d["day"], d["provider_type"]): d for d in data["daily_by_provider"]}
    assert set(rows) == {(today, "gemini"), (today - timedelta(days=1), "openai")}
    assert rows[(today - timedelta(days=1), "openai")]["quota_exceeded"] == 1
    assert rows[(today, "gemini")]["quota_exceeded"] == 0
    assert rows[(today, "gemini")]["total_tokens"] == 600
    assert rows[(today - timedelta(days=1), "openai")]["cost_usd"] == Decimal("2")


def dashboard_selects() -> int:
    with CaptureQueriesContext(connection) as queries:
        usage_dashboard(filters=UsageFilters.last_days(30))
    return sum(1 for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))


def test_the_dashboard_needs_a_fixed_number_of_queries_whatever_the_rows_and_days(known_rows):
    usage_rollup_refresh()
    few = dashboard_selects()
    for days_ago in range(2, 25):
        log(days_ago=days_ago, provider_type="anthropic", model="claude-haiku-4-5", user=UserFactory())
    usage_rollup_refresh()
    assert dashboard_selects() == few <= 15  # per figure: the rolled-up days, the raw days, (their latencies)
