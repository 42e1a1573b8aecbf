from contextlib import suppress
from typing import Any

from django.apps import AppConfig
from django.core.cache import cache
from django.db import transaction

# Generation of the cached lists of active configs (orchestrator.services.configs keys them by it).
CONFIGS_CACHE_GENERATION_KEY = "providers:configs:generation"


def _bump_configs_generation() -> None:
    with suppress(ValueError):  # not set: the next reader starts a fresh generation anyway
        cache.incr(CONFIGS_CACHE_GENERATION_KEY)


def provider_configs_changed(**kwargs: Any) -> None:
    """Receiver for AIProviderConfig post_save / post_delete: every cached config list goes stale.

    Bumped now and again on commit, so a reader that ran between the two cannot keep a list it read
    before the commit.
    """
    _bump_configs_generation()
    transaction.on_commit(_bump_configs_generation)


class ProvidersConfig(AppConfig):
    name = "providers"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from providers.models import AIProviderConfig

        for signal in (post_save, post_delete):
            signal.connect(provider_configs_changed, sender=AIProviderConfig)
