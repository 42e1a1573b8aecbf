"""ModelRouter: plan → tier → model (DESIGN.md §3, step 2)."""

import pytest

from orchestrator.services.configs import Candidate
from orchestrator.services.router import ModelRouter, Tier
from subscriptions.models import Task
from tests.factories import PlanFactory, ProviderConfigFactory, SubscriptionFactory, UserFactory


@pytest.fixture
def router():
    return ModelRouter()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("plan_code", "task", "model"),
    [
        ("freemium", "extraction", "mock-fast"),
        ("freemium", "cv_draft", "mock-fast"),
        ("freemium", "cover_letter", "mock-fast"),
        ("pro_monthly", "extraction", "mock-fast"),
        ("pro_monthly", "cv_draft", "mock-quality"),
        ("pro_monthly", "cover_letter", "mock-quality"),
        ("pro_yearly", "cv_draft", "mock-quality"),
    ],
)
def test_it_routes_each_task_by_the_users_plan(router, plan_code, task, model):
    ProviderConfigFactory()
    user = UserFactory()
    if plan_code != "freemium":
        SubscriptionFactory(user=user, plan=PlanFactory(code=plan_code))

    assert router.get_model_for_user(user, task) == model


@pytest.mark.django_db
def test_a_user_without_a_subscription_gets_the_fast_model(router):
    ProviderConfigFactory()

    assert router.get_model_for_user(UserFactory(), Task.COVER_LETTER) == "mock-fast"


@pytest.mark.django_db
def test_a_canceled_subscription_falls_back_to_the_free_plan(router):
    ProviderConfigFactory()
    user = UserFactory()
    SubscriptionFactory(user=user, plan=PlanFactory(code="pro_monthly"), status="canceled")

    assert router.get_model_for_user(user, "cv_draft") == "mock-fast"


def test_an_unknown_task_is_refused(router):
    with pytest.raises(ValueError, match="not_a_task"):
        router.tier_for(plan=None, task="not_a_task")


def candidate(provider_type="openai", fast="", quality=""):
    return Candidate(provider_type=provider_type, base_url="", fast_model=fast, quality_model=quality, version=(1,))


def test_the_configs_model_wins(router, settings):
    settings.PROVIDER_ENV = {"openai": {"api_key": "", "fast_model": "env-fast", "quality_model": "env-quality"}}

    assert router.model_for(candidate=candidate(quality="config-quality"), tier=Tier.QUALITY) == "config-quality"


def test_a_blank_config_model_falls_back_to_the_environment(router, settings):
    settings.PROVIDER_ENV = {"openai": {"api_key": "", "fast_model": "env-fast", "quality_model": "env-quality"}}

    assert router.model_for(candidate=candidate(fast="config-fast"), tier=Tier.QUALITY) == "env-quality"


def test_without_config_or_environment_the_code_default_is_used(router, settings):
    settings.PROVIDER_ENV = {"openai": {"api_key": "", "fast_model": "", "quality_model": ""}}

    assert router.model_for(candidate=candidate(), tier=Tier.FAST) == "gpt-5-mini"
    assert router.model_for(candidate=candidate("mock"), tier=Tier.QUALITY) == "mock-quality"
