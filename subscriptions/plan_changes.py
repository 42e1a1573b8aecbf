"""Putting a user on a plan (the super-admin API and the admin).

Rows are saved, not ``.update()``d, so the plan cache (``subscriptions.selectors``) is invalidated
by its receivers and the next call of that user runs on the new plan.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from subscriptions.models import Plan, Subscription


def subscription_set_plan(*, user: AbstractBaseUser, plan: Plan) -> Subscription:
    """Active on ``plan`` from now on, whether the user had a subscription or not."""
    subscription, _ = Subscription.objects.update_or_create(
        user=user,
        defaults={"plan": plan, "status": Subscription.Status.ACTIVE},
        create_defaults={"plan": plan, "status": Subscription.Status.ACTIVE, "current_period_start": timezone.now()},
    )
    return subscription
