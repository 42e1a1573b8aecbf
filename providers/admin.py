"""Provider configs in the admin: the key masked and write-only, test and make-default actions, 24 h health.

The key field is a password input that never renders the stored key back; left blank on an edit, the
stored key is kept. The change list shows each config's calls and error rate over the last 24 hours
from one annotated query (the usage rows are joined on ``created_at >= now - 24 h``, served by the
``(provider_config, created_at)`` index), so the page costs the same whatever the number of configs.
"""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from core.errors import AppError
from core.permissions import SuperAdminModelAdminMixin
from providers import services
from providers.defaults import provider_config_make_default
from providers.models import AIProviderConfig

RECENT = timedelta(hours=24)


class ProviderConfigForm(forms.ModelForm):
    api_key = forms.CharField(
        label="API key",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Write-only: the stored key is never shown. Leave blank to keep the stored key.",
    )
    base_url = forms.URLField(
        label="Base URL",
        required=False,
        assume_scheme="https",
        help_text=AIProviderConfig._meta.get_field("base_url").help_text,
    )

    class Meta:
        model = AIProviderConfig
        fields = (
            "name",
            "provider_type",
            "api_key",
            "base_url",
            "fast_model",
            "quality_model",
            "is_active",
            "is_default",
            "priority",
            "owner",
            "expires_at",
        )

    def clean_api_key(self) -> str:
        return self.cleaned_data["api_key"] or (self.instance.api_key if self.instance.pk else "")

    def clean(self) -> dict[str, Any]:
        """A newly ticked default is set after saving, by the service that first clears the old one.

        It is taken out of the cleaned data so that the form neither sets it nor checks the
        one-default constraint against the current default.
        """
        cleaned = super().clean()
        self.wants_default = bool(cleaned.get("is_default")) and not self.instance.is_default
        if self.wants_default:
            del cleaned["is_default"]
            if cleaned.get("owner"):
                self.add_error("is_default", "A user's own config cannot be the global default.")
        return cleaned


@admin.register(AIProviderConfig)
class AIProviderConfigAdmin(SuperAdminModelAdminMixin, admin.ModelAdmin):
    form = ProviderConfigForm
    list_display = (
        "name",
        "kind",
        "masked_key",
        "is_active",
        "is_default",
        "priority",
        "owner",
        "last_test",
        "calls_24h",
        "error_rate_24h",
    )
    list_filter = ("provider_type", "is_active", "is_default", "last_test_ok")
    search_fields = ("name", "fast_model", "quality_model", "owner__username")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)
    readonly_fields = ("masked_key", "last_tested_at", "last_test_ok", "last_test_error", "created_at", "updated_at")
    actions = ("test_credentials", "mark_as_default")
    fieldsets = (
        (None, {"fields": ("name", "provider_type", "api_key", "masked_key", "base_url")}),
        ("Models", {"fields": ("fast_model", "quality_model")}),
        ("Routing", {"fields": ("is_active", "is_default", "priority", "owner", "expires_at")}),
        ("Last credential test", {"fields": ("last_tested_at", "last_test_ok", "last_test_error")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[AIProviderConfig]:
        since = timezone.now() - RECENT
        return (
            super()
            .get_queryset(request)
            .annotate(
                recent_logs=FilteredRelation("usage_logs", condition=Q(usage_logs__created_at__gte=since)),
                recent_calls=Count("recent_logs"),
                recent_errors=Count("recent_logs", filter=Q(recent_logs__status="error")),
            )
        )

    @admin.display(description="Provider", ordering="provider_type")
    def kind(self, obj: AIProviderConfig) -> str:
        if obj.is_mock:
            label = obj.get_provider_type_display()
            return format_html('<strong class="not-an-llm" title="{}">Mock — not an LLM</strong>', label)
        return obj.get_provider_type_display()

    @admin.display(description="API key")
    def masked_key(self, obj: AIProviderConfig) -> str:
        return obj.masked_key

    @admin.display(description="Last test", ordering="last_tested_at")
    def last_test(self, obj: AIProviderConfig) -> str:
        if obj.last_tested_at is None:
            return "never"
        verdict = "ok" if obj.last_test_ok else f"failed: {obj.last_test_error}"
        return f"{verdict} ({timezone.localtime(obj.last_tested_at):%Y-%m-%d %H:%M})"

    @admin.display(description="Calls 24 h", ordering="recent_calls")
    def calls_24h(self, obj: AIProviderConfig) -> int:
        return obj.recent_calls

    @admin.display(description="Error rate 24 h")
    def error_rate_24h(self, obj: AIProviderConfig) -> str:
        if not obj.recent_calls:
            return "-"
        return f"{obj.recent_errors / obj.recent_calls:.1%}"

    def save_model(self, request: HttpRequest, obj: AIProviderConfig, form: ProviderConfigForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.wants_default:
            self._make_default(request, obj)

    @admin.action(description="Test credentials")
    def test_credentials(self, request: HttpRequest, queryset: QuerySet[AIProviderConfig]) -> None:
        for config in queryset:
            result = services.provider_config_test(config=config, generate=False)
            if result.ok:
                self.message_user(request, f"{config.name}: credentials OK ({result.latency_ms} ms).", messages.SUCCESS)
            else:
                text = f"{config.name}: test failed ({result.error_code}): {result.error_message}"
                self.message_user(request, text, messages.ERROR)

    @admin.action(description="Mark as default")
    def mark_as_default(self, request: HttpRequest, queryset: QuerySet[AIProviderConfig]) -> None:
        configs = list(queryset[:2])
        if len(configs) != 1:
            self.message_user(request, "Select exactly one config to mark as the default.", messages.ERROR)
            return
        self._make_default(request, configs[0])

    def _make_default(self, request: HttpRequest, config: AIProviderConfig) -> None:
        try:
            provider_config_make_default(config=config)
        except AppError as error:
            self.message_user(request, f"{config.name}: {error.message}", messages.ERROR)
        else:
            self.message_user(request, f"{config.name} is now the default provider config.", messages.SUCCESS)
