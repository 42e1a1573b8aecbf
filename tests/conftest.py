import pytest
from django.core.cache import cache

from core.local_cache import local_caches_clear
from providers.backends.mock import MockProvider
from providers.registry import ProviderFactory


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Every test starts with empty caches, no live provider instances and no queued mock replies."""
    cache.clear()
    local_caches_clear()
    ProviderFactory.clear()
    MockProvider.queue.clear()
    yield
    cache.clear()
    local_caches_clear()
    ProviderFactory.clear()
    MockProvider.queue.clear()


@pytest.fixture
def local_caches(settings):
    """The per-process caches of plans, prices and configs on, as in production (tests/settings.py turns
    them off); a minute, so that they cannot expire during a test."""
    settings.LOCAL_CACHE_SECONDS = 60
    local_caches_clear()
    yield
    local_caches_clear()
