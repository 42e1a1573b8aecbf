"""provider_keys_rotate and ``manage.py rotate_encryption_key``: stored keys move from an old CRYPTOGRAPHY_KEY
to the current one, in one transaction, idempotently, never shown.

"Under key A" rows are made the way an older deployment left them: the model writes the value under the
current settings, and the test re-encrypts those raw bytes under A with raw SQL, bypassing the service.
"""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.signing import BadSignature
from django.db import connection
from django_cryptography.utils.crypto import FernetBytes

from providers.crypto import derive_key, provider_key_cipher
from providers.key_rotation import KeyRotationFailed, provider_keys_rotate
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


def current_cipher() -> FernetBytes:
    return provider_key_cipher(settings.CRYPTOGRAPHY_KEY)


def cipher_of(key: str) -> FernetBytes:
    return provider_key_cipher(derive_key(key))


def config_under(key: str, plaintext: str) -> AIProviderConfig:
    config = ProviderConfigFactory(api_key=plaintext)
    payload = current_cipher().decrypt(raw_column(config.pk))
    set_raw_column(config.pk, cipher_of(key).encrypt(payload))
    return config


def stored_plaintexts() -> list[str]:
    return list(AIProviderConfig.objects.order_by("pk").values_list("api_key", flat=True))


def raw_columns() -> list[bytes]:
    return [raw_column(pk) for pk in AIProviderConfig.objects.order_by("pk").values_list("pk", flat=True)]


@pytest.fixture
def configs_under_old_key() -> list[AIProviderConfig]:
    return [config_under(OLD_KEY, plaintext) for plaintext in PLAINTEXTS]


def test_keys_under_the_old_key_are_reencrypted_under_the_current_one(configs_under_old_key):
    before = raw_columns()
    with pytest.raises(BadSignature):  # the model cannot read them yet
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


def test_a_wrong_key_is_refused_by_the_signature_every_time():
    """The HMAC key comes from CRYPTOGRAPHY_KEY: no IV lets the wrong key past the signature into the padding
    check (with the library's SECRET_KEY signature about one value in 256 went through as garbage)."""
    right, wrong = cipher_of(OLD_KEY), cipher_of(WRONG_KEY)

    for _ in range(2_000):
        with pytest.raises(BadSignature):
            wrong.decrypt(right.encrypt(b"a pickled key"))


def test_a_changed_secret_key_needs_no_rotation(configs_under_old_key, settings):
    current = ProviderConfigFactory(api_key="sk-already-current-3333")
    settings.SECRET_KEY = "a-rotated-secret-key"

    result = provider_keys_rotate(old_key=OLD_KEY)

    assert (result.rotated, result.already_current) == (2, 1)
    assert stored_plaintexts() == [*PLAINTEXTS, current.api_key]


def test_it_writes_nothing_the_running_model_could_not_read(configs_under_old_key, settings):
    settings.CRYPTOGRAPHY_KEY = derive_key("changed-after-the-model-was-loaded")  # the field keeps its cipher
    before = raw_columns()

    with pytest.raises(KeyRotationFailed, match="do not read back through the model"):
        provider_keys_rotate(old_key=OLD_KEY)

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
