from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "usage"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from usage.models import ModelPrice
        from usage.pricing import price_cache_clear

        # An admin's price edit applies to the next call (usage.pricing caches the price table).
        for signal in (post_save, post_delete):
            signal.connect(price_cache_clear, sender=ModelPrice)
