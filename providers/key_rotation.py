"""Re-encrypt every stored provider key from an old ``CRYPTOGRAPHY_KEY`` to the current one (docs/decisions.md,
"Keys"; ``manage.py rotate_encryption_key``).

How the stored ``AIProviderConfig.api_key`` is made (providers/crypto.py): the pickled string, encrypted in
django-cryptography's format — a version byte, a timestamp, the AES-CBC ciphertext, then an HMAC-SHA256 over
all of it. Both the AES key and the HMAC key come from ``CRYPTOGRAPHY_KEY`` alone (``SECRET_KEY`` plays no
part, so changing it needs no rotation).

- The AES key is PBKDF2-HMAC-SHA256 over ``CRYPTOGRAPHY_KEY``, salt ``CRYPTOGRAPHY_SALT``, 30,000 iterations
  (``derive_key``); when it loads, django-cryptography replaces ``settings.CRYPTOGRAPHY_KEY`` by this key.
- The HMAC key is derived from the AES key, so a value under another ``CRYPTOGRAPHY_KEY`` fails the signature
  check before anything is decrypted: a wrong key is refused, never read as garbage that passes for a key.
- The model field builds its cipher once, when the model module is loaded; settings changed later never
  reach it. So this service builds both ciphers itself, moves the raw column bytes from the old cipher to
  the current one (nothing is unpickled), and then reads every rotated row back through the model: if the
  running model cannot read what was written, the transaction is rolled back.

All in one transaction, rows locked. A value that already decrypts with the current key is left alone, so
a second run (or a run after a partial restore) is harmless. A value that decrypts with neither key stops
the whole rotation before anything is written. Keys are never printed, logged or put in an error.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.signing import BadSignature
from django.db import transaction
from django.db.models import BinaryField, ExpressionWrapper, F, Value
from django.utils.encoding import force_bytes
from django_cryptography.utils.crypto import FernetBytes, InvalidToken

from providers.crypto import derive_key, provider_key_cipher
from providers.errors import KeyRotationFailed
from providers.models import AIProviderConfig

UNREADABLE = (BadSignature, InvalidToken)


@dataclass(frozen=True)
class RotationResult:
    rotated: int
    already_current: int
    dry_run: bool


def provider_keys_rotate(*, old_key: str, dry_run: bool = False) -> RotationResult:
    if not old_key:
        raise KeyRotationFailed("No old key was given.")
    old = provider_key_cipher(derive_key(old_key))
    current = provider_key_cipher(settings.CRYPTOGRAPHY_KEY)
    with transaction.atomic():
        rewritten, already_current, unreadable = _reencrypted(_stored_keys(), old=old, current=current)
        if unreadable:
            raise KeyRotationFailed(
                f"{len(unreadable)} stored provider key(s) decrypt with neither the old nor the current key "
                f"(config ids {unreadable}). Check the old key; nothing was changed.",
                details={"config_ids": unreadable},
            )
        if not dry_run:
            _write(rewritten)
    return RotationResult(rotated=len(rewritten), already_current=already_current, dry_run=dry_run)


def _stored_keys() -> list[tuple[int, bytes]]:
    """(id, the encrypted column as stored), rows locked until the transaction ends."""
    raw = ExpressionWrapper(F("api_key"), output_field=BinaryField())  # bypasses the field's decryption
    rows = AIProviderConfig.objects.select_for_update().order_by("pk").annotate(raw=raw).values_list("pk", "raw")
    return [(pk, force_bytes(value)) for pk, value in rows]


def _reencrypted(
    stored: list[tuple[int, bytes]], *, old: FernetBytes, current: FernetBytes
) -> tuple[dict[int, bytes], int, list[int]]:
    """({id: the value under the current key} for the old-key rows, how many are current already, unreadable ids)."""
    rewritten: dict[int, bytes] = {}
    already_current, unreadable = 0, []
    for pk, value in stored:
        if _decrypts(current, value) is not None:
            already_current += 1
        elif (payload := _decrypts(old, value)) is not None:
            rewritten[pk] = current.encrypt(payload)
        else:
            unreadable.append(pk)
    return rewritten, already_current, unreadable


def _decrypts(cipher: FernetBytes, value: bytes) -> bytes | None:
    try:
        return cipher.decrypt(value)
    except UNREADABLE:
        return None


def _write(rewritten: dict[int, bytes]) -> None:
    for pk, value in rewritten.items():
        AIProviderConfig.objects.filter(pk=pk).update(api_key=Value(value, output_field=BinaryField()))
    try:  # what the running model reads: its cipher was built at import, ours from the settings now
        list(AIProviderConfig.objects.filter(pk__in=rewritten).values_list("api_key", flat=True))
    except UNREADABLE:
        raise KeyRotationFailed(
            "The re-encrypted keys do not read back through the model (the settings changed after the model "
            "was loaded?); nothing was changed."
        ) from None
