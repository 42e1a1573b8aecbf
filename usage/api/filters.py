from datetime import UTC

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeRangeField

from usage.models import AIProviderUsageLog


class UtcDateTimeRangeField(IsoDateTimeRangeField):
    """A moment the database cannot be sent is invalid: it is sent in UTC, and a moment with an offset at the
    ends of the calendar (``0001-01-01T00:00+05:00``, ``9999-12-31T23:59-05:00``) has no UTC time (the
    conversion raised OverflowError: a 500)."""

    def compress(self, data_list: list) -> slice | None:
        for moment in data_list or ():
            if moment is None:
                continue
            try:
                moment.astimezone(UTC)
            except OverflowError as exc:
                raise ValidationError("This moment is out of range in UTC.", code="out_of_range") from exc
        return super().compress(data_list)


class UtcDateTimeFromToRangeFilter(django_filters.IsoDateTimeFromToRangeFilter):
    field_class = UtcDateTimeRangeField


class UsageLogFilter(django_filters.FilterSet):
    """``?user=&provider_type=&provider_config=&model=&task_type=&status=&created_at_after=&created_at_before=``."""

    created_at = UtcDateTimeFromToRangeFilter()

    class Meta:
        model = AIProviderUsageLog
        fields = ("user", "provider_type", "provider_config", "model", "task_type", "status", "created_at")
