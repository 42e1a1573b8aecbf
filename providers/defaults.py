"""Marking a provider config as the global default (used by the admin action and the super-admin API)."""

from django.db import transaction

from providers.errors import DefaultNotAllowed
from providers.models import AIProviderConfig


def provider_config_make_default(*, config: AIProviderConfig) -> AIProviderConfig:
    """Unset the current global default and set ``config``, in one transaction.

    The database allows at most one global default (owner null), so the old one is cleared first.
    Each row is saved (not ``.update()``d) so that whatever listens to config changes — the config
    cache of the orchestrator — sees them.
    """
    if config.owner_id is not None:
        raise DefaultNotAllowed(
            "A user's own config cannot be the global default.", details={"owner": [str(config.owner_id)]}
        )
    if not config.is_active:
        raise DefaultNotAllowed("Activate the config before making it the default.", details={"is_active": [False]})
    with transaction.atomic():
        current = AIProviderConfig.objects.select_for_update().filter(is_default=True, owner__isnull=True)
        for other in current.exclude(pk=config.pk):
            other.is_default = False
            other.save(update_fields=["is_default", "updated_at"])
        config.is_default = True
        config.save(update_fields=["is_default", "updated_at"])
    return config
