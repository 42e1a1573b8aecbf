"""AIOrchestrator.generate: the one path every AI call takes (docs/architecture.md, "An AI call").

1. candidates   the user's own configs, the global ones, else the environment (services.configs);
                none → ``NoProviderConfigured``, logged (provider_config null, status error)
2. route        plan → tier → model per candidate, once per call (services.router)
   cache        with a ``cache_key`` and a task the policy caches: a stored answer is returned at once, logged
                as one ``cache_hit`` row, with no reservation and no provider call (services.response_cache)
3. reserve      the estimate once per call on the daily and monthly counters; a refusal raises
                ``QuotaExceeded``, is logged (status ``quota_exceeded``) and nothing is sent
4. attempts     each candidate in turn, outside any transaction, one usage-log row per attempt sharing
                the call's request id; a retryable ``ProviderError`` (rate limited, unavailable,
                timeout) moves on to the next candidate, any other stops at once
5. settle       once, in ``finally``, to the tokens billed across the attempts (0 if none reached a
                provider), whatever happened

Quota estimate: ceil(characters of system + prompt / 3) — deliberately conservative, vendors average
~4 characters a token — plus 1,000 tokens per image (a 1024x1024 image is roughly 765 to 1,300 tokens
depending on the vendor) plus the output budget (the task's ``MAX_OUTPUT_TOKENS`` or the explicit argument).
"""

import math
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from core.db import db_connection_release
from core.errors import AppError
from core.request_id import request_uuid
from orchestrator.errors import (
    InvalidOutput,
    NoProviderConfigured,
    ProviderFailed,
    ProviderTimeout,
    ProviderUnavailable,
)
from orchestrator.policies import MAX_OUTPUT_TOKENS
from orchestrator.services import response_cache
from orchestrator.services.configs import Candidate, provider_candidates, provider_for
from orchestrator.services.router import Tier, model_for, tier_for
from providers.base import AIProvider, ErrorCode, GenerationRequest, GenerationResult, ImageInput, ProviderError
from subscriptions.errors import QuotaExceeded
from subscriptions.models import Task
from subscriptions.services import PlanInfo, Reservation, plan_for_user, quota_reserve, quota_settle
from usage.models import AIProviderUsageLog, UsageStatus
from usage.services import UsageContext, usage_log_record

CHARS_PER_TOKEN_ESTIMATE = 3
TOKENS_PER_IMAGE_ESTIMATE = 1000
DEFAULT_RETRY_AFTER = 30  # seconds, when no vendor said how long to wait


@dataclass(frozen=True)
class Generation:
    result: GenerationResult
    usage_log_id: int
    request_id: uuid.UUID
    provider_type: str
    attempts: int = 1  # provider attempts; 0 for an answer from the response cache
    cost_usd: Decimal | None = None
    cached: bool = False  # answered from the response cache
    cache_key: str | None = None  # the response-cache entry of this call; None when it is not cached
    # The row itself, so that what is saved with it (a JobPosting, a Draft) shows its provider with no query.
    usage_log: AIProviderUsageLog | None = field(default=None, compare=False, repr=False)


@dataclass
class _Call:
    """The state of one generate() call across its attempts."""

    context: UsageContext
    request: GenerationRequest
    tier: Tier
    cache_key: str | None = None
    billed_tokens: int = 0
    attempts: int = 0
    failures: list[ProviderError] = field(default_factory=list)


def estimate_tokens(*, prompt: str, system: str, images: Sequence[ImageInput], max_output_tokens: int) -> int:
    text_tokens = math.ceil((len(system) + len(prompt)) / CHARS_PER_TOKEN_ESTIMATE)
    return text_tokens + TOKENS_PER_IMAGE_ESTIMATE * len(images) + max_output_tokens


@dataclass(frozen=True)
class Route:
    """A candidate config and the model it is called with for this call's tier."""

    candidate: Candidate
    model: str


class AIOrchestrator:
    def generate(
        self,
        *,
        user: AbstractBaseUser,
        task: str,
        prompt: str,
        system: str = "",
        images: Sequence[ImageInput] = (),
        output_schema: dict[str, Any] | None = None,
        schema_name: str = "output",
        max_output_tokens: int | None = None,
        cache_key: str | None = None,
    ) -> Generation:
        """``cache_key``: what the answer depends on (``response_cache.input_key``), for the response cache;
        the prompt itself cannot be the key. The request id is the bound one (``core.request_id``)."""
        task = Task(task)
        plan = plan_for_user(user=user)
        context = UsageContext(user.pk, task.value, plan.code, request_uuid())
        tier = tier_for(plan=plan, task=task)
        routes = _routes(user, context, tier)
        entry = _cache_entry(context, routes[0], tier, cache_key) if cache_key else None
        cached = _from_cache(context, entry) if entry else None
        if cached is not None:
            return cached
        request = GenerationRequest(
            model="",  # set per attempt from its route
            prompt=prompt,
            system=system,
            images=tuple(images),
            output_schema=output_schema,
            schema_name=schema_name,
            max_output_tokens=max_output_tokens or MAX_OUTPUT_TOKENS[task],
            timeout=settings.PROVIDER_TIMEOUT_SECONDS,
        )
        call = _Call(context=context, request=request, tier=tier, cache_key=entry)
        reservation = _reserve(user, plan, call, routes[0])
        try:
            return _first_success(call, routes)
        finally:
            quota_settle(reservation=reservation, actual_tokens=call.billed_tokens)


def _routes(user: AbstractBaseUser, context: UsageContext, tier: Tier) -> list[Route]:
    try:
        candidates = provider_candidates(user=user)
    except NoProviderConfigured as exc:
        _log_refusal(context, UsageStatus.ERROR, exc)
        raise
    return [Route(candidate, model_for(candidate=candidate, tier=tier)) for candidate in candidates]


def _cache_entry(context: UsageContext, first: Route, tier: Tier, cache_key: str) -> str | None:
    return response_cache.entry_key(
        user_id=context.user_id, task=context.task_type, tier=tier,
        provider_type=first.candidate.provider_type, model=first.model, key=cache_key,
    )


def _reserve(user: AbstractBaseUser, plan: PlanInfo, call: _Call, first: Route) -> Reservation:
    request = call.request
    tokens = estimate_tokens(
        prompt=request.prompt, system=request.system, images=request.images,
        max_output_tokens=request.max_output_tokens,
    )
    try:
        return quota_reserve(user=user, plan=plan, tokens=tokens)
    except QuotaExceeded as exc:
        fields = {"provider_type": first.candidate.provider_type, "model": first.model}
        _log_refusal(call.context, UsageStatus.QUOTA_EXCEEDED, exc, **fields)
        raise


def _first_success(call: _Call, routes: list[Route]) -> Generation:
    for route in routes:
        provider = provider_for(route.candidate)
        if provider is None:  # deleted or deactivated since the candidates were read
            continue
        call.attempts += 1
        try:
            return _attempt(call, route, provider)
        except ProviderError as exc:
            if not exc.retryable:
                raise _permanent_error(exc, route.candidate) from exc
            call.failures.append(exc)
    if not call.failures:
        exc = NoProviderConfigured()
        _log_refusal(call.context, UsageStatus.ERROR, exc)
        raise exc
    raise _exhausted_error(call.failures)


def _attempt(call: _Call, route: Route, provider: AIProvider) -> Generation:
    candidate, model = route.candidate, route.model
    db_connection_release()  # no connection is held through the provider call (core.db)
    started = time.perf_counter()
    try:
        result = provider.generate(replace(call.request, model=model))
    except Exception as exc:
        _log_failed_attempt(call, candidate, started, model, exc)
        raise
    call.billed_tokens += result.input_tokens + result.output_tokens
    log = _log_attempt(
        call, candidate, started, model=result.model or model, status=UsageStatus.SUCCESS,
        input_tokens=result.input_tokens, output_tokens=result.output_tokens,
    )
    return Generation(
        result=result, usage_log_id=log.pk, usage_log=log, request_id=call.context.request_id,
        provider_type=candidate.provider_type, attempts=call.attempts, cost_usd=log.cost_usd,
        cache_key=call.cache_key,
    )


def _from_cache(context: UsageContext, entry_key: str) -> Generation | None:
    """The stored answer as this call's result, logged as one ``cache_hit`` row (0 tokens, cost 0); None on a
    miss. The row has no provider config: the one that answered may have been deleted since."""
    started = time.perf_counter()
    answer = response_cache.lookup(entry=entry_key)
    if answer is None:
        return None
    latency_ms = round((time.perf_counter() - started) * 1000)
    log = usage_log_record(
        context=context,
        status=UsageStatus.CACHE_HIT,
        provider_type=answer.provider_type,
        model=answer.result.model,
        latency_ms=latency_ms,
    )
    return Generation(
        result=replace(answer.result, latency_ms=latency_ms),
        usage_log_id=log.pk,
        usage_log=log,
        request_id=context.request_id,
        provider_type=answer.provider_type,
        attempts=0,
        cost_usd=log.cost_usd,
        cached=True,
        cache_key=entry_key,
    )


def _log_attempt(call: _Call, candidate: Candidate, started: float, **fields: Any) -> AIProviderUsageLog:
    return usage_log_record(
        context=call.context,
        provider_config_id=candidate.config_id,
        provider_type=candidate.provider_type,
        latency_ms=round((time.perf_counter() - started) * 1000),
        attempt=call.attempts,
        **fields,
    )


def _log_failed_attempt(call: _Call, candidate: Candidate, started: float, model: str, exc: Exception) -> None:
    """One error row. Anything but a ProviderError is a bug in a backend: logged by its type only."""
    if isinstance(exc, ProviderError):
        call.billed_tokens += exc.input_tokens
        fields = {"input_tokens": exc.input_tokens, "error_code": exc.code, "error_message": exc.message}
    else:
        fields = {"error_code": "internal_error", "error_message": type(exc).__name__}
    _log_attempt(call, candidate, started, model=model, status=UsageStatus.ERROR, **fields)


def _log_refusal(context: UsageContext, status: str, exc: AppError, **fields: Any) -> None:
    """A call refused before any provider was tried: one row, no provider config, no tokens."""
    usage_log_record(context=context, status=status, error_code=exc.code, error_message=exc.message, **fields)


def _permanent_error(exc: ProviderError, candidate: Candidate) -> AppError:
    """Auth, bad request or unusable output: no point trying another provider with the same request."""
    details = {"provider": candidate.provider_type, "provider_code": exc.code}
    if exc.code == ErrorCode.INVALID_OUTPUT:
        return InvalidOutput(details=details)
    # The vendor's own message stays in the usage log (redacted): it may quote part of the key.
    return ProviderFailed(f"The {candidate.provider_type} provider refused the request ({exc.code}).", details=details)


def _exhausted_error(failures: list[ProviderError]) -> AppError:
    details = {"attempts": len(failures), "provider_codes": [f.code for f in failures]}
    if all(f.code == ErrorCode.TIMEOUT for f in failures):
        return ProviderTimeout(details=details)
    if all(f.code in (ErrorCode.TIMEOUT, ErrorCode.BAD_RESPONSE) for f in failures):
        # Every provider was reached and answered badly (cut off, too large): a bad gateway, not an outage.
        return ProviderFailed("The AI provider's answer broke off or was too large.", details=details)
    retry_after = max((f.retry_after for f in failures if f.retry_after), default=DEFAULT_RETRY_AFTER)
    return ProviderUnavailable(details=details, retry_after=math.ceil(retry_after))
