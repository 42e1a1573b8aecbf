"""core.authentication.TokenAuthentication: a key no token can have is a 401 before any lookup."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", ["\x00" * 40, "abc\x00", "a" * 41, "not-hex-at-all", "é"])
def test_a_malformed_token_is_a_401_not_a_500(key):
    # A NUL in the key reached the token lookup: a 500 on PostgreSQL (found probing by hand).
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/jobs/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_real_token_still_authenticates():
    token = Token.objects.create(user=UserFactory())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/jobs/").status_code == 200


def test_the_schema_still_documents_the_token_scheme(client):
    schemes = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["components"]
    assert schemes["securitySchemes"]["tokenAuth"]["type"] == "apiKey"
