"""The cipher of the stored provider keys: keyed by ``CRYPTOGRAPHY_KEY`` alone, never by ``SECRET_KEY``.

django-cryptography (2.0; conf.py, fields.py, utils/crypto.py, core/signing.py) encrypts an ``encrypt(...)``
field with AES-256-CBC under a key derived from ``CRYPTOGRAPHY_KEY``, but the field builds ``FernetBytes(key)``,
whose default signer is ``FernetSigner()``, and that one signs (HMAC-SHA256) with ``SECRET_KEY``. Rotating
``SECRET_KEY``, a routine operation, would then make every stored provider key unreadable. The cipher here
signs with a key derived from the same derived key under its own label, so one secret holds both keys and
the AES key is never used as an HMAC key too. The format is the library's: version byte, timestamp, IV,
ciphertext, HMAC.
"""

import hashlib
import hmac

from django.conf import settings
from django_cryptography.core.signing import FernetSigner
from django_cryptography.utils.crypto import FernetBytes, pbkdf2

KDF_ITERATIONS = 30_000  # django_cryptography.conf.CryptographyConf.configure
SIGNING_KEY_LABEL = b"ai-orchestrator/provider-key-signing"


def derive_key(raw_key: str) -> bytes:
    """The key django-cryptography derives from ``CRYPTOGRAPHY_KEY=raw_key`` (it puts the derived key back in
    ``settings.CRYPTOGRAPHY_KEY`` when it loads): PBKDF2 with ``CRYPTOGRAPHY_SALT`` and ``CRYPTOGRAPHY_DIGEST``."""
    return pbkdf2(raw_key, settings.CRYPTOGRAPHY_SALT, KDF_ITERATIONS, digest=settings.CRYPTOGRAPHY_DIGEST)


def provider_key_cipher(derived_key: bytes) -> FernetBytes:
    """Encrypts under ``derived_key`` and signs under HMAC-SHA256(``derived_key``, label)."""
    signing_key = hmac.new(derived_key, SIGNING_KEY_LABEL, hashlib.sha256).digest()
    return FernetBytes(derived_key, FernetSigner(signing_key))
