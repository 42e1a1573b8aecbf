from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from subscriptions.models import Plan, Subscription
        from subscriptions.selectors import plan_cache_clear, user_plan_cache_clear

        # Drop the cached plan table / a user's plan when an admin edits them (subscriptions.selectors).
        for signal in (post_save, post_delete):
            signal.connect(plan_cache_clear, sender=Plan)
            signal.connect(user_plan_cache_clear, sender=Subscription)
