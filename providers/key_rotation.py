"""Re-encrypt every stored provider key from an old ``CRYPTOGRAPHY_KEY`` to the current one (DESIGN.md §8,
``manage.py rotate_encryption_key``).

How django-cryptography (2.0, read from its source: conf.py, utils/crypto.py, core/signing.py, fields.py)
stores ``AIProviderConfig.api_key``: the pickled string, encrypted by ``FernetBytes`` — a version byte, a
timestamp, the AES-CBC ciphertext, then an HMAC-SHA256 over all of it.

- The AES key is PBKDF2-HMAC-SHA256 over ``CRYPTOGRAPHY_KEY`` (``SECRET_KEY`` when that is unset), salt
  ``CRYPTOGRAPHY_SALT`` ("django-cryptography"), 30,000 iterations, 32 bytes (AES-256). When it loads,
  django-cryptography replaces ``settings.CRYPTOGRAPHY_KEY`` by this derived key.
- The HMAC key is ``SECRET_KEY`` itself, not ``CRYPTOGRAPHY_KEY``: changing ``SECRET_KEY`` also makes every
  stored key unreadable. ``old_secret_key`` covers that rotation (default: the current ``SECRET_KEY``).
- Because the HMAC is keyed by ``SECRET_KEY``, a value decrypted with the wrong ``CRYPTOGRAPHY_KEY`` still
  passes the signature check, and passes the padding check about one time in 256, as garbage. A value
  counts as readable only when it also is what the field stores: a pickled str, checked opcode by opcode
  with ``pickletools`` (nothing is executed).
- The model field builds its cipher once, when the model class is created; settings changed later never
  reach it. So this service builds both ciphers itself, moves the raw column bytes from the old cipher to
  the current one (nothing is unpickled), and then reads every rotated row back through the model: if the
  running model cannot read what was written, the transaction is rolled back.

All in one transaction, rows locked. A value that already decrypts with the current key is left alone, so
a second run (or a run after a partial restore) is harmless. A value that decrypts with neither key stops
the whole rotation before anything is written. Keys are never printed, logged or put in an error.
"""

import pickletools
from dataclasses import dataclass

from django.conf import settings
from django.core.signing import BadSignature
from django.db import transaction
from django.db.models import BinaryField, ExpressionWrapper, F, Value
from django.utils.encoding import force_bytes
from django_cryptography.core.signing import FernetSigner
from django_cryptography.utils.crypto import FernetBytes, InvalidToken, pbkdf2

from core.errors import AppError
from providers.models import AIProviderConfig

KDF_ITERATIONS = 30_000  # django_cryptography.conf.CryptographyConf.configure
UNREADABLE = (BadSignature, InvalidToken)
PICKLED_STR_OPCODES = frozenset({"PROTO", "FRAME", "SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "MEMOIZE", "STOP"})


class KeyRotationFailed(AppError):
    code = "key_rotation_failed"
    default_message = "The provider keys could not be re-encrypted; nothing was changed."


@dataclass(frozen=True)
class RotationResult:
    rotated: int
    already_current: int
    dry_run: bool


def key_cipher(*, key: str, secret_key: str) -> FernetBytes:
    """The cipher django-cryptography would use with ``CRYPTOGRAPHY_KEY=key`` and ``SECRET_KEY=secret_key``."""
    derived = pbkdf2(key, settings.CRYPTOGRAPHY_SALT, KDF_ITERATIONS, digest=settings.CRYPTOGRAPHY_DIGEST)
    return FernetBytes(derived, FernetSigner(secret_key))


def current_cipher() -> FernetBytes:
    """The cipher of the current settings (django-cryptography's derived ``CRYPTOGRAPHY_KEY``, ``SECRET_KEY``)."""
    return FernetBytes(settings.CRYPTOGRAPHY_KEY, FernetSigner(settings.SECRET_KEY))


def provider_keys_rotate(*, old_key: str, old_secret_key: str = "", dry_run: bool = False) -> RotationResult:
    if not old_key:
        raise KeyRotationFailed("No old key was given.")
    old = key_cipher(key=old_key, secret_key=old_secret_key or settings.SECRET_KEY)
    current = current_cipher()
    with transaction.atomic():
        rewritten, already_current, unreadable = _reencrypted(_stored_keys(), old=old, current=current)
        if unreadable:
            raise KeyRotationFailed(
                f"{len(unreadable)} stored provider key(s) decrypt with neither the old nor the current key "
                f"(config ids {unreadable}). Check the old key (and the old SECRET_KEY if it changed too); "
                "nothing was changed.",
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
        payload = cipher.decrypt(value)
    except UNREADABLE:
        return None
    return payload if _is_pickled_str(payload) else None


def _is_pickled_str(payload: bytes) -> bool:
    try:
        opcodes = [(opcode.name, position) for opcode, _, position in pickletools.genops(payload)]
    except Exception:  # whatever garbage makes the opcode reader stop
        return False
    names = {name for name, _ in opcodes}
    strings = sum(name.endswith("BINUNICODE") or name == "BINUNICODE8" for name, _ in opcodes)
    return names <= PICKLED_STR_OPCODES and strings == 1 and opcodes[-1] == ("STOP", len(payload) - 1)


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
