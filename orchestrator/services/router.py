"""The model router (docs/architecture.md, "An AI call", step 2): plan → tier → model.

The tier is ``quality`` when the task is in the plan's ``quality_tasks``, else ``fast``. The model is
the config's model for that tier; when the config leaves it blank, the environment's
(``*_MODEL_FAST`` / ``*_MODEL_QUALITY``), then the code defaults (``providers.models.default_model``).
"""

from enum import StrEnum

from orchestrator.services.configs import Candidate
from providers.models import default_model
from subscriptions.models import Task
from subscriptions.selectors import PlanInfo


class Tier(StrEnum):
    FAST = "fast"
    QUALITY = "quality"


def tier_for(*, plan: PlanInfo, task: str) -> Tier:
    return Tier.QUALITY if Task(task) in plan.quality_tasks else Tier.FAST


def model_for(*, candidate: Candidate, tier: Tier) -> str:
    configured = candidate.quality_model if tier == Tier.QUALITY else candidate.fast_model
    return configured or default_model(candidate.provider_type, tier)
