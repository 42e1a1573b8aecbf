"""Reads of plans: the plan a user is on, cached.

The cache holds two kinds of entries: the whole plan table (small) under one key, and per user the
code of the plan their subscription points at. Both are dropped when a Plan or a Subscription is
saved or deleted (receivers connected in ``SubscriptionsConfig.ready``), so an admin's edit of a
limit or of the quality tasks applies to the next call.

A user without a subscription, or whose subscription is not ``active`` (canceled, past due), is on
the default plan (``settings.DEFAULT_PLAN_CODE``).
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction

from subscriptions.models import Plan, Subscription

logger = logging.getLogger(__name__)

PLAN_TABLE_KEY = "subscriptions:plans"
USER_PLAN_KEY = "subscriptions:user-plan:{user_id}"
USER_PLAN_TTL = 24 * 3600  # a backstop only; saves and deletes invalidate the entry at once
_DEFAULT = "__default__"  # cached for users on the default plan (None would read as a cache miss)


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


def plan_table() -> dict[str, PlanInfo]:
    plans = cache.get(PLAN_TABLE_KEY)
    if plans is None:
        plans = {plan.code: PlanInfo.from_plan(plan) for plan in Plan.objects.all()}
        cache.set(PLAN_TABLE_KEY, plans, None)
    return plans


def plan_for_user(*, user: AbstractBaseUser) -> PlanInfo:
    """The plan the user is on now: one cache round trip when warm, no query."""
    user_key = USER_PLAN_KEY.format(user_id=user.pk)
    cached = cache.get_many([PLAN_TABLE_KEY, user_key])
    plans = cached.get(PLAN_TABLE_KEY)
    if plans is None:
        plans = plan_table()
    code = cached.get(user_key)
    if code is None:
        code = _subscribed_plan_code(user) or _DEFAULT
        cache.set(user_key, code, USER_PLAN_TTL)
    if code == _DEFAULT:
        code = settings.DEFAULT_PLAN_CODE
    return plans.get(code) or _missing_plan(code)


def _subscribed_plan_code(user: AbstractBaseUser) -> str | None:
    return (
        Subscription.objects.filter(user_id=user.pk, status=Subscription.Status.ACTIVE)
        .values_list("plan__code", flat=True)
        .first()
    )


def _missing_plan(code: str) -> PlanInfo:
    """Fail closed: without its plan row a user gets no tokens, never unlimited ones."""
    logger.error("plan %r does not exist (DEFAULT_PLAN_CODE or a subscription points at it)", code)
    return PlanInfo(code, code, 0, 0, frozenset(), 0)


def _forget(key: str) -> None:
    """Drop now, and again on commit: a reader between the two may have cached the old rows."""
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def plan_cache_clear(**kwargs: Any) -> None:
    """Receiver for Plan post_save / post_delete."""
    _forget(PLAN_TABLE_KEY)


def user_plan_cache_clear(*, instance: Subscription, **kwargs: Any) -> None:
    """Receiver for Subscription post_save / post_delete."""
    _forget(USER_PLAN_KEY.format(user_id=instance.user_id))
