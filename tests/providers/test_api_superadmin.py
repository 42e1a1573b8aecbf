import json

import pytest
from django.urls import reverse

from providers.models import AIProviderConfig
from tests.factories import PlanFactory, ProviderConfigFactory, UsageLogFactory, UserFactory
from tests.superadmin import (  # noqa: F401
    PLAINTEXT_KEY,
    api_client_for_fixture,
    end_user_fixture,
    super_admin_fixture,
    superuser_fixture,
)

pytestmark = pytest.mark.django_db


def routes(config_id: int, user_id: int) -> list[tuple[str, str, dict | None]]:
    """Every super-admin route: (method, url, body)."""
    configs = reverse("superadmin-provider-config-list")
    one = reverse("superadmin-provider-config-detail", args=[config_id])
    return [
        ("get", configs, None),
        ("post", configs, {"name": "new", "provider_type": "mock"}),
        ("get", one, None),
        ("put", one, {"name": "renamed", "provider_type": "mock"}),
        ("patch", one, {"priority": 5}),
        ("post", reverse("superadmin-provider-config-test", args=[config_id]), None),
        ("post", reverse("superadmin-provider-config-make-default", args=[config_id]), None),
        ("delete", one, None),
        ("get", reverse("superadmin-usage-log-list"), None),
        ("get", reverse("superadmin-usage-stats"), None),
        ("get", reverse("superadmin-plan-list"), None),
        ("get", reverse("superadmin-plan-detail", args=["freemium"]), None),
        ("patch", reverse("superadmin-plan-detail", args=["freemium"]), {"requests_per_minute": 30}),
        ("put", reverse("superadmin-user-subscription", args=[user_id]), {"plan": "pro_monthly"}),
    ]


def call(client, method: str, url: str, body: dict | None):
    return getattr(client, method)(url, data=body, format="json")


@pytest.fixture
def targets():
    return ProviderConfigFactory(api_key=PLAINTEXT_KEY), UserFactory(username="customer")


def test_anonymous_callers_get_401_on_every_route(api_client_for, targets):
    config, user = targets
    for method, url, body in routes(config.pk, user.pk):
        response = call(api_client_for(), method, url, body)
        assert response.status_code == 401, (method, url)
        assert response.json()["error"]["code"] == "not_authenticated"


def test_end_users_get_403_on_every_route(api_client_for, end_user, targets):
    config, user = targets
    for method, url, body in routes(config.pk, user.pk):
        response = call(api_client_for(end_user), method, url, body)
        assert response.status_code == 403, (method, url)
        assert response.json()["error"]["code"] == "permission_denied"
    assert AIProviderConfig.objects.filter(pk=config.pk, name=config.name).exists()


@pytest.mark.parametrize("who", ["superuser", "super_admin"])
def test_superusers_and_the_super_admin_group_may_use_every_route(request, who, api_client_for, targets):
    config, user = targets
    client = api_client_for(request.getfixturevalue(who))
    for method, url, body in routes(config.pk, user.pk):
        response = call(client, method, url, body)
        assert response.status_code in (200, 201, 204), (method, url, response.content)
        assert PLAINTEXT_KEY not in response.content.decode()


def test_the_list_shows_keys_masked_and_marks_the_mock_as_not_an_llm(api_client_for, superuser):
    ProviderConfigFactory(name="mock", provider_type="mock", api_key=PLAINTEXT_KEY)
    ProviderConfigFactory(name="openai", provider_type="openai", api_key="sk-other-key-0000abcd")
    response = api_client_for(superuser).get(reverse("superadmin-provider-config-list"))
    body = response.content.decode()
    assert PLAINTEXT_KEY not in body
    assert "sk-other-key" not in body
    rows = {row["name"]: row for row in response.json()["results"]}
    assert rows["mock"]["masked_key"] == "…wxyz"
    assert "api_key" not in rows["mock"]
    assert rows["mock"]["is_llm"] is False
    assert "not an LLM" in rows["mock"]["provider_label"]
    assert rows["openai"]["is_llm"] is True


def test_a_created_config_stores_the_key_encrypted_and_answers_with_it_masked(api_client_for, superuser):
    response = api_client_for(superuser).post(
        reverse("superadmin-provider-config-list"),
        {"name": "openai-main", "provider_type": "openai", "api_key": PLAINTEXT_KEY, "fast_model": "gpt-5-mini"},
        format="json",
    )
    assert response.status_code == 201
    assert PLAINTEXT_KEY not in response.content.decode()
    assert response.json()["masked_key"] == "…wxyz"
    assert AIProviderConfig.objects.get(name="openai-main").api_key == PLAINTEXT_KEY


def test_an_update_without_a_key_keeps_the_stored_key(api_client_for, superuser):
    config = ProviderConfigFactory(api_key=PLAINTEXT_KEY)
    url = reverse("superadmin-provider-config-detail", args=[config.pk])
    client = api_client_for(superuser)
    assert client.patch(url, {"fast_model": "mock-2", "api_key": ""}, format="json").status_code == 200
    assert client.put(url, {"name": config.name, "provider_type": "mock"}, format="json").status_code == 200
    config.refresh_from_db()
    assert config.api_key == PLAINTEXT_KEY
    client.patch(url, {"api_key": "sk-rotated-key-1111"}, format="json")
    config.refresh_from_db()
    assert config.api_key == "sk-rotated-key-1111"


def test_the_default_flag_cannot_be_written_directly(api_client_for, superuser):
    config = ProviderConfigFactory()
    url = reverse("superadmin-provider-config-detail", args=[config.pk])
    api_client_for(superuser).patch(url, {"is_default": True}, format="json")
    config.refresh_from_db()
    assert config.is_default is False


def test_make_default_moves_the_global_default(api_client_for, superuser):
    old = ProviderConfigFactory(name="old", is_default=True)
    new = ProviderConfigFactory(name="new")
    response = api_client_for(superuser).post(reverse("superadmin-provider-config-make-default", args=[new.pk]))
    assert response.status_code == 200
    assert response.json()["is_default"] is True
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_default, new.is_default) == (False, True)


def test_a_users_own_config_cannot_become_the_global_default(api_client_for, superuser):
    own = ProviderConfigFactory(owner=UserFactory())
    response = api_client_for(superuser).post(reverse("superadmin-provider-config-make-default", args=[own.pk]))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    own.refresh_from_db()
    assert own.is_default is False


def test_the_test_route_validates_now_and_stores_the_result(api_client_for, superuser):
    config = ProviderConfigFactory(provider_type="mock", api_key=PLAINTEXT_KEY)
    response = api_client_for(superuser).post(reverse("superadmin-provider-config-test", args=[config.pk]))
    assert response.status_code == 200
    assert response.json()["ok"] is True
    config.refresh_from_db()
    assert config.last_test_ok is True
    assert config.last_tested_at is not None


def test_a_failing_test_is_reported_and_stored_without_the_key(api_client_for, superuser, vendor_server):
    vendor_server.reply_error(vendor="openai", status=401, message="Incorrect API key provided")
    config = ProviderConfigFactory(
        provider_type="openai", api_key=PLAINTEXT_KEY, base_url=vendor_server.base_url("openai")
    )
    response = api_client_for(superuser).post(reverse("superadmin-provider-config-test", args=[config.pk]))
    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert response.json()["error_code"] == "auth"
    assert PLAINTEXT_KEY not in response.content.decode()
    config.refresh_from_db()
    assert config.last_test_ok is False
    assert "auth" in config.last_test_error
    detail = api_client_for(superuser).get(reverse("superadmin-provider-config-detail", args=[config.pk]))
    assert PLAINTEXT_KEY not in detail.content.decode()


def test_an_unknown_config_is_a_json_404(api_client_for, superuser):
    response = api_client_for(superuser).get(reverse("superadmin-provider-config-detail", args=[999999]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_usage_logs_carry_no_key_even_when_a_config_is_attached(api_client_for, superuser):
    config = ProviderConfigFactory(api_key=PLAINTEXT_KEY)
    UsageLogFactory(provider_config=config)
    PlanFactory(code="freemium")
    response = api_client_for(superuser).get(reverse("superadmin-usage-log-list"))
    assert response.json()["results"][0]["provider_config"] == config.pk
    assert PLAINTEXT_KEY not in json.dumps(response.json())


def test_the_browsable_api_never_renders_the_key(superuser, client):
    config = ProviderConfigFactory(api_key=PLAINTEXT_KEY)
    client.force_login(superuser)
    detail = reverse("superadmin-provider-config-detail", args=[config.pk])
    for url in (reverse("superadmin-provider-config-list"), detail):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert "…wxyz" in response.content.decode()
        assert PLAINTEXT_KEY not in response.content.decode()
