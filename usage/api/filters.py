import django_filters

from usage.models import AIProviderUsageLog


class UsageLogFilter(django_filters.FilterSet):
    """``?user=&provider_type=&provider_config=&model=&task_type=&status=&created_at_after=&created_at_before=``."""

    created_at = django_filters.IsoDateTimeFromToRangeFilter()

    class Meta:
        model = AIProviderUsageLog
        fields = ("user", "provider_type", "provider_config", "model", "task_type", "status", "created_at")
