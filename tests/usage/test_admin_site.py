"""Every model of the service is in the admin, and every admin page renders."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import ProviderConfigFactory, SubscriptionFactory, UsageLogFactory
from tests.superadmin import PLAINTEXT_KEY, admin_client_for_fixture, superuser_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

OWN_APPS = ("providers", "subscriptions", "usage", "orchestrator")


def test_every_model_of_the_service_is_registered():
    for app in OWN_APPS:
        for model in apps.get_app_config(app).get_models():
            assert admin.site.is_registered(model), model


def test_every_list_and_change_page_renders_without_the_key(admin_client_for, superuser):
    config = ProviderConfigFactory(api_key=PLAINTEXT_KEY)
    UsageLogFactory(provider_config=config, user=SubscriptionFactory().user)
    client = admin_client_for(superuser)
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        response = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert response.status_code == 200, info
        assert PLAINTEXT_KEY not in response.content.decode()
        first = model._default_manager.first()
        if first is not None:
            change = client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            assert change.status_code == 200, info
            assert PLAINTEXT_KEY not in change.content.decode()
