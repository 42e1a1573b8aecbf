from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from providers.models import AIProviderConfig
from tests.factories import ProviderConfigFactory, UsageLogFactory, UserFactory
from tests.superadmin import PLAINTEXT_KEY, admin_client_for_fixture, super_admin_fixture, superuser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:providers_aiproviderconfig_changelist")


def change_url(config: AIProviderConfig) -> str:
    return reverse("admin:providers_aiproviderconfig_change", args=[config.pk])


def form_data(config: AIProviderConfig, **changes) -> dict:
    data = {
        "name": config.name,
        "provider_type": config.provider_type,
        "api_key": "",
        "base_url": config.base_url,
        "fast_model": config.fast_model,
        "quality_model": config.quality_model,
        "is_active": "on" if config.is_active else "",
        "priority": config.priority,
        "owner": config.owner_id or "",
        "expires_at_0": "",
        "expires_at_1": "",
    }
    if config.is_default:
        data["is_default"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""} | {"api_key": data["api_key"]}


def test_the_change_list_shows_the_key_masked(admin_client_for, superuser):
    ProviderConfigFactory(api_key=PLAINTEXT_KEY)
    html = admin_client_for(superuser).get(CHANGELIST).content.decode()
    assert "…wxyz" in html
    assert PLAINTEXT_KEY not in html


def test_the_change_form_never_renders_the_stored_key(admin_client_for, superuser):
    config = ProviderConfigFactory(api_key=PLAINTEXT_KEY)
    html = admin_client_for(superuser).get(change_url(config)).content.decode()
    assert PLAINTEXT_KEY not in html
    assert 'type="password"' in html
    assert "…wxyz" in html


def test_saving_with_a_blank_key_keeps_the_stored_key(admin_client_for, superuser):
    config = ProviderConfigFactory(api_key=PLAINTEXT_KEY, provider_type="openai")
    response = admin_client_for(superuser).post(change_url(config), form_data(config, fast_model="gpt-5"))
    assert response.status_code == 302
    config.refresh_from_db()
    assert (config.api_key, config.fast_model) == (PLAINTEXT_KEY, "gpt-5")


def test_a_new_key_replaces_the_stored_one_and_the_history_does_not_show_it(admin_client_for, superuser):
    config = ProviderConfigFactory(api_key=PLAINTEXT_KEY)
    client = admin_client_for(superuser)
    client.post(change_url(config), form_data(config, api_key="sk-rotated-secret-5555"))
    config.refresh_from_db()
    assert config.api_key == "sk-rotated-secret-5555"
    history = client.get(reverse("admin:providers_aiproviderconfig_history", args=[config.pk])).content.decode()
    entries = " ".join(f"{e.object_repr} {e.change_message}" for e in LogEntry.objects.all())
    for text in (history, entries):
        assert "sk-rotated-secret" not in text
        assert PLAINTEXT_KEY not in text


def test_the_mock_provider_is_marked_as_not_an_llm(admin_client_for, superuser):
    ProviderConfigFactory(name="demo", provider_type="mock")
    html = admin_client_for(superuser).get(CHANGELIST).content.decode()
    assert "Mock — not an LLM" in html


def test_the_list_shows_calls_and_error_rate_of_the_last_24_hours(admin_client_for, superuser):
    config = ProviderConfigFactory(name="busy")
    UsageLogFactory.create_batch(3, provider_config=config)
    UsageLogFactory(provider_config=config, status="error")
    UsageLogFactory(provider_config=config, status="error", created_at=timezone.now() - timedelta(days=2))
    response = admin_client_for(superuser).get(CHANGELIST)
    row = next(r for r in response.context["cl"].result_list if r.pk == config.pk)
    assert (row.recent_calls, row.recent_errors) == (4, 1)
    assert "25.0%" in response.content.decode()


def test_the_list_costs_the_same_number_of_queries_for_many_configs(
    admin_client_for, superuser, django_assert_max_num_queries
):
    client = admin_client_for(superuser)
    ProviderConfigFactory(owner=UserFactory())
    client.get(CHANGELIST)
    with django_assert_max_num_queries(8) as few:
        client.get(CHANGELIST)
    for _ in range(15):
        UsageLogFactory(provider_config=ProviderConfigFactory(owner=UserFactory()))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(CHANGELIST)


def test_the_test_action_stores_and_reports_the_result(admin_client_for, superuser):
    config = ProviderConfigFactory(provider_type="mock")
    response = admin_client_for(superuser).post(
        CHANGELIST, {"action": "test_credentials", "_selected_action": [config.pk]}, follow=True
    )
    assert "credentials OK" in response.content.decode()
    config.refresh_from_db()
    assert config.last_test_ok is True


def test_a_failed_test_is_reported_without_the_key(admin_client_for, superuser, vendor_server):
    vendor_server.reply_error(vendor="openai", status=401, message="Incorrect API key provided")
    config = ProviderConfigFactory(
        provider_type="openai", api_key=PLAINTEXT_KEY, base_url=vendor_server.base_url("openai")
    )
    response = admin_client_for(superuser).post(
        CHANGELIST, {"action": "test_credentials", "_selected_action": [config.pk]}, follow=True
    )
    html = response.content.decode()
    assert "test failed (auth)" in html
    assert PLAINTEXT_KEY not in html
    config.refresh_from_db()
    assert config.last_test_ok is False


def test_mark_as_default_moves_the_default(admin_client_for, superuser):
    old = ProviderConfigFactory(is_default=True)
    new = ProviderConfigFactory()
    response = admin_client_for(superuser).post(
        CHANGELIST, {"action": "mark_as_default", "_selected_action": [new.pk]}, follow=True
    )
    assert "is now the default" in response.content.decode()
    assert list(AIProviderConfig.objects.filter(is_default=True)) == [new]
    old.refresh_from_db()
    assert old.is_default is False


def test_mark_as_default_refuses_two_configs_and_users_own_configs(admin_client_for, superuser):
    first, second = ProviderConfigFactory(), ProviderConfigFactory()
    own = ProviderConfigFactory(owner=UserFactory())
    client = admin_client_for(superuser)
    both = client.post(
        CHANGELIST, {"action": "mark_as_default", "_selected_action": [first.pk, second.pk]}, follow=True
    )
    assert "Select exactly one" in both.content.decode()
    refused = client.post(CHANGELIST, {"action": "mark_as_default", "_selected_action": [own.pk]}, follow=True)
    assert "cannot be the global default" in refused.content.decode()
    assert not AIProviderConfig.objects.filter(is_default=True).exists()


def test_ticking_default_in_the_form_clears_the_old_default(admin_client_for, superuser):
    old = ProviderConfigFactory(is_default=True)
    new = ProviderConfigFactory()
    response = admin_client_for(superuser).post(change_url(new), form_data(new, is_default="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(AIProviderConfig.objects.filter(is_default=True)) == [new]
    old.refresh_from_db()
    assert old.is_default is False


def test_the_form_refuses_a_users_own_config_as_global_default(admin_client_for, superuser):
    own = ProviderConfigFactory(owner=UserFactory())
    response = admin_client_for(superuser).post(change_url(own), form_data(own, is_default="on"))
    assert response.status_code == 200
    assert "cannot be the global default" in response.content.decode()


def test_configs_with_usage_can_be_deleted_from_the_list(admin_client_for, superuser):
    config = ProviderConfigFactory()
    UsageLogFactory(provider_config=config)
    admin_client_for(superuser).post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [config.pk], "post": "yes"}
    )
    assert not AIProviderConfig.objects.filter(pk=config.pk).exists()


def test_the_super_admin_group_may_manage_configs_and_other_staff_may_not(admin_client_for, super_admin):
    config = ProviderConfigFactory()
    assert admin_client_for(super_admin).get(change_url(config)).status_code == 200
    staff = UserFactory(is_staff=True)
    assert admin_client_for(staff).get(change_url(config)).status_code == 403
