"""The exact-match response cache, end to end: which tasks are cached and for how long, the keys, the
lookup, the store and the discard. The usage log's ``cache_hit`` rows come from here.

A user who asks again for the answer to the same input, for a task in ``TTL_SECONDS`` (extraction: the
same posting has the same facts; a draft asked for again should be a new draft), within its TTL, gets the
stored answer from Django's cache (Redis in production): no quota reservation, no provider call, one
``cache_hit`` usage row (0 tokens, cost 0).

Keys:
- ``input_key``: the caller (``orchestrator.services.extraction``) digests the raw input with the task
  definition. Never the prompt: it carries a fresh random boundary on every call.
- ``entry_key``: the orchestrator adds the user (an answer holds that user's data: never shared), the task,
  the tier and the provider type and model the call would go to first (an upgraded plan or a model
  changed by an admin misses, and gets the answer of the model in charge now).

Who calls what: ``AIOrchestrator.generate`` looks up before reserving quota; ``task_run`` stores an answer
only once it passed validation (the orchestrator cannot tell a valid answer from an invalid one; storing
first would serve an invalid answer to a concurrent identical request) and discards a cached answer that
today's output model rejects. Entries hold plain values only (provider type, text, parsed JSON, model,
token counts) — never a key or anything of a provider instance. Two identical requests at the same
moment both miss (no lock: a rare double call costs less than a lock on every call).
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache

from providers.base import GenerationResult
from subscriptions.models import Task

if TYPE_CHECKING:
    from orchestrator.services.orchestrator import Generation
    from orchestrator.tasks.base import TaskDefinition

TTL_SECONDS: dict[str, int] = {Task.EXTRACTION: 24 * 3600}  # a task absent here is never cached
# Part of every input key: bump it when a prompt template changes what the answer would be, so answers
# cached under the old prompts are no longer served (a system-prompt edit changes the keys by itself).
INPUT_KEY_VERSION = "1"
ENTRY_PREFIX = "orchestrator:response:v1:"
ENTRY_FIELDS = ("text", "parsed", "model", "input_tokens", "output_tokens")


@dataclass(frozen=True)
class CachedAnswer:
    provider_type: str
    result: GenerationResult


def normalized_text(text: str) -> str:
    """Pasted text as compared for the cache: NFC, white space collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def input_key(definition: TaskDefinition, *parts: str | bytes) -> str:
    """The key of one input: a digest of the task definition and the raw input ``parts``."""
    digest = hashlib.sha256()
    for part in (definition.schema_name, INPUT_KEY_VERSION, definition.system, *parts):
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)  # length-prefixed: ("ab", "c") != ("a", "bc")
    return digest.hexdigest()


def entry_key(*, user_id: int | None, task: str, tier: str, provider_type: str, model: str, key: str) -> str | None:
    """The cache entry of this call, or None when it is not cached (no user, a task without a TTL, or the
    cache switched off with ``RESPONSE_CACHE_ENABLED``)."""
    if user_id is None or task not in TTL_SECONDS or not settings.RESPONSE_CACHE_ENABLED:
        return None
    parts = (str(user_id), task, tier, provider_type, model, key)
    return ENTRY_PREFIX + hashlib.sha256("\0".join(parts).encode()).hexdigest()


def lookup(*, entry: str) -> CachedAnswer | None:
    stored: Any = cache.get(entry)
    if not isinstance(stored, dict):
        return None
    fields = {name: stored[name] for name in ENTRY_FIELDS}
    return CachedAnswer(provider_type=stored["provider_type"], result=GenerationResult(latency_ms=0, **fields))


def store(*, task: str, generation: Generation) -> None:
    """Keep a validated answer; a no-op for an answer that came from the cache or a call not cached."""
    if generation.cache_key is None or generation.cached:
        return
    stored = {name: getattr(generation.result, name) for name in ENTRY_FIELDS}
    stored["provider_type"] = generation.provider_type
    cache.set(generation.cache_key, stored, TTL_SECONDS[task])


def discard(*, generation: Generation) -> None:
    """Drop a cached answer that failed validation, so the repair call asks the provider."""
    if generation.cached and generation.cache_key is not None:
        cache.delete(generation.cache_key)
