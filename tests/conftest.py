import pytest
from django.core.cache import cache

from providers.backends.mock import MockProvider
from providers.registry import ProviderFactory


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Every test starts with empty caches, no live provider instances and no queued mock replies."""
    cache.clear()
    ProviderFactory.clear()
    MockProvider.queue.clear()
    yield
    cache.clear()
    ProviderFactory.clear()
    MockProvider.queue.clear()
