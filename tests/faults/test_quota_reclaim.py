"""Reservations left pending by a dead process are given back (subscriptions.services.quota_reclaim).

The SIGKILL of a real server mid-call is in test_server_killed.py; these are the ledger's rules."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from subscriptions.errors import QuotaExceeded
from subscriptions.models import QuotaCounter, QuotaReservation
from subscriptions.selectors import PlanInfo
from subscriptions.services import quota_reclaim, quota_reserve, quota_settle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LATER = timezone.now() + timedelta(hours=1)


def plan(daily=1000, monthly=5000):
    return PlanInfo("test", "Test", daily, monthly, frozenset(), 20)


def counters(user):
    return {c.period: (c.used, c.reserved) for c in QuotaCounter.objects.filter(user=user)}


def test_a_reservation_is_in_the_ledger_until_it_is_settled():
    user = UserFactory()
    reservation = quota_reserve(user=user, plan=plan(), tokens=300)

    assert QuotaReservation.objects.filter(pk=reservation.ledger_id, user=user, tokens=300).exists()
    assert quota_settle(reservation=reservation, actual_tokens=120) is True
    assert not QuotaReservation.objects.exists()
    assert counters(user) == {"day": (120, 0), "month": (120, 0)}


def test_a_refused_reservation_leaves_no_ledger_row():
    user = UserFactory()
    quota_reserve(user=user, plan=plan(daily=100), tokens=100)
    with pytest.raises(QuotaExceeded):
        quota_reserve(user=user, plan=plan(daily=100), tokens=1)

    assert QuotaReservation.objects.count() == 1


def test_an_abandoned_reservation_is_released_once_it_is_older_than_the_timeout():
    user, other = UserFactory(), UserFactory()
    quota_reserve(user=user, plan=plan(), tokens=400)
    quota_reserve(user=other, plan=plan(), tokens=50)

    assert quota_reclaim(older_than=timedelta(minutes=5)).reservations == 0  # too young: maybe still running
    reclaimed = quota_reclaim(older_than=timedelta(minutes=5), now=LATER)

    assert (reclaimed.reservations, reclaimed.tokens) == (2, 450)
    assert counters(user) == {"day": (0, 0), "month": (0, 0)}
    assert counters(other) == {"day": (0, 0), "month": (0, 0)}
    assert not QuotaReservation.objects.exists()


def test_a_call_that_settles_after_the_reclaim_counts_its_usage_and_releases_nothing_twice():
    user = UserFactory()
    reservation = quota_reserve(user=user, plan=plan(), tokens=400)
    quota_reclaim(older_than=timedelta(0), now=LATER)

    assert quota_settle(reservation=reservation, actual_tokens=90) is False
    assert counters(user) == {"day": (90, 0), "month": (90, 0)}


def test_a_second_reclaim_releases_nothing():
    user = UserFactory()
    quota_reserve(user=user, plan=plan(), tokens=400)
    quota_reclaim(older_than=timedelta(0), now=LATER)

    assert quota_reclaim(older_than=timedelta(0), now=LATER).reservations == 0
    assert counters(user) == {"day": (0, 0), "month": (0, 0)}


def test_the_command_prints_what_it_released():
    user = UserFactory()
    quota_reserve(user=user, plan=plan(), tokens=400)
    out = StringIO()

    call_command("quota_reclaim", "--older-than", "0", stdout=out)

    assert out.getvalue().strip() == "1 reservation older than 0 s released (400 tokens)."
    assert counters(user) == {"day": (0, 0), "month": (0, 0)}


def test_the_command_keeps_young_reservations_by_default():
    user = UserFactory()
    quota_reserve(user=user, plan=plan(), tokens=400)

    call_command("quota_reclaim", stdout=StringIO())

    assert counters(user) == {"day": (0, 400), "month": (0, 400)}
