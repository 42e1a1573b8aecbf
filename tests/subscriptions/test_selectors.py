"""plan_for_user: the plan of a user, cached and invalidated on edits."""

import pytest

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


def test_a_warm_lookup_makes_no_query(django_assert_num_queries):
    user = UserFactory()
    plan_for_user(user=user)

    with django_assert_num_queries(0):
        plan_for_user(user=user)


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
    assert plan_for_user(user=user).code == "pro_yearly"
    subscription.delete()
    assert plan_for_user(user=user).code == "freemium"


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
