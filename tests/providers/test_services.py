"""provider_for_config (one live instance per config version) and provider_config_test."""

import pytest

from providers.backends.openai import OpenAIProvider
from providers.models import AIProviderConfig
from providers.registry import ProviderFactory
from providers.services import ProviderTestResult, provider_config_test, provider_for_config
from tests.factories import ProviderConfigFactory

pytestmark = pytest.mark.django_db


def openai_config(vendor_server, **fields) -> AIProviderConfig:
    defaults = {"provider_type": "openai", "base_url": vendor_server.base_url("openai"), "fast_model": "gpt-5-mini"}
    return ProviderConfigFactory(**{**defaults, **fields})


def test_the_same_config_version_reuses_one_provider_instance(vendor_server):
    config = openai_config(vendor_server)

    first = provider_for_config(config)
    again = provider_for_config(AIProviderConfig.objects.get(pk=config.pk))

    assert isinstance(first, OpenAIProvider)
    assert again is first


def test_an_edited_config_gets_a_new_instance_with_the_new_key(vendor_server):
    config = openai_config(vendor_server, api_key="sk-old-key-000000000000")
    old = provider_for_config(config)

    config.api_key = "sk-new-key-111111111111"
    config.save()
    new = provider_for_config(config)
    new.validate_credentials()

    assert new is not old
    assert vendor_server.requests[-1].headers["authorization"] == "Bearer sk-new-key-111111111111"
    assert provider_for_config(config) is new


def test_the_instance_of_an_older_version_leaves_memory(vendor_server):
    """The old key must not outlive its config version in the process (ProviderFactory._forget_older_versions)."""
    config = openai_config(vendor_server, api_key="sk-old-key-000000000000")
    old_version = (config.pk, config.updated_at)
    provider_for_config(config)
    config.api_key = "sk-new-key-111111111111"
    config.save()

    provider_for_config(config)

    assert ProviderFactory.cached("openai", old_version) is None
    assert [key for key in ProviderFactory._instances if key[1][0] == config.pk] == [
        ("openai", (config.pk, config.updated_at))
    ]


def test_a_key_changed_in_bulk_gets_a_new_version_and_instance(vendor_server):
    config = openai_config(vendor_server, api_key="sk-old-key-000000000000")
    old = provider_for_config(config)

    AIProviderConfig.objects.filter(pk=config.pk).update(api_key="sk-new-key-111111111111")
    new = provider_for_config(AIProviderConfig.objects.get(pk=config.pk))
    new.validate_credentials()

    assert new is not old
    assert vendor_server.requests[-1].headers["authorization"] == "Bearer sk-new-key-111111111111"


def test_two_configs_have_two_instances(vendor_server):
    assert provider_for_config(openai_config(vendor_server)) is not provider_for_config(openai_config(vendor_server))


def test_the_provider_instance_does_not_show_the_key(vendor_server):
    config = openai_config(vendor_server)

    assert config.api_key not in repr(provider_for_config(config))


def test_a_healthy_config_passes_and_the_outcome_is_stored(vendor_server):
    config = openai_config(vendor_server)
    updated_at = config.updated_at

    result = provider_config_test(config=config)

    assert result == ProviderTestResult(ok=True, latency_ms=result.latency_ms, error_code="", error_message="")
    stored = AIProviderConfig.objects.get(pk=config.pk)
    assert (stored.last_test_ok, stored.last_test_error) == (True, "")
    assert stored.last_tested_at is not None
    assert stored.updated_at == updated_at  # the cached provider instance stays valid
    assert config.last_test_ok is True  # the caller's object shows the outcome too
    assert [r.method for r in vendor_server.requests] == ["GET"]


def test_a_rejected_key_fails_and_the_stored_error_never_contains_the_key(vendor_server):
    config = openai_config(vendor_server, api_key="sk-live-abcdefghijklmnop1234")
    vendor_server.reply_error(
        vendor="openai", status=401, message="Incorrect API key provided: sk-live-abcdefghijklmnop1234"
    )

    result = provider_config_test(config=config)

    assert (result.ok, result.error_code) == (False, "auth")
    stored = AIProviderConfig.objects.get(pk=config.pk)
    assert stored.last_test_ok is False
    assert stored.last_test_error.startswith("auth: HTTP 401: Incorrect API key provided")
    for text in (stored.last_test_error, result.error_message):
        assert "sk-live-abcdefghijklmnop1234" not in text
        assert "mnop1234" not in text


def test_with_generate_it_also_makes_one_tiny_generation_with_the_fast_model(vendor_server):
    config = openai_config(vendor_server, fast_model="gpt-5-nano")

    result = provider_config_test(config=config, generate=True)

    assert result.ok is True
    models_list, generation = vendor_server.requests
    assert models_list.method == "GET"
    assert generation.json["model"] == "gpt-5-nano"
    assert generation.json["max_completion_tokens"] <= 16


def test_a_failing_generation_fails_the_test(vendor_server):
    config = openai_config(vendor_server)
    vendor_server.reply(200, json_body={"object": "list", "data": []})  # models list: fine
    vendor_server.reply_error(vendor="openai", status=503, message="overloaded")

    result = provider_config_test(config=config, generate=True)

    assert (result.ok, result.error_code) == (False, "unavailable")
    assert AIProviderConfig.objects.get(pk=config.pk).last_test_error.startswith("unavailable:")


def test_a_mock_config_passes_offline():
    config = ProviderConfigFactory(provider_type="mock")

    assert provider_config_test(config=config, generate=True).ok is True
