"""providers.crypto: the stored provider keys' cipher, derived from CRYPTOGRAPHY_KEY alone."""

import os

import pytest
from django.conf import settings
from django.core.signing import BadSignature
from django_cryptography.core.signing import FernetSigner
from django_cryptography.utils.crypto import FernetBytes

from providers.crypto import derive_key, provider_key_cipher


def test_the_key_is_derived_as_django_cryptography_derives_it():
    assert derive_key(os.environ["CRYPTOGRAPHY_KEY"]) == settings.CRYPTOGRAPHY_KEY  # the raw key of tests/settings.py


def test_a_value_reads_back_with_a_cipher_of_the_same_key_only():
    value = provider_key_cipher(derive_key("key-A")).encrypt(b"payload")

    assert provider_key_cipher(derive_key("key-A")).decrypt(value) == b"payload"
    with pytest.raises(BadSignature):
        provider_key_cipher(derive_key("key-B")).decrypt(value)


def test_it_signs_with_neither_secret_key_nor_the_aes_key():
    derived = derive_key("key-A")
    value = provider_key_cipher(derived).encrypt(b"payload")

    for signer in (FernetSigner(settings.SECRET_KEY), FernetSigner(derived)):
        with pytest.raises(BadSignature):
            FernetBytes(derived, signer).decrypt(value)
