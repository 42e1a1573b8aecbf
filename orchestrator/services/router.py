"""The model router (DESIGN.md §3, step 2): plan → tier → model.

The tier is ``quality`` when the task is in the plan's ``quality_tasks``, else ``fast``. The model is
the config's model for that tier; when the config leaves it blank, the environment's
(``*_MODEL_FAST`` / ``*_MODEL_QUALITY``), then the code defaults below.
"""

from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from orchestrator.services.configs import Candidate, provider_candidates
from subscriptions.models import Task
from subscriptions.selectors import PlanInfo, plan_for_user


class Tier(StrEnum):
    FAST = "fast"
    QUALITY = "quality"


CODE_DEFAULT_MODELS: dict[str, dict[Tier, str]] = {
    "gemini": {Tier.FAST: "gemini-2.5-flash", Tier.QUALITY: "gemini-2.5-pro"},
    "openai": {Tier.FAST: "gpt-5-mini", Tier.QUALITY: "gpt-5"},
    "anthropic": {Tier.FAST: "claude-haiku-4-5", Tier.QUALITY: "claude-sonnet-5-5"},
    "mock": {Tier.FAST: "mock-fast", Tier.QUALITY: "mock-quality"},
}


class ModelRouter:
    def tier_for(self, *, plan: PlanInfo, task: str) -> Tier:
        return Tier.QUALITY if Task(task) in plan.quality_tasks else Tier.FAST

    def model_for(self, *, candidate: Candidate, tier: Tier) -> str:
        configured = candidate.quality_model if tier == Tier.QUALITY else candidate.fast_model
        from_env = settings.PROVIDER_ENV.get(candidate.provider_type, {}).get(f"{tier}_model", "")
        return configured or from_env or CODE_DEFAULT_MODELS.get(candidate.provider_type, {}).get(tier, "")

    def get_model_for_user(self, user: AbstractBaseUser, task: str) -> str:
        """The model the user's call for ``task`` goes to first (the first candidate config)."""
        tier = self.tier_for(plan=plan_for_user(user=user), task=task)
        return self.model_for(candidate=provider_candidates(user=user)[0], tier=tier)
