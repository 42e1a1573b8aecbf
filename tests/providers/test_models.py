import pytest
from django.db import IntegrityError, connection

from providers.models import AIProviderConfig

PLAINTEXT_KEY = "sk-test-plaintext-key-1234abcd"


def make_config(**fields) -> AIProviderConfig:
    defaults = {"name": "openai-main", "provider_type": "openai", "api_key": PLAINTEXT_KEY}
    return AIProviderConfig.objects.create(**{**defaults, **fields})


@pytest.mark.django_db
def test_the_key_is_unreadable_at_rest_and_decrypts_when_read_back():
    config = make_config()
    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key FROM providers_aiproviderconfig WHERE id = %s", [config.pk])
        (raw,) = cursor.fetchone()
    raw_bytes = bytes(raw) if not isinstance(raw, str) else raw.encode()
    assert PLAINTEXT_KEY.encode() not in raw_bytes
    assert b"1234abcd" not in raw_bytes
    assert AIProviderConfig.objects.get(pk=config.pk).api_key == PLAINTEXT_KEY


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
