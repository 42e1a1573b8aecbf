"""plan_for_user: the plan of a user; the plan table kept per process for a second (core.local_cache)."""

import time

import pytest
from django.contrib.auth.models import User

from subscriptions.models import Plan
from subscriptions.selectors import plan_for_user
from tests.factories import PlanFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_without_a_subscription_is_on_the_default_plan(settings):
    settings.DEFAULT_PLAN_CODE = "freemium"

    plan = plan_for_user(user=UserFactory())

    assert (plan.code, plan.daily_token_limit, plan.quality_tasks) == ("freemium", 10_000, frozenset())


def test_a_subscribed_user_is_on_the_plan_of_the_subscription():
    user = UserFactory()
    SubscriptionFactory(user=user, plan=PlanFactory(code="pro_monthly"))

    assert plan_for_user(user=user).quality_tasks == {"cv_draft", "cover_letter", "interview_prep", "revision"}


def test_an_inactive_subscription_means_the_default_plan():
    user = UserFactory()
    SubscriptionFactory(user=user, plan=PlanFactory(code="pro_yearly"), status="past_due")

    assert plan_for_user(user=user).code == "freemium"


def test_a_warm_lookup_of_a_user_loaded_with_the_subscription_makes_no_query(local_caches, django_assert_num_queries):
    SubscriptionFactory(user=UserFactory(username="pro"), plan=PlanFactory(code="pro_monthly"))
    UserFactory(username="free")
    plan_for_user(user=UserFactory())  # warms the plan table

    pro = User.objects.select_related("subscription__plan").get(username="pro")  # as the token auth loads it
    free = User.objects.select_related("subscription__plan").get(username="free")
    with django_assert_num_queries(0):
        assert (plan_for_user(user=pro).code, plan_for_user(user=free).code) == ("pro_monthly", "freemium")


def test_a_plan_changed_in_bulk_applies_once_the_cache_has_expired(local_caches, settings):
    """No signal, no rule to follow: ``.update()`` (which sends no signal) applies within the TTL too."""
    settings.LOCAL_CACHE_SECONDS = 0.05
    user = UserFactory()
    assert plan_for_user(user=user).daily_token_limit == 10_000

    Plan.objects.filter(code="freemium").update(daily_token_limit=123)
    time.sleep(0.1)

    assert plan_for_user(user=user).daily_token_limit == 123


def test_a_new_subscription_applies_at_once():
    user = UserFactory()
    plan_for_user(user=user)

    SubscriptionFactory(user=user, plan=PlanFactory(code="pro_monthly"))

    assert plan_for_user(user=user).code == "pro_monthly"


def test_a_changed_or_deleted_subscription_applies_at_once():
    user = UserFactory()
    subscription = SubscriptionFactory(user=user, plan=PlanFactory(code="pro_monthly"))
    plan_for_user(user=user)

    subscription.plan = PlanFactory(code="pro_yearly")
    subscription.save()
    assert plan_for_user(user=User.objects.get(pk=user.pk)).code == "pro_yearly"  # the next request's user
    subscription.delete()
    assert plan_for_user(user=User.objects.get(pk=user.pk)).code == "freemium"


def test_an_edited_plan_applies_at_once():
    user = UserFactory()
    plan_for_user(user=user)

    freemium = Plan.objects.get(code="freemium")
    freemium.daily_token_limit = 123
    freemium.save()

    assert plan_for_user(user=user).daily_token_limit == 123


def test_a_missing_default_plan_fails_closed_with_no_tokens(settings):
    settings.DEFAULT_PLAN_CODE = "no_such_plan"

    plan = plan_for_user(user=UserFactory())

    assert (plan.daily_token_limit, plan.monthly_token_limit) == (0, 0)
