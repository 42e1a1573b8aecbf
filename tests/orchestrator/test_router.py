"""The model router: plan → tier → model (docs/architecture.md, "An AI call", step 2)."""

import pytest

from orchestrator.services.configs import Candidate, provider_candidates
from orchestrator.services.router import Tier, model_for, tier_for
from subscriptions.models import Task
from subscriptions.selectors import plan_for_user
from tests.factories import PlanFactory, ProviderConfigFactory, SubscriptionFactory, UserFactory


def first_model(user, task):
    """The model the user's call for ``task`` goes to first, as ``AIOrchestrator.generate`` routes it."""
    tier = tier_for(plan=plan_for_user(user=user), task=task)
    return model_for(candidate=provider_candidates(user=user)[0], tier=tier)


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
def test_it_routes_each_task_by_the_users_plan(plan_code, task, model):
    ProviderConfigFactory()
    user = UserFactory()
    if plan_code != "freemium":
        SubscriptionFactory(user=user, plan=PlanFactory(code=plan_code))

    assert first_model(user, task) == model


@pytest.mark.django_db
def test_a_user_without_a_subscription_gets_the_fast_model():
    ProviderConfigFactory()

    assert first_model(UserFactory(), Task.COVER_LETTER) == "mock-fast"


@pytest.mark.django_db
def test_a_canceled_subscription_falls_back_to_the_free_plan():
    ProviderConfigFactory()
    user = UserFactory()
    SubscriptionFactory(user=user, plan=PlanFactory(code="pro_monthly"), status="canceled")

    assert first_model(user, "cv_draft") == "mock-fast"


def test_an_unknown_task_is_refused():
    with pytest.raises(ValueError, match="not_a_task"):
        tier_for(plan=None, task="not_a_task")


def candidate(provider_type="openai", fast="", quality=""):
    return Candidate(provider_type=provider_type, base_url="", fast_model=fast, quality_model=quality, version=(1,))


def test_the_configs_model_wins(settings):
    settings.PROVIDER_ENV = {"openai": {"api_key": "", "fast_model": "env-fast", "quality_model": "env-quality"}}

    assert model_for(candidate=candidate(quality="config-quality"), tier=Tier.QUALITY) == "config-quality"


def test_a_blank_config_model_falls_back_to_the_environment(settings):
    settings.PROVIDER_ENV = {"openai": {"api_key": "", "fast_model": "env-fast", "quality_model": "env-quality"}}

    assert model_for(candidate=candidate(fast="config-fast"), tier=Tier.QUALITY) == "env-quality"


def test_without_config_or_environment_the_code_default_is_used(settings):
    settings.PROVIDER_ENV = {"openai": {"api_key": "", "fast_model": "", "quality_model": ""}}

    assert model_for(candidate=candidate(), tier=Tier.FAST) == "gpt-5-mini"
    assert model_for(candidate=candidate("mock"), tier=Tier.QUALITY) == "mock-quality"
