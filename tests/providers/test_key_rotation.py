"""provider_keys_rotate and ``manage.py rotate_encryption_key``: stored keys move from an old CRYPTOGRAPHY_KEY
(and, optionally, an old SECRET_KEY) to the current ones, in one transaction, idempotently, never shown.

"Under key A" rows are made the way an older deployment left them: the model writes the value under the
current settings, and the test re-encrypts those raw bytes under A with raw SQL, bypassing the service.
"""

import os
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from providers.key_rotation import KeyRotationFailed, current_cipher, key_cipher, provider_keys_rotate
from providers.models import AIProviderConfig
from tests.factories import ProviderConfigFactory

pytestmark = pytest.mark.django_db
OLD_KEY = "the-old-cryptography-key-A"
WRONG_KEY = "not-the-old-key-C"
PLAINTEXTS = ("sk-proj-first-plaintext-1111", "sk-ant-second-plaintext-2222")


def raw_column(pk: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key FROM providers_aiproviderconfig WHERE id = %s", [pk])
        (value,) = cursor.fetchone()
    return bytes(value)


def set_raw_column(pk: int, value: bytes) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE providers_aiproviderconfig SET api_key = %s WHERE id = %s", [value, pk])


def config_under(key: str, plaintext: str, *, secret_key: str | None = None) -> AIProviderConfig:
    config = ProviderConfigFactory(api_key=plaintext)
    payload = current_cipher().decrypt(raw_column(config.pk))
    set_raw_column(config.pk, key_cipher(key=key, secret_key=secret_key or settings.SECRET_KEY).encrypt(payload))
    return config


def stored_plaintexts() -> list[str]:
    return list(AIProviderConfig.objects.order_by("pk").values_list("api_key", flat=True))


def raw_columns() -> list[bytes]:
    return [raw_column(pk) for pk in AIProviderConfig.objects.order_by("pk").values_list("pk", flat=True)]


@pytest.fixture
def configs_under_old_key() -> list[AIProviderConfig]:
    return [config_under(OLD_KEY, plaintext) for plaintext in PLAINTEXTS]


def test_the_ciphers_are_built_as_django_cryptography_builds_them():
    config = ProviderConfigFactory(api_key=PLAINTEXTS[0])
    current_key = os.environ["CRYPTOGRAPHY_KEY"]  # the raw setting, as tests/settings.py put it

    written_by_the_model = raw_column(config.pk)

    assert key_cipher(key=current_key, secret_key=settings.SECRET_KEY).decrypt(written_by_the_model)
    assert current_cipher().decrypt(written_by_the_model)


def test_keys_under_the_old_key_are_reencrypted_under_the_current_one(configs_under_old_key):
    before = raw_columns()
    with pytest.raises(Exception):  # noqa: B017, PT011 - the model cannot read them yet (InvalidToken or garbage)
        stored_plaintexts()

    result = provider_keys_rotate(old_key=OLD_KEY)

    assert (result.rotated, result.already_current, result.dry_run) == (2, 0, False)
    assert stored_plaintexts() == list(PLAINTEXTS)
    assert all(new != old for new, old in zip(raw_columns(), before, strict=True))


def test_keys_already_under_the_current_key_are_left_alone(configs_under_old_key):
    current = ProviderConfigFactory(api_key="sk-already-current-3333")
    untouched = raw_column(current.pk)

    result = provider_keys_rotate(old_key=OLD_KEY)

    assert (result.rotated, result.already_current) == (2, 1)
    assert raw_column(current.pk) == untouched


def test_running_it_twice_changes_nothing_the_second_time(configs_under_old_key):
    provider_keys_rotate(old_key=OLD_KEY)
    after_first = raw_columns()

    again = provider_keys_rotate(old_key=OLD_KEY)

    assert (again.rotated, again.already_current) == (0, 2)
    assert raw_columns() == after_first


def test_a_dry_run_counts_and_changes_nothing(configs_under_old_key):
    before = raw_columns()

    result = provider_keys_rotate(old_key=OLD_KEY, dry_run=True)

    assert (result.rotated, result.already_current, result.dry_run) == (2, 0, True)
    assert raw_columns() == before


def test_a_wrong_old_key_fails_clearly_and_changes_nothing(configs_under_old_key):
    ProviderConfigFactory(api_key="sk-already-current-3333")
    before = raw_columns()

    with pytest.raises(KeyRotationFailed) as failure:
        provider_keys_rotate(old_key=WRONG_KEY)

    ids = [config.pk for config in configs_under_old_key]
    assert failure.value.details == {"config_ids": ids}
    assert "neither the old nor the current key" in failure.value.message
    assert raw_columns() == before


def test_one_unreadable_key_stops_the_rotation_of_all(configs_under_old_key):
    stranger = config_under(WRONG_KEY, "sk-from-elsewhere-4444")
    before = raw_columns()

    with pytest.raises(KeyRotationFailed) as failure:
        provider_keys_rotate(old_key=OLD_KEY)

    assert failure.value.details == {"config_ids": [stranger.pk]}
    assert raw_columns() == before


def test_a_value_that_decrypts_to_something_else_than_a_stored_key_is_not_taken_for_one():
    config = ProviderConfigFactory()
    set_raw_column(config.pk, key_cipher(key=OLD_KEY, secret_key=settings.SECRET_KEY).encrypt(b"\x01" * 16))

    with pytest.raises(KeyRotationFailed):
        provider_keys_rotate(old_key=OLD_KEY)


def value_the_current_key_misreads(payload: bytes) -> bytes:
    """``payload`` under the old key, with an IV for which the current key's decryption yields garbage that
    passes both the signature (keyed by SECRET_KEY, the same for both) and the padding check."""
    old, current = key_cipher(key=OLD_KEY, secret_key=settings.SECRET_KEY), current_cipher()
    for _ in range(20_000):  # about one try in 256 succeeds
        value = old.encrypt(payload)
        try:
            current.decrypt(value)
        except Exception:
            continue
        return value
    pytest.fail("no such IV found")


def test_garbage_that_passes_the_current_keys_checks_is_not_taken_for_a_current_key():
    config = ProviderConfigFactory(api_key=PLAINTEXTS[0])
    set_raw_column(config.pk, value_the_current_key_misreads(current_cipher().decrypt(raw_column(config.pk))))

    result = provider_keys_rotate(old_key=OLD_KEY)

    assert (result.rotated, result.already_current) == (1, 0)
    assert stored_plaintexts() == [PLAINTEXTS[0]]


def test_keys_signed_with_an_old_secret_key_need_that_secret_key():
    config_under(OLD_KEY, PLAINTEXTS[0], secret_key="the-old-secret-key")

    with pytest.raises(KeyRotationFailed):
        provider_keys_rotate(old_key=OLD_KEY)
    result = provider_keys_rotate(old_key=OLD_KEY, old_secret_key="the-old-secret-key")

    assert result.rotated == 1
    assert stored_plaintexts() == [PLAINTEXTS[0]]


def test_it_writes_nothing_the_running_model_could_not_read(configs_under_old_key, settings):
    signed_with = settings.SECRET_KEY
    settings.SECRET_KEY = "changed-after-the-model-was-loaded"  # the field's cipher still has the old one
    before = raw_columns()

    with pytest.raises(KeyRotationFailed, match="do not read back through the model"):
        provider_keys_rotate(old_key=OLD_KEY, old_secret_key=signed_with)

    assert raw_columns() == before


def run(*args: str) -> str:
    out = StringIO()
    call_command("rotate_encryption_key", *args, stdout=out, no_color=True)
    return out.getvalue()


def test_the_command_reads_the_old_key_from_the_environment_and_prints_counts_only(
    configs_under_old_key, monkeypatch
):
    monkeypatch.setenv("OLD_CRYPTOGRAPHY_KEY", OLD_KEY)

    output = run()

    assert output.strip() == "Re-encrypted 2 provider key(s) under the current CRYPTOGRAPHY_KEY; 0 already under it."
    assert stored_plaintexts() == list(PLAINTEXTS)


def test_the_command_dry_run_says_so_and_writes_nothing(configs_under_old_key):
    before = raw_columns()

    output = run("--old-key", OLD_KEY, "--dry-run")

    assert output.startswith("Would re-encrypt 2 provider key(s)")
    assert "nothing was written" in output
    assert raw_columns() == before


def test_the_command_fails_without_an_old_key(monkeypatch):
    monkeypatch.delenv("OLD_CRYPTOGRAPHY_KEY", raising=False)

    with pytest.raises(CommandError, match="OLD_CRYPTOGRAPHY_KEY"):
        run()


def test_the_command_fails_on_a_wrong_key_without_showing_any_key(configs_under_old_key):
    with pytest.raises(CommandError) as failure:
        run("--old-key", WRONG_KEY)

    message = str(failure.value)
    assert "nothing was changed" in message
    assert not any(secret in message for secret in (WRONG_KEY, OLD_KEY, *PLAINTEXTS, settings.SECRET_KEY))
