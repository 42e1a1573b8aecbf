"""Test settings: the real settings with test-only secrets and a fast password hasher."""

import os

os.environ.setdefault("SECRET_KEY", "insecure-test-secret-key")
os.environ.setdefault("CRYPTOGRAPHY_KEY", "insecure-test-cryptography-key")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest storage needs `collectstatic` first; the tests render templates without it.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Per-process caches off: a test that changes a plan, price or config sees it at once. The tests of the
# caches themselves turn them on (tests/core/test_local_cache.py).
LOCAL_CACHE_SECONDS = 0
