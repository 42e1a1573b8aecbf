import pytest
from django.urls import reverse

from subscriptions.models import Plan, Subscription
from subscriptions.selectors import plan_for_user
from tests.factories import PlanFactory, SubscriptionFactory, UserFactory
from tests.superadmin import api_client_for_fixture, superuser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_plans_are_listed_with_limits_quality_tasks_and_rpm(api_client_for, superuser):
    response = api_client_for(superuser).get(reverse("superadmin-plan-list"))
    plans = {p["code"]: p for p in response.json()}
    assert plans["freemium"]["daily_token_limit"] == 10_000
    assert plans["freemium"]["requests_per_minute"] == 20
    assert sorted(plans["pro_monthly"]["quality_tasks"]) == ["cover_letter", "cv_draft", "interview_prep", "revision"]


def test_a_plan_update_changes_limits_and_reaches_the_router(api_client_for, superuser):
    user = UserFactory()
    plan_for_user(user=user)
    response = api_client_for(superuser).patch(
        reverse("superadmin-plan-detail", args=["freemium"]),
        {"daily_token_limit": 50, "quality_tasks": ["extraction", "extraction"], "requests_per_minute": 3},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["quality_tasks"] == ["extraction"]
    info = plan_for_user(user=user)
    assert (info.daily_token_limit, info.requests_per_minute, info.quality_tasks) == (50, 3, {"extraction"})


def test_a_plan_update_refuses_unknown_tasks_and_keeps_the_code(api_client_for, superuser):
    url = reverse("superadmin-plan-detail", args=["freemium"])
    refused = api_client_for(superuser).patch(url, {"quality_tasks": ["poetry"]}, format="json")
    assert refused.status_code == 400
    assert "quality_tasks" in refused.json()["error"]["details"]
    api_client_for(superuser).patch(url, {"code": "renamed"}, format="json")
    assert Plan.objects.filter(code="freemium").exists()


def test_putting_a_user_on_a_plan_creates_or_moves_the_subscription(api_client_for, superuser):
    user = UserFactory()
    url = reverse("superadmin-user-subscription", args=[user.pk])
    client = api_client_for(superuser)
    assert plan_for_user(user=user).code == "freemium"
    created = client.put(url, {"plan": "pro_monthly"}, format="json")
    assert created.status_code == 200
    assert created.json()["plan"] == "pro_monthly"
    assert plan_for_user(user=user).code == "pro_monthly"
    client.put(url, {"plan": "pro_yearly"}, format="json")
    assert Subscription.objects.get(user=user).plan.code == "pro_yearly"
    assert client.get(url).json()["plan"] == "pro_yearly"


def test_a_canceled_subscription_is_reactivated_on_the_new_plan(api_client_for, superuser):
    subscription = SubscriptionFactory(plan=PlanFactory(code="pro_monthly"), status=Subscription.Status.CANCELED)
    url = reverse("superadmin-user-subscription", args=[subscription.user_id])
    api_client_for(superuser).put(url, {"plan": "pro_monthly"}, format="json")
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


def test_an_unknown_plan_or_user_is_refused(api_client_for, superuser):
    user = UserFactory()
    client = api_client_for(superuser)
    bad_plan = client.put(reverse("superadmin-user-subscription", args=[user.pk]), {"plan": "gold"}, format="json")
    assert bad_plan.status_code == 400
    assert bad_plan.json()["error"]["code"] == "invalid_request"
    missing = client.put(reverse("superadmin-user-subscription", args=[999999]), {"plan": "freemium"}, format="json")
    assert missing.status_code == 404


@pytest.mark.parametrize("user_id", [2**63, 10**30])
def test_a_user_id_past_the_integer_range_is_a_404_not_a_500(api_client_for, superuser, user_id):
    # SQLite raised OverflowError on the subscription's user_id lookup (found by the API fuzzer).
    client = api_client_for(superuser)
    url = reverse("superadmin-user-subscription", args=[user_id])
    for response in (client.get(url), client.put(url, {"plan": "freemium"}, format="json")):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("code", ["%00", "free%00mium", "fr%C3%A9e!"])
def test_a_plan_code_that_is_not_a_slug_is_a_json_404(api_client_for, superuser, code):
    # "%00" in the path reached the lookup: a 500 on PostgreSQL, which refuses NUL in text.
    response = api_client_for(superuser).patch(f"/api/v1/super-admin/plans/{code}", {"name": "x"}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("plan", ["free\x00mium", "\x00", "pro monthly"])
def test_putting_a_user_on_a_plan_code_that_cannot_exist_is_a_400(api_client_for, superuser, plan):
    # A NUL in {"plan": …} reached the lookup: a 500 on PostgreSQL.
    url = reverse("superadmin-user-subscription", args=[UserFactory().pk])
    response = api_client_for(superuser).put(url, {"plan": plan}, format="json")
    assert response.status_code == 400
    assert "plan" in response.json()["error"]["details"]
