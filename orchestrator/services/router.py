"""The model router (DESIGN.md §3, step 2): plan → tier → model.

The tier is ``quality`` when the task is in the plan's ``quality_tasks``, else ``fast``. The model is
the config's model for that tier; when the config leaves it blank, the environment's
(``*_MODEL_FAST`` / ``*_MODEL_QUALITY``), then the code defaults (``providers.models.default_model``).
"""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser

from orchestrator.services.configs import Candidate, provider_candidates
from providers.models import default_model
from subscriptions.models import Task
from subscriptions.selectors import PlanInfo, plan_for_user


class Tier(StrEnum):
    FAST = "fast"
    QUALITY = "quality"


class ModelRouter:
    def tier_for(self, *, plan: PlanInfo, task: str) -> Tier:
        return Tier.QUALITY if Task(task) in plan.quality_tasks else Tier.FAST

    def model_for(self, *, candidate: Candidate, tier: Tier) -> str:
        configured = candidate.quality_model if tier == Tier.QUALITY else candidate.fast_model
        return configured or default_model(candidate.provider_type, tier)

    def get_model_for_user(self, user: AbstractBaseUser, task: str) -> str:
        """The model the user's call for ``task`` goes to first (the first candidate config)."""
        tier = self.tier_for(plan=plan_for_user(user=user), task=task)
        return self.model_for(candidate=provider_candidates(user=user)[0], tier=tier)
