import pickle

import pytest
from django.conf import settings
from django.core.signing import BadSignature
from django.db import IntegrityError, connection
from django.test import override_settings
from django_cryptography.utils.crypto import FernetBytes

from providers.crypto import provider_key_cipher
from providers.models import AIProviderConfig

PLAINTEXT_KEY = "sk-test-plaintext-key-1234abcd"


def make_config(**fields) -> AIProviderConfig:
    defaults = {"name": "openai-main", "provider_type": "openai", "api_key": PLAINTEXT_KEY}
    return AIProviderConfig.objects.create(**{**defaults, **fields})


def raw_column(pk: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key FROM providers_aiproviderconfig WHERE id = %s", [pk])
        (raw,) = cursor.fetchone()
    return bytes(raw) if not isinstance(raw, str) else raw.encode()


@pytest.mark.django_db
def test_the_key_is_unreadable_at_rest_and_decrypts_when_read_back():
    config = make_config()
    raw_bytes = raw_column(config.pk)
    assert PLAINTEXT_KEY.encode() not in raw_bytes
    assert b"1234abcd" not in raw_bytes
    assert AIProviderConfig.objects.get(pk=config.pk).api_key == PLAINTEXT_KEY


@pytest.mark.django_db
def test_the_stored_key_still_reads_back_after_secret_key_changes():
    config = make_config()
    raw = raw_column(config.pk)

    with override_settings(SECRET_KEY="a-rotated-secret-key"):
        cipher_built_now = provider_key_cipher(settings.CRYPTOGRAPHY_KEY)
        read_through_the_model = AIProviderConfig.objects.get(pk=config.pk).api_key

    assert pickle.loads(cipher_built_now.decrypt(raw)) == PLAINTEXT_KEY
    assert read_through_the_model == PLAINTEXT_KEY


@pytest.mark.django_db
def test_the_stored_key_is_not_signed_with_secret_key():
    """django-cryptography's own cipher (AES under CRYPTOGRAPHY_KEY, HMAC under SECRET_KEY) cannot read it."""
    config = make_config()

    with pytest.raises(BadSignature):
        FernetBytes(settings.CRYPTOGRAPHY_KEY).decrypt(raw_column(config.pk))


@pytest.mark.django_db
def test_the_key_is_masked_in_str_and_repr():
    config = make_config()
    for text in (str(config), repr(config)):
        assert PLAINTEXT_KEY not in text
        assert "…abcd" in text


def test_a_short_or_missing_key_shows_nothing_of_itself():
    assert AIProviderConfig(api_key="abcd").masked_key == "…"
    assert AIProviderConfig(api_key="").masked_key == "(no key)"


@pytest.mark.django_db
def test_the_database_refuses_two_global_defaults():
    make_config(name="first", is_default=True)
    with pytest.raises(IntegrityError):
        make_config(name="second", is_default=True)


@pytest.mark.django_db
def test_a_users_own_default_does_not_count_against_the_global_one(django_user_model):
    owner = django_user_model.objects.create_user("byok")
    make_config(name="global", is_default=True)
    make_config(name="own", is_default=True, owner=owner)
    assert AIProviderConfig.objects.filter(is_default=True).count() == 2
