"""Writes to the usage log: one row per provider attempt and per refusal (docs/architecture.md, "Data model")."""

import uuid
from dataclasses import dataclass

from django.utils import timezone

from core.redaction import redact_secrets
from core.text import storable
from usage.metrics import usage_metrics_observe
from usage.models import AIProviderUsageLog
from usage.pricing import call_cost

ERROR_MESSAGE_MAX = 500


@dataclass(frozen=True)
class UsageContext:
    """What every row of one ``generate()`` call shares."""

    user_id: int | None
    task_type: str
    plan: str
    request_id: uuid.UUID


def usage_log_record(
    *,
    context: UsageContext,
    status: str,
    provider_config_id: int | None = None,
    provider_type: str = "",
    model: str = "",
    input_tokens: int = 0,
    output_tokens: int = 0,
    error_code: str = "",
    error_message: str = "",
    latency_ms: int = 0,
    attempt: int = 1,
) -> AIProviderUsageLog:
    """Price the attempt, write its row (one INSERT) and count it in the metrics. Error messages are redacted
    (vendors echo partly masked keys: "Incorrect API key provided: sk-proj-***abcd") and truncated."""
    now = timezone.now()
    row = AIProviderUsageLog.objects.create(
        user_id=context.user_id,
        provider_config_id=provider_config_id,
        provider_type=provider_type,
        model=model,
        task_type=context.task_type,
        plan=context.plan,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
        cost_usd=call_cost(
            provider_type=provider_type,
            model=model,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            on=now.date(),
        ),
        status=status,
        error_code=error_code,
        error_message=storable(redact_secrets(error_message))[:ERROR_MESSAGE_MAX],
        latency_ms=max(0, latency_ms),
        attempt=attempt,
        request_id=context.request_id,
        created_at=now,
    )
    usage_metrics_observe(row)
    return row
