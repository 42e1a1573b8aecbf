"""Which provider configs a user's call may use, in order (DESIGN.md §3, step 1), and their providers.

Order: the user's own active configs ("bring your own key", by priority), then the global active ones
(the default first, then by priority, then id). Only when the database holds no active config usable by
this user are configs built from the environment (``settings.PROVIDER_ENV``: ``GEMINI_API_KEY``,
``OPENAI_API_KEY``, ``ANTHROPIC_API_KEY`` and their ``*_MODEL_FAST`` / ``*_MODEL_QUALITY``), in that
order; none at all raises ``NoProviderConfigured``.

Caching: the Django cache (maybe Redis) holds key-less ``Candidate`` descriptors only — the global list
under one key, each user's own configs under a per-user key — both keyed by a generation that any save
or delete of a config bumps (``providers.apps``), so an owner change, a deactivation or a model edit
applies to the next call. Decrypted keys never enter that cache: a key is read from the database only
when the process has no provider instance for that config version (``ProviderFactory``, keyed by id
and ``updated_at``, so an edited key builds a new instance).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db.models import Q

from orchestrator.errors import NoProviderConfigured
from providers.apps import CONFIGS_CACHE_GENERATION_KEY
from providers.base import AIProvider
from providers.models import AIProviderConfig
from providers.registry import ProviderFactory, ProviderSettings
from providers.services import provider_for_config

CACHE_TTL = 3600  # entries of a dead generation just expire
GLOBAL_KEY = "orchestrator:configs:{generation}:global"
USER_KEY = "orchestrator:configs:{generation}:user:{user_id}"
FIELDS = ("id", "provider_type", "base_url", "fast_model", "quality_model", "owner_id", "updated_at")


@dataclass(frozen=True)
class Candidate:
    """A config to try, without its key. ``config_id`` is None for a config built from the environment."""

    provider_type: str
    base_url: str
    fast_model: str
    quality_model: str
    version: tuple  # (id, updated_at) of a stored config; ("env:<provider_type>",) from the environment
    config_id: int | None = None
    owner_id: int | None = None

    @classmethod
    def from_row(cls, row: dict) -> "Candidate":
        return cls(
            provider_type=row["provider_type"],
            base_url=row["base_url"],
            fast_model=row["fast_model"],
            quality_model=row["quality_model"],
            version=(row["id"], row["updated_at"]),
            config_id=row["id"],
            owner_id=row["owner_id"],
        )


def provider_candidates(*, user: AbstractBaseUser) -> list[Candidate]:
    candidates = stored_candidates(user=user) or env_candidates()
    if not candidates:
        raise NoProviderConfigured()
    return candidates


def stored_candidates(*, user: AbstractBaseUser) -> list[Candidate]:
    """The user's own active configs then the global ones: one cache round trip when warm."""
    generation = cache.get_or_set(CONFIGS_CACHE_GENERATION_KEY, time.time_ns, None)
    global_key = GLOBAL_KEY.format(generation=generation)
    user_key = USER_KEY.format(generation=generation, user_id=user.pk)
    cached = cache.get_many([global_key, user_key])
    if len(cached) < 2:
        cached = dict(zip((user_key, global_key), _load_candidates(user), strict=True))
        cache.set_many(cached, CACHE_TTL)
    return cached[user_key] + cached[global_key]


def _load_candidates(user: AbstractBaseUser) -> tuple[list[Candidate], list[Candidate]]:
    rows = (
        AIProviderConfig.objects.filter(Q(owner__isnull=True) | Q(owner_id=user.pk), is_active=True)
        .order_by("-is_default", "priority", "id")
        .values(*FIELDS)  # never the key
    )
    candidates = [Candidate.from_row(row) for row in rows]
    own = [c for c in candidates if c.owner_id is not None]
    return own, [c for c in candidates if c.owner_id is None]


def env_candidates() -> list[Candidate]:
    return [
        Candidate(
            provider_type=provider_type,
            base_url="",
            fast_model=env["fast_model"],
            quality_model=env["quality_model"],
            version=(f"env:{provider_type}",),
        )
        for provider_type, env in settings.PROVIDER_ENV.items()
        if env["api_key"]
    ]


def provider_for(candidate: Candidate) -> AIProvider | None:
    """The live provider of a candidate; None when its config was deleted or deactivated meanwhile."""
    # The factory's instance cache is read first so that a warm call never loads (decrypts) the key.
    provider = ProviderFactory.cached(candidate.provider_type, candidate.version)
    if provider is not None:
        return provider
    if candidate.config_id is None:
        api_key = settings.PROVIDER_ENV[candidate.provider_type]["api_key"]
        return ProviderFactory.get(ProviderSettings(candidate.provider_type, api_key, "", candidate.version))
    config = (
        AIProviderConfig.objects.filter(pk=candidate.config_id, owner_id=candidate.owner_id, is_active=True)
        .only("provider_type", "api_key", "base_url", "updated_at")
        .first()
    )
    return None if config is None else provider_for_config(config)
