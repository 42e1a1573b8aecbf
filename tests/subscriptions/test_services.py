"""Quota reserve / settle / status (docs/architecture.md, "Quotas"). Periods are UTC."""

from datetime import UTC, date, datetime

import pytest

from subscriptions.errors import QuotaExceeded
from subscriptions.models import QuotaCounter
from subscriptions.selectors import PlanInfo
from subscriptions.services import quota_reserve, quota_settle, quota_status
from tests.factories import UserFactory

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)  # 6 h before the day resets, 4 days + 6 h before the month


def plan(daily=None, monthly=None):
    return PlanInfo("test", "Test", daily, monthly, frozenset(), 20)


@pytest.fixture
def user(db):
    return UserFactory()


def counter(user, period):
    return QuotaCounter.objects.get(user=user, period=period)


def test_a_reservation_holds_tokens_on_the_day_and_the_month(user):
    quota_reserve(user=user, plan=plan(1000, 5000), tokens=300, now=NOW)

    day, month = counter(user, "day"), counter(user, "month")
    assert (day.period_start, day.reserved, day.used) == (date(2026, 11, 26), 300, 0)
    assert (month.period_start, month.reserved, month.used) == (date(2026, 11, 1), 300, 0)


def test_settling_releases_the_reservation_and_counts_the_actual_tokens(user):
    reservation = quota_reserve(user=user, plan=plan(1000, 5000), tokens=300, now=NOW)

    quota_settle(reservation=reservation, actual_tokens=120)

    for period in ("day", "month"):
        assert (counter(user, period).reserved, counter(user, period).used) == (0, 120)


def test_a_reservation_that_fits_exactly_is_accepted(user):
    quota_reserve(user=user, plan=plan(1000, 1000), tokens=400, now=NOW)

    quota_reserve(user=user, plan=plan(1000, 1000), tokens=600, now=NOW)

    assert counter(user, "day").reserved == 1000


def test_the_daily_limit_refuses_on_its_own(user):
    quota_reserve(user=user, plan=plan(1000, None), tokens=900, now=NOW)

    with pytest.raises(QuotaExceeded) as refused:
        quota_reserve(user=user, plan=plan(1000, None), tokens=101, now=NOW)

    error = refused.value
    assert (error.retry_after, error.http_status, error.code) == (6 * 3600, 429, "quota_exceeded")
    assert error.details | {"resets_at": None} == {
        "limit": "daily",
        "plan": "test",
        "limit_tokens": 1000,
        "used_tokens": 0,
        "reserved_tokens": 900,
        "requested_tokens": 101,
        "resets_at": None,
    }
    assert error.details["resets_at"] == "2026-11-27T00:00:00+00:00"
    assert counter(user, "month").reserved == 900  # the refused call left nothing behind


def test_the_monthly_limit_refuses_on_its_own_and_releases_the_days_reservation(user):
    quota_reserve(user=user, plan=plan(None, 1000), tokens=900, now=NOW)

    with pytest.raises(QuotaExceeded) as refused:
        quota_reserve(user=user, plan=plan(10_000, 1000), tokens=200, now=NOW)

    assert refused.value.details["limit"] == "monthly"
    assert refused.value.retry_after == (4 * 24 + 6) * 3600
    assert counter(user, "day").reserved == 900


def test_used_tokens_count_against_the_limit(user):
    reservation = quota_reserve(user=user, plan=plan(1000, None), tokens=1000, now=NOW)
    quota_settle(reservation=reservation, actual_tokens=950)

    quota_reserve(user=user, plan=plan(1000, None), tokens=50, now=NOW)
    with pytest.raises(QuotaExceeded):
        quota_reserve(user=user, plan=plan(1000, None), tokens=1, now=NOW)


def test_a_request_larger_than_the_limit_is_refused_on_a_fresh_counter(user):
    with pytest.raises(QuotaExceeded):
        quota_reserve(user=user, plan=plan(100, None), tokens=101, now=NOW)

    assert counter(user, "day").reserved == 0


def test_null_limits_are_unlimited_and_usage_is_still_counted(user):
    reservation = quota_reserve(user=user, plan=plan(None, None), tokens=10**12, now=NOW)
    quota_settle(reservation=reservation, actual_tokens=77)

    assert counter(user, "month").used == 77


def test_a_new_day_starts_a_new_counter(user):
    quota_reserve(user=user, plan=plan(1000, None), tokens=1000, now=NOW)

    quota_reserve(user=user, plan=plan(1000, None), tokens=1000, now=datetime(2026, 11, 27, 0, 0, 1, tzinfo=UTC))

    assert QuotaCounter.objects.filter(user=user, period="day").count() == 2


def test_settling_after_midnight_settles_the_day_it_was_reserved_on(user):
    reservation = quota_reserve(
        user=user, plan=plan(1000, None), tokens=500, now=datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
    )

    quota_settle(reservation=reservation, actual_tokens=10)

    day = counter(user, "day")
    assert (day.period_start, day.reserved, day.used) == (date(2026, 11, 30), 0, 10)


def test_the_month_of_december_resets_on_the_first_of_january(user):
    quota_reserve(user=user, plan=plan(None, 10), tokens=10, now=datetime(2026, 12, 31, 12, tzinfo=UTC))

    with pytest.raises(QuotaExceeded) as refused:
        quota_reserve(user=user, plan=plan(None, 10), tokens=1, now=datetime(2026, 12, 31, 12, tzinfo=UTC))

    assert refused.value.details["resets_at"] == "2027-01-01T00:00:00+00:00"
    assert refused.value.retry_after == 12 * 3600


def test_quotas_of_users_are_independent(user):
    quota_reserve(user=user, plan=plan(100, None), tokens=100, now=NOW)
    other = UserFactory()

    quota_reserve(user=other, plan=plan(100, None), tokens=100, now=NOW)  # not refused: the first user's day

    assert (counter(user, "day").reserved, counter(other, "day").reserved) == (100, 100)
    with pytest.raises(QuotaExceeded):
        quota_reserve(user=other, plan=plan(100, None), tokens=1, now=NOW)


def test_the_status_shows_limits_usage_remaining_and_reset_times(user):
    reservation = quota_reserve(user=user, plan=plan(1000, None), tokens=300, now=NOW)
    quota_settle(reservation=reservation, actual_tokens=100)
    quota_reserve(user=user, plan=plan(1000, None), tokens=50, now=NOW)

    status = quota_status(user=user, plan=plan(1000, None), now=NOW)

    assert (status.daily.limit, status.daily.used, status.daily.reserved, status.daily.remaining) == (
        1000,
        100,
        50,
        850,
    )
    assert status.daily.resets_at == datetime(2026, 11, 27, tzinfo=UTC)
    assert (status.monthly.limit, status.monthly.remaining, status.monthly.used) == (None, None, 100)
    assert status.monthly.resets_at == datetime(2026, 12, 1, tzinfo=UTC)


def test_the_status_of_a_user_without_counters_is_the_full_quota(user):
    status = quota_status(user=user, now=NOW)

    assert (status.plan.code, status.daily.used, status.daily.remaining) == ("freemium", 0, 10_000)
