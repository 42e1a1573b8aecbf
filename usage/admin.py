"""Usage logs (read-only, fast on millions of rows), model prices, and the usage dashboard's URL.

The usage-log list stays fast on a large table because it never scans it whole:
- no full ``COUNT(*)``: ``show_full_result_count`` is off and the paginator uses PostgreSQL's row
  estimate for the unfiltered list (``usage.pagination``);
- the list filters offer fixed choices (providers, tasks, statuses, configs) instead of Django's
  default ``SELECT DISTINCT`` over the column;
- the date hierarchy's "which years / months / days have rows" question is answered with one index
  probe per candidate period (``IndexedDatesQuerySet``) instead of a ``DISTINCT`` over the rows;
- rows come with their user and config in the same query (``list_select_related``), and the
  config's encrypted key is not even loaded.
"""

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib import admin
from django.db.models import Max, Min, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import pluralize
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html

from core.permissions import SuperAdminModelAdminMixin
from providers.models import ProviderType
from subscriptions.models import Task
from usage import views
from usage.alert_store import alerts_resolve
from usage.models import (
    AIProviderUsageLog,
    Alert,
    ModelPrice,
    UsageDailyRollup,
    UsageDailyUserRollup,
    UsageDayPercentiles,
    UsageLatencyPrefix,
    UsageLatencyRollup,
    UsageRollupDay,
)
from usage.pagination import EstimatedCountPaginator


def choices_filter(field: str, title: str, choices: list[tuple[str, str]]) -> type[admin.SimpleListFilter]:
    """A list filter over fixed choices: no ``SELECT DISTINCT`` over a million rows to list them."""

    class ChoicesFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
            return choices

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            return queryset.filter(**{field: self.value()}) if self.value() else queryset

    ChoicesFilter.title = title
    return ChoicesFilter


class IndexedDatesQuerySet(QuerySet):
    """``datetimes()`` for the date hierarchy, from index range probes instead of a DISTINCT scan.

    Django asks which years / months / days hold rows with ``SELECT DISTINCT date_trunc(…)`` over
    every matching row. Here the candidates between the first and last row (a few dozen at most)
    are each checked by reading the first row of the period from the ``created_at`` index.
    """

    def datetimes(self, field_name: str, kind: str, order: str = "ASC", tzinfo: Any = None) -> list[datetime]:
        bounds = self.aggregate(first=Min(field_name), last=Max(field_name))
        if bounds["first"] is None:
            return []
        periods = _periods(bounds["first"], bounds["last"], kind)
        found = [start for start, end in periods if self._any(field_name, start, end)]
        return found if order == "ASC" else found[::-1]

    def _any(self, field_name: str, start: datetime, end: datetime) -> bool:
        # Ordered by the field so that the planner walks its index; a bare EXISTS may pick a
        # sequential scan that reads a third of the table before the first row of the month.
        in_period = self.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
        return in_period.order_by(field_name).values_list(field_name, flat=True).first() is not None


def _periods(first: datetime, last: datetime, kind: str) -> list[tuple[datetime, datetime]]:
    """Consecutive [start, end) periods of ``kind`` (year, month or day) covering first..last, local time."""
    start = _truncate(timezone.localtime(first), kind)
    periods = []
    while start <= last:
        end = _next(start, kind)
        periods.append((start, end))
        start = end
    return periods


def _truncate(moment: datetime, kind: str) -> datetime:
    fields = {"year": {"month": 1, "day": 1}, "month": {"day": 1}, "day": {}}[kind]
    naive = moment.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None, **fields)
    return timezone.make_aware(naive)


def _next(start: datetime, kind: str) -> datetime:
    naive = timezone.make_naive(start)
    if kind == "year":
        naive = naive.replace(year=naive.year + 1)
    elif kind == "month":
        naive = naive.replace(year=naive.year + naive.month // 12, month=naive.month % 12 + 1)
    else:
        naive = naive + timedelta(days=1)
    return timezone.make_aware(naive)


class ReadOnlyAdminMixin:
    """Rows only the service writes: shown, never added, changed or deleted in the admin."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AIProviderUsageLog)
class UsageLogAdmin(ReadOnlyAdminMixin, SuperAdminModelAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "user",
        "provider_type",
        "model",
        "task_type",
        "status",
        "attempt",
        "total_tokens",
        "cost_usd",
        "latency_ms",
        "config_name",
    )
    list_filter = (
        "status",
        choices_filter("provider_type", "provider", ProviderType.choices),
        choices_filter("task_type", "task", Task.choices),
        "provider_config",
    )
    search_fields = ("model", "user__username", "error_code")
    date_hierarchy = "created_at"
    list_select_related = ("user", "provider_config")
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[AIProviderUsageLog]:
        qs = super().get_queryset(request).defer("provider_config__api_key")
        return IndexedDatesQuerySet(model=qs.model, query=qs.query, using=qs.db)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        """A request id (UUID) finds its rows through the index; anything else searches the text fields."""
        try:
            return queryset.filter(request_id=uuid.UUID(search_term.strip())), False
        except ValueError:
            return super().get_search_results(request, queryset, search_term)

    @admin.display(description="Config", ordering="provider_config__name")
    def config_name(self, obj: AIProviderUsageLog) -> str:
        return obj.provider_config.name if obj.provider_config else "-"

    def get_urls(self) -> list[URLPattern]:
        dashboard = path(
            "dashboard/",
            self.admin_site.admin_view(views.UsageDashboardView.as_view(admin_site=self.admin_site)),
            name="usage_dashboard",
        )
        return [dashboard, *super().get_urls()]


@admin.register(ModelPrice)
class ModelPriceAdmin(SuperAdminModelAdminMixin, admin.ModelAdmin):
    list_display = (
        "provider_type",
        "model",
        "input_per_million",
        "output_per_million",
        "cached_input_per_million",
        "valid_from",
        "source",
    )
    list_filter = ("provider_type",)
    search_fields = ("model",)
    date_hierarchy = "valid_from"


class AlertStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("open", "Open"), ("resolved", "Resolved")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("open", "resolved"):
            return queryset.filter(resolved_at__isnull=self.value() == "open")
        return queryset


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, SuperAdminModelAdminMixin, admin.ModelAdmin):
    """Alerts stored by ``check_alerts``: read-only, open ones first, critical first; resolvable by hand."""

    list_display = ("is_open", "severity", "kind", "subject", "message", "last_seen_at", "occurrences", "first_seen_at")
    list_filter = (AlertStateFilter, "severity", "kind")
    search_fields = ("subject", "message")
    date_hierarchy = "last_seen_at"
    fields = (
        ("kind", "severity", "subject"),
        "message",
        "details_json",
        ("first_seen_at", "last_seen_at", "occurrences", "resolved_at"),
    )
    readonly_fields = (
        "kind",
        "severity",
        "subject",
        "message",
        "details_json",
        "first_seen_at",
        "last_seen_at",
        "occurrences",
        "resolved_at",
    )
    actions = ("mark_resolved",)

    @admin.display(description="Open", boolean=True, ordering="resolved_at")
    def is_open(self, alert: Alert) -> bool:
        return alert.is_open

    @admin.display(description="Details")
    def details_json(self, alert: Alert) -> str:
        return format_html("<pre>{}</pre>", json.dumps(alert.details, indent=2, sort_keys=True))

    @admin.action(description="Mark resolved (a condition that persists opens a new alert)")
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        count = alerts_resolve(alert_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} alert{pluralize(count)} marked resolved.")


@admin.register(UsageRollupDay)
class UsageRollupDayAdmin(ReadOnlyAdminMixin, SuperAdminModelAdminMixin, admin.ModelAdmin):
    """Which days the rollup holds (``manage.py usage_rollup``) and which lost their raw rows (``usage_prune``)."""

    list_display = ("day", "covered_until", "raw_rows", "in_prefix", "rolled_up_at", "pruned_at")
    date_hierarchy = "day"


@admin.register(UsageDailyRollup, UsageDailyUserRollup, UsageLatencyRollup, UsageLatencyPrefix, UsageDayPercentiles)
class UsageRollupAdmin(ReadOnlyAdminMixin, SuperAdminModelAdminMixin, admin.ModelAdmin):
    """The rollup rows behind the dashboard: written by ``usage_rollup`` only."""

    list_display = ("__str__", "day", "provider_type", "task_type")
    list_filter = ("provider_type",)
