"""The usage dashboard: an admin page (admin login, staff super-admins only) drawn with Chart.js.

Served at ``/admin/usage/aiproviderusagelog/dashboard/`` (registered by ``UsageLogAdmin.get_urls``
behind ``admin_site.admin_view``) and linked from the admin index and the usage-log list.
"""

from typing import Any

from django import forms
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.generic import TemplateView

from core.permissions import is_super_admin
from providers.models import ProviderType
from subscriptions.models import Task
from usage.charts import dashboard_charts
from usage.selectors import UsageFilters, usage_dashboard, usage_range_error


class DashboardFilterForm(forms.Form):
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From")
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To")
    provider_type = forms.ChoiceField(
        required=False, choices=[("", "All providers"), *ProviderType.choices], label="Provider"
    )
    task_type = forms.ChoiceField(required=False, choices=[("", "All tasks"), *Task.choices], label="Task")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        error = usage_range_error(date_from=cleaned.get("date_from"), date_to=cleaned.get("date_to"))
        if error:
            self.add_error("date_from", error)
        return cleaned

    def usage_filters(self) -> UsageFilters:
        """The chosen filters; the default range (the last 30 days) when none or invalid ones were sent."""
        return UsageFilters.build(**self.cleaned_data) if self.is_bound and self.is_valid() else UsageFilters.build()


class UsageDashboardView(TemplateView):
    template_name = "admin/usage/dashboard.html"
    admin_site: AdminSite | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_staff and is_super_admin(request.user)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = DashboardFilterForm(self.request.GET or None)
        filters = form.usage_filters()
        if not form.is_bound:
            form = DashboardFilterForm(initial={"date_from": filters.date_from, "date_to": filters.date_to})
        data = usage_dashboard(filters=filters)
        return {
            **super().get_context_data(**kwargs),
            **self.admin_site.each_context(self.request),
            "title": "Usage dashboard",
            "form": form,
            "filters": filters,
            "data": data,
            "charts": dashboard_charts(data, filters),
        }
