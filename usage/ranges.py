"""The ranges the usage figures are asked for — a day range (``UsageFilters``) or a moment window
(``UsageWindow``) — and the raw log rows they select."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from usage.models import AIProviderUsageLog

GROUP_KEYS = ("day", "provider_type", "model", "task_type")
DEFAULT_DAYS = 30
MAX_RANGE_DAYS = 366  # a year of rows is already a full scan of a big table
# A range's default start is 30 days before its end and its end is midnight after the last day: at the ends
# of the calendar (0001-01-01, 9999-12-31) that arithmetic overflowed (a 500 from the stats API and the dashboard).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(9999, 12, 30)


@dataclass(frozen=True)
class UsageFilters:
    """A date range (both ends inclusive, in the current time zone) and optional equality filters."""

    date_from: date
    date_to: date
    provider_type: str = ""
    task_type: str = ""

    @classmethod
    def build(
        cls,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        provider_type: str | None = "",
        task_type: str | None = "",
        days: int = DEFAULT_DAYS,
    ) -> "UsageFilters":
        """Missing ends default to today and to ``days`` days before ``date_to``."""
        date_to = date_to or timezone.localdate()
        date_from = date_from or date_to - timedelta(days=days - 1)
        return cls(date_from=date_from, date_to=date_to, provider_type=provider_type or "", task_type=task_type or "")

    @classmethod
    def last_days(cls, days: int = DEFAULT_DAYS, **kwargs: Any) -> "UsageFilters":
        return cls.build(days=days, **kwargs)

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))


@dataclass(frozen=True)
class UsageWindow:
    """An exact ``[start, end)`` moment range (the alerts' "last hour"), with the same optional filters.

    Every selector taking ``filters`` accepts it in place of a ``UsageFilters`` day range.
    """

    start: datetime
    end: datetime
    provider_type: str = ""
    task_type: str = ""

    @classmethod
    def last(cls, *, until: datetime, hours: float = 0, minutes: float = 0) -> "UsageWindow":
        return cls(start=until - timedelta(hours=hours, minutes=minutes), end=until)


UsageRange = UsageFilters | UsageWindow


def usage_range_error(*, date_from: date | None, date_to: date | None) -> str | None:
    """Why a requested range cannot be shown, or None (shared by the dashboard form and the stats API)."""
    for day in (date_from, date_to):
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            return f"Dates must lie between {EARLIEST_DATE} and {LATEST_DATE}."
    if date_from is None:
        return None
    date_to = date_to or timezone.localdate()
    if date_from > date_to:
        return "The start must not be after the end."
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        return f"The range may span at most {MAX_RANGE_DAYS} days."
    return None


def usage_log_queryset(*, filters: UsageRange) -> QuerySet[AIProviderUsageLog]:
    qs = AIProviderUsageLog.objects.filter(created_at__gte=filters.start, created_at__lt=filters.end)
    if filters.provider_type:
        qs = qs.filter(provider_type=filters.provider_type)
    if filters.task_type:
        qs = qs.filter(task_type=filters.task_type)
    return qs.order_by()


def grouped(qs: QuerySet, keys: Sequence[str], *also: str) -> QuerySet:
    """``qs`` grouped by ``keys`` (and ``also``): raw rows get their ``day`` in the current time zone."""
    unknown = set(keys) - set(GROUP_KEYS)
    if unknown:
        raise ValueError(f"Cannot group usage by {sorted(unknown)}")
    if "day" in keys and qs.model is AIProviderUsageLog:
        qs = qs.annotate(day=TruncDate("created_at"))
    if not keys and not also:  # one group: the whole range (a constant is left out of GROUP BY)
        return qs.annotate(everything=Value(1)).values("everything")
    return qs.values(*keys, *also)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """``[start, end)`` of a day in ``TIME_ZONE`` (the zone of every date in the dashboard and stats)."""
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()
