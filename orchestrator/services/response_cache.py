"""The exact-match response cache: the usage log's ``cache_hit``.

A repeated request of the same user for a task whose policy allows it (``CACHE_TTL_SECONDS``: extraction,
24 hours) is answered from Django's cache (Redis in production) with no quota reservation and no provider
call, and logged as one ``cache_hit`` row (0 tokens, cost 0).

Who does what:

- The caller knows what the answer depends on and passes ``cache_key`` to ``AIOrchestrator.generate``
  (through ``task_run``): a digest of the raw input (orchestrator.services.extraction). The prompt cannot
  be the key: it carries a fresh random boundary on every call (``wrap_untrusted``).
- The orchestrator turns it into the entry key with the user (an answer holds that user's data: never
  shared across users), the task, the tier, and the provider type and model the call would go to first
  (an upgraded plan or a model changed by an admin misses, and gets the answer of the model it pays for
  now). It looks the entry up before reserving quota.
- ``task_run`` stores the answer once it passed validation (``response_cache_store``); a cached answer
  that the current output model rejects is dropped (``response_cache_discard``).

Why ``task_run`` stores and not the orchestrator (which would store every successful answer and let
``task_run`` delete the invalid ones): the orchestrator cannot tell a valid answer from an invalid one;
storing first would serve an invalid answer to a concurrent identical request until the delete, and
leave it cached for a day if the process died in between. Stored after validation, the cache holds only
answers that passed, and errors never reach it (they raise before anything is stored).

An entry holds plain values only: the provider type and the result's text, parsed JSON, model and token
counts — never a key, a request, or anything of a provider instance. Two identical requests at the same
moment both miss and both call the provider (no lock: a rare double call costs less than a lock on every
call).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache

from orchestrator.policies import CACHE_TTL_SECONDS
from providers.base import GenerationResult

if TYPE_CHECKING:
    from orchestrator.services.orchestrator import Generation

KEY_PREFIX = "orchestrator:response:v1:"
ENTRY_FIELDS = ("text", "parsed", "model", "input_tokens", "output_tokens")


@dataclass(frozen=True)
class CachedAnswer:
    provider_type: str
    result: GenerationResult


def response_cache_entry_key(
    *, user_id: int | None, task: str, tier: str, provider_type: str, model: str, cache_key: str | None
) -> str | None:
    """The cache entry of this call, or None when it is not cached (no key or user, a task without a TTL, or
    the cache switched off)."""
    if not cache_key or user_id is None or task not in CACHE_TTL_SECONDS or not settings.RESPONSE_CACHE_ENABLED:
        return None
    parts = (str(user_id), task, tier, provider_type, model, cache_key)
    return KEY_PREFIX + hashlib.sha256("\0".join(parts).encode()).hexdigest()


def response_cache_get(*, entry_key: str) -> CachedAnswer | None:
    entry: Any = cache.get(entry_key)
    if not isinstance(entry, dict):
        return None
    fields = {name: entry[name] for name in ENTRY_FIELDS}
    return CachedAnswer(provider_type=entry["provider_type"], result=GenerationResult(latency_ms=0, **fields))


def response_cache_store(*, task: str, generation: Generation) -> None:
    """Keep a validated answer; a no-op for an answer that came from the cache or a call not cached."""
    if generation.cache_key is None or generation.cached:
        return
    entry = {name: getattr(generation.result, name) for name in ENTRY_FIELDS}
    entry["provider_type"] = generation.provider_type
    cache.set(generation.cache_key, entry, CACHE_TTL_SECONDS[task])


def response_cache_discard(*, generation: Generation) -> None:
    """Drop a cached answer that failed validation, so the repair call asks the provider."""
    if generation.cached and generation.cache_key is not None:
        cache.delete(generation.cache_key)
