"""``GET /api/v1/usage/me``: the user's plan, quota status and latest calls."""

from dataclasses import asdict
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from subscriptions.services import quota_status
from usage.models import AIProviderUsageLog

RECENT_CALLS = 10
RECENT_CALL_FIELDS = (
    "created_at", "task_type", "provider_type", "model", "status", "input_tokens", "output_tokens", "total_tokens",
    "latency_ms", "error_code",
)


def usage_me(*, user: AbstractBaseUser) -> dict[str, Any]:
    status = quota_status(user=user)
    plan = status.plan
    return {
        "plan": {
            "code": plan.code, "name": plan.name, "requests_per_minute": plan.requests_per_minute,
            "quality_tasks": sorted(plan.quality_tasks),
        },
        "daily": _period(asdict(status.daily)),
        "monthly": _period(asdict(status.monthly)),
        "recent_calls": list(
            AIProviderUsageLog.objects.filter(user=user).order_by("-created_at", "-id").values(*RECENT_CALL_FIELDS)[
                :RECENT_CALLS
            ]
        ),
    }


def _period(quota: dict[str, Any]) -> dict[str, Any]:
    return {key: quota[key] for key in ("limit", "used", "reserved", "remaining", "resets_at")}
