"""Reads of plans: the plan a user is on.

The plan table (a few rows) is kept per process for ``LOCAL_CACHE_SECONDS`` (core.local_cache), so an
admin's edit of a limit, the quality tasks or the requests per minute applies in every process within a
second, however it was written. A user's subscription is read with the user: the API's token
authentication (core.authentication) loads it in the same query, so a request reads no extra row for
it; elsewhere it is one query.

A user without a subscription, or whose subscription is not ``active`` (canceled, past due), is on
the default plan (``settings.DEFAULT_PLAN_CODE``).
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from core.local_cache import local_cache
from subscriptions.models import Plan, Subscription

logger = logging.getLogger(__name__)

_SUBSCRIPTION = Subscription._meta.get_field("user").remote_field  # the user → subscription relation


@dataclass(frozen=True)
class PlanInfo:
    code: str
    name: str
    daily_token_limit: int | None  # None = unlimited
    monthly_token_limit: int | None
    quality_tasks: frozenset[str]
    requests_per_minute: int

    @classmethod
    def from_plan(cls, plan: Plan) -> "PlanInfo":
        return cls(
            code=plan.code,
            name=plan.name,
            daily_token_limit=plan.daily_token_limit,
            monthly_token_limit=plan.monthly_token_limit,
            quality_tasks=frozenset(plan.quality_tasks or ()),
            requests_per_minute=plan.requests_per_minute,
        )


@local_cache()
def plan_table() -> dict[str, PlanInfo]:
    return {plan.code: PlanInfo.from_plan(plan) for plan in Plan.objects.all()}


def plan_for_user(*, user: AbstractBaseUser) -> PlanInfo:
    """The plan the user is on now."""
    code = _subscribed_plan_code(user) or settings.DEFAULT_PLAN_CODE
    return plan_table().get(code) or _missing_plan(code)


def _subscribed_plan_code(user: AbstractBaseUser) -> str | None:
    if _SUBSCRIPTION.is_cached(user):
        subscription = getattr(user, "subscription", None)  # loaded with the user: no query
        active = subscription is not None and subscription.status == Subscription.Status.ACTIVE
        return subscription.plan.code if active else None
    return (
        Subscription.objects.filter(user_id=user.pk, status=Subscription.Status.ACTIVE)
        .values_list("plan__code", flat=True)
        .first()
    )


def _missing_plan(code: str) -> PlanInfo:
    """Fail closed: without its plan row a user gets no tokens, never unlimited ones."""
    logger.error("plan %r does not exist (DEFAULT_PLAN_CODE or a subscription points at it)", code)
    return PlanInfo(code, code, 0, 0, frozenset(), 0)
