"""AIOrchestrator.generate: the one path every AI call takes (DESIGN.md §3).

TEMPORARY STUB with the final signature, so that the API can be built beside it: it takes the first
active config, calls it and logs one row. Issue 4 replaces the body (hierarchy, router, quotas,
fallback, pricing) and keeps the signature.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from orchestrator.errors import NoProviderConfigured
from orchestrator.policies import MAX_OUTPUT_TOKENS
from providers.base import GenerationRequest, GenerationResult, ImageInput
from providers.models import AIProviderConfig
from providers.registry import ProviderFactory, ProviderSettings
from usage.models import AIProviderUsageLog


@dataclass(frozen=True)
class Generation:
    result: GenerationResult
    usage_log_id: int
    request_id: uuid.UUID
    provider_type: str


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
        request_id: uuid.UUID | None = None,
    ) -> Generation:
        config = AIProviderConfig.objects.filter(is_active=True).first()
        if config is None:
            raise NoProviderConfigured()
        spec = ProviderSettings(config.provider_type, config.api_key, config.base_url, (config.pk, config.updated_at))
        request = GenerationRequest(
            model=config.fast_model,
            prompt=prompt,
            system=system,
            images=tuple(images),
            output_schema=output_schema,
            schema_name=schema_name,
            max_output_tokens=max_output_tokens or MAX_OUTPUT_TOKENS[task],
        )
        result = ProviderFactory.get(spec).generate(request)
        request_id = request_id or uuid.uuid4()
        log = AIProviderUsageLog.objects.create(
            user=user, provider_config=config, provider_type=config.provider_type, model=result.model,
            task_type=task, input_tokens=result.input_tokens, output_tokens=result.output_tokens,
            total_tokens=result.input_tokens + result.output_tokens, status="success", request_id=request_id,
        )
        return Generation(result=result, usage_log_id=log.pk, request_id=request_id, provider_type=config.provider_type)
