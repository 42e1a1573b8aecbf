from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from orchestrator.models import Profile
from providers.models import AIProviderConfig
from subscriptions.models import Subscription


def seed(**kwargs) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


@pytest.mark.django_db
def test_it_creates_the_demo_users_plans_and_an_offline_provider(settings):
    settings.PROVIDER_ENV = {k: {**v, "api_key": ""} for k, v in settings.PROVIDER_ENV.items()}
    output = seed()
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    assert Subscription.objects.get(user__username="alice").plan.code == "freemium"
    assert Subscription.objects.get(user__username="bob").plan.code == "pro_monthly"
    mock = AIProviderConfig.objects.get(provider_type="mock")
    assert mock.is_active
    assert "not an LLM" in mock.name
    assert output.count("password:") == 3


@pytest.mark.django_db
def test_it_is_idempotent_and_prints_passwords_only_once(settings):
    settings.PROVIDER_ENV = {k: {**v, "api_key": ""} for k, v in settings.PROVIDER_ENV.items()}
    seed(password="first-password-1")
    second = seed()
    User = get_user_model()
    assert User.objects.filter(username__in=["admin", "alice", "bob"]).count() == 3
    assert AIProviderConfig.objects.count() == 1
    assert Subscription.objects.count() == 2
    assert "password:" not in second
    assert User.objects.get(username="alice").check_password("first-password-1")


@pytest.mark.django_db
def test_it_creates_no_mock_provider_when_a_vendor_key_is_set(settings):
    settings.PROVIDER_ENV = {**settings.PROVIDER_ENV, "openai": {**settings.PROVIDER_ENV["openai"], "api_key": "k"}}
    seed()
    assert not AIProviderConfig.objects.exists()


@pytest.mark.django_db
def test_it_saves_alices_profile_once_and_keeps_her_edits(settings):
    settings.PROVIDER_ENV = {k: {**v, "api_key": ""} for k, v in settings.PROVIDER_ENV.items()}
    seed()
    profile = Profile.objects.get(owner__username="alice")
    assert profile.data["basics"]["name"] == "Alice Weber"
    assert [job["name"] for job in profile.data["work"]][:2] == ["Zahlungsdienst München GmbH", "Giao Hàng Nhanh"]
    profile.data["basics"]["name"] = "Alice W."
    profile.save()
    seed()
    assert Profile.objects.get(owner__username="alice").data["basics"]["name"] == "Alice W."
    assert not Profile.objects.filter(owner__username="bob").exists()
