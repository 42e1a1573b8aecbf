import pytest
from django.urls import reverse
from django.utils import timezone

from subscriptions.models import Plan, QuotaCounter, Subscription
from subscriptions.selectors import plan_for_user
from tests.factories import PlanFactory, SubscriptionFactory, UserFactory
from tests.superadmin import admin_client_for_fixture, super_admin_fixture, superuser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_plans_limits_quality_tasks_and_rpm_are_editable(admin_client_for, superuser):
    plan = Plan.objects.get(code="freemium")
    url = reverse("admin:subscriptions_plan_change", args=[plan.pk])
    form = admin_client_for(superuser).get(url).content.decode()
    assert 'type="checkbox" name="quality_tasks" value="cv_draft"' in form
    response = admin_client_for(superuser).post(
        url,
        {
            "code": "freemium",
            "name": "Free",
            "daily_token_limit": 5000,
            "monthly_token_limit": "",
            "quality_tasks": ["cv_draft", "cover_letter"],
            "requests_per_minute": 7,
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.daily_token_limit, plan.monthly_token_limit, plan.requests_per_minute) == (5000, None, 7)
    assert sorted(plan.quality_tasks) == ["cover_letter", "cv_draft"]


def test_an_admin_edit_of_a_plan_reaches_the_router_at_once(admin_client_for, superuser):
    user = UserFactory()
    assert plan_for_user(user=user).daily_token_limit == 10_000  # warm the cache
    plan = Plan.objects.get(code="freemium")
    admin_client_for(superuser).post(
        reverse("admin:subscriptions_plan_change", args=[plan.pk]),
        {"code": "freemium", "name": plan.name, "daily_token_limit": 123, "monthly_token_limit": 456,
         "requests_per_minute": 20},
    )
    assert plan_for_user(user=user).daily_token_limit == 123


def test_the_plan_list_shows_subscribers(admin_client_for, superuser):
    SubscriptionFactory.create_batch(2, plan=PlanFactory(code="pro_monthly"))
    response = admin_client_for(superuser).get(reverse("admin:subscriptions_plan_changelist"))
    row = next(p for p in response.context["cl"].result_list if p.code == "pro_monthly")
    assert row.subscriber_count == 2


def test_a_subscription_can_be_moved_to_another_plan(admin_client_for, superuser):
    subscription = SubscriptionFactory(plan=PlanFactory(code="freemium"))
    pro = PlanFactory(code="pro_yearly")
    response = admin_client_for(superuser).post(
        reverse("admin:subscriptions_subscription_change", args=[subscription.pk]),
        {"user": subscription.user_id, "plan": pro.pk, "status": "active"},
    )
    assert response.status_code == 302
    assert plan_for_user(user=type(subscription.user).objects.get(pk=subscription.user_id)).code == "pro_yearly"


def test_users_show_their_plan_and_tokens_used_today(admin_client_for, superuser):
    pro_user = SubscriptionFactory(plan=PlanFactory(code="pro_monthly"), user=UserFactory(username="paying")).user
    free_user = UserFactory(username="free")
    canceled = SubscriptionFactory(plan=PlanFactory(code="pro_yearly"), status=Subscription.Status.CANCELED).user
    QuotaCounter.objects.create(user=pro_user, period="day", period_start=timezone.now().date(), used=1234)
    response = admin_client_for(superuser).get(reverse("admin:auth_user_changelist"))
    rows = {u.pk: u for u in response.context["cl"].result_list}
    assert rows[pro_user.pk].plan_code == "pro_monthly"
    assert rows[free_user.pk].plan_code == "freemium"
    assert rows[canceled.pk].plan_code == "freemium"
    html = response.content.decode()
    assert "1,234 / 1,000,000" in html
    assert "0 / 10,000" in html


def test_the_user_list_needs_no_query_per_user(admin_client_for, superuser, django_assert_max_num_queries):
    client = admin_client_for(superuser)
    client.get(reverse("admin:auth_user_changelist"))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("admin:auth_user_changelist"))
    for _ in range(10):
        SubscriptionFactory(plan=PlanFactory(code="pro_monthly"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("admin:auth_user_changelist"))


def test_quota_counters_are_read_only(admin_client_for, superuser):
    counter = QuotaCounter.objects.create(user=UserFactory(), period="day", period_start=timezone.now().date())
    client = admin_client_for(superuser)
    assert client.get(reverse("admin:subscriptions_quotacounter_changelist")).status_code == 200
    assert client.get(reverse("admin:subscriptions_quotacounter_add")).status_code == 403
    change = client.get(reverse("admin:subscriptions_quotacounter_change", args=[counter.pk]))
    assert b'name="_save"' not in change.content
