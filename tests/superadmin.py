"""Fixtures for the super-admin tests (API, admin, dashboard). Import the ones a module uses:

    from tests.superadmin import end_user_fixture, superuser_fixture  # noqa: F401

(The functions are named ``*_fixture`` so that a test's argument does not shadow the import.)
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from core.permissions import SUPER_ADMIN_GROUP
from tests.factories import UserFactory

PLAINTEXT_KEY = "sk-live-PLAINTEXT-secret-key-9876wxyz"


@pytest.fixture(name="superuser")
def superuser_fixture():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture(name="super_admin")
def super_admin_fixture():
    """Not a superuser: a staff member of the ``super_admin`` group."""
    user = UserFactory(username="operator", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=SUPER_ADMIN_GROUP)[0])
    return user


@pytest.fixture(name="end_user")
def end_user_fixture():
    return UserFactory(username="enduser")


@pytest.fixture(name="admin_client_for")
def admin_client_for_fixture():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(name="api_client_for")
def api_client_for_fixture():
    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
