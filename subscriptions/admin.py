"""Plans, subscriptions and quota counters in the admin, and users with their plan and today's usage."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Case, Count, F, OuterRef, QuerySet, Subquery, Value, When
from django.http import HttpRequest
from django.utils import timezone

from core.permissions import SuperAdminModelAdminMixin
from subscriptions.models import Plan, QuotaCounter, QuotaReservation, Subscription, Task
from subscriptions.services import period_starts


class PlanForm(forms.ModelForm):
    quality_tasks = forms.MultipleChoiceField(
        choices=Task.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The tasks that get the quality model on this plan; the others get the fast model.",
    )

    class Meta:
        model = Plan
        fields = ("code", "name", "daily_token_limit", "monthly_token_limit", "quality_tasks", "requests_per_minute")


@admin.register(Plan)
class PlanAdmin(SuperAdminModelAdminMixin, admin.ModelAdmin):
    form = PlanForm
    list_display = (
        "code",
        "name",
        "daily_token_limit",
        "monthly_token_limit",
        "requests_per_minute",
        "quality_tasks_list",
        "subscribers",
    )
    list_editable = ("daily_token_limit", "monthly_token_limit", "requests_per_minute")
    search_fields = ("code", "name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Plan]:
        return super().get_queryset(request).annotate(subscriber_count=Count("subscriptions"))

    @admin.display(description="Quality tasks")
    def quality_tasks_list(self, obj: Plan) -> str:
        return ", ".join(obj.quality_tasks) or "none"

    @admin.display(description="Subscribers", ordering="subscriber_count")
    def subscribers(self, obj: Plan) -> int:
        return obj.subscriber_count


@admin.register(Subscription)
class SubscriptionAdmin(SuperAdminModelAdminMixin, admin.ModelAdmin):
    list_display = ("user", "plan", "status", "current_period_start", "current_period_end", "updated_at")
    list_filter = ("plan", "status")
    list_select_related = ("user", "plan")
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)


@admin.register(QuotaCounter)
class QuotaCounterAdmin(SuperAdminModelAdminMixin, admin.ModelAdmin):
    """Read-only: counters change only through the quota service's conditional UPDATEs."""

    list_display = ("user", "period", "period_start", "used", "reserved")
    list_filter = ("period",)
    list_select_related = ("user",)
    search_fields = ("user__username",)
    date_hierarchy = "period_start"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: QuotaCounter | None = None) -> bool:
        return False


@admin.register(QuotaReservation)
class QuotaReservationAdmin(SuperAdminModelAdminMixin, admin.ModelAdmin):
    """Read-only: the reservations of calls in flight; an old one belongs to a process killed mid-call and is
    released by ``manage.py quota_reclaim``, never by hand (that would release it twice)."""

    list_display = ("user", "tokens", "created_at", "day_start", "month_start")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: QuotaReservation | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: QuotaReservation | None = None) -> bool:
        return False


class SubscriptionInline(admin.StackedInline):
    model = Subscription
    can_delete = True
    max_num = 1
    extra = 0


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserWithPlanAdmin(SuperAdminModelAdminMixin, UserAdmin):
    """The stock user admin plus the plan each user is on and the tokens they used today (UTC day)."""

    list_display = (*UserAdmin.list_display, "plan", "tokens_today")
    list_filter = (*UserAdmin.list_filter, "subscription__plan")
    inlines = (SubscriptionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        today, _ = period_starts(timezone.now())
        plan_code = Case(
            When(subscription__status=Subscription.Status.ACTIVE, then=F("subscription__plan__code")),
            default=Value(settings.DEFAULT_PLAN_CODE),
        )
        daily_limit = Plan.objects.filter(code=OuterRef("plan_code")).values("daily_token_limit")[:1]
        used_today = QuotaCounter.objects.filter(
            user=OuterRef("pk"), period=QuotaCounter.Period.DAY, period_start=today
        ).values("used")[:1]
        return (
            super()
            .get_queryset(request)
            .annotate(plan_code=plan_code)
            .annotate(daily_limit=Subquery(daily_limit), used_today=Subquery(used_today))
        )

    @admin.display(description="Plan", ordering="plan_code")
    def plan(self, obj: User) -> str:
        return obj.plan_code

    @admin.display(description="Tokens today", ordering="used_today")
    def tokens_today(self, obj: User) -> str:
        limit = "unlimited" if obj.daily_limit is None else f"{obj.daily_limit:,}"
        return f"{obj.used_today or 0:,} / {limit}"
