"""Which provider configs a user's call may use, in order (docs/architecture.md, "An AI call"), and their
providers.

Order: the user's own active configs ("bring your own key", by priority), then the global active ones
(the default first, then by priority, then id). Only when the database holds no active config usable by
this user are configs built from the environment (``settings.PROVIDER_ENV``: ``GEMINI_API_KEY``,
``OPENAI_API_KEY``, ``ANTHROPIC_API_KEY`` and their ``*_MODEL_FAST`` / ``*_MODEL_QUALITY``), in that
order; none at all raises ``NoProviderConfigured``.

Caching: each process keeps the key-less ``Candidate`` descriptors of every active config for
``LOCAL_CACHE_SECONDS`` (core.local_cache), so a deactivation, an owner or a model change applies in every
process within a second. Decrypted keys never enter that cache: a key is read from the database only when
the process has no provider instance for that config version (``ProviderFactory``, keyed by id and
``updated_at``, which every write of a config changes — ``.update()`` included, see
``providers.models.AIProviderConfigQuerySet`` — so a rotated key builds a new instance).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from core.local_cache import local_cache
from orchestrator.errors import NoProviderConfigured
from providers.base import AIProvider
from providers.models import AIProviderConfig
from providers.registry import ProviderFactory, ProviderSettings
from providers.services import provider_for_config

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
    """The user's own active configs then the global ones; no query when warm."""
    by_owner = _active_candidates_by_owner()
    return by_owner.get(user.pk, []) + by_owner.get(None, [])


@local_cache()
def _active_candidates_by_owner() -> dict[int | None, list[Candidate]]:
    """Every active config, in order, grouped by owner (None: the global ones)."""
    rows = (
        AIProviderConfig.objects.filter(is_active=True)
        .order_by("-is_default", "priority", "id")
        .values(*FIELDS)  # never the key
    )
    by_owner: dict[int | None, list[Candidate]] = {}
    for row in rows:
        by_owner.setdefault(row["owner_id"], []).append(Candidate.from_row(row))
    return by_owner


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
