"""The saved results of the end-user API, for support: read them, search them, delete them."""

from django.contrib import admin

from core.permissions import SuperAdminModelAdminMixin
from orchestrator.models import Draft, JobPosting, Profile


@admin.register(JobPosting)
class JobPostingAdmin(SuperAdminModelAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "owner", "source", "created_at")
    list_filter = ("source",)
    list_select_related = ("owner",)
    search_fields = ("owner__username", "source_url")
    date_hierarchy = "created_at"
    # Raw ids: a select of every usage row would render a million options.
    raw_id_fields = ("owner", "usage_log")


@admin.register(Profile)
class ProfileAdmin(SuperAdminModelAdminMixin, admin.ModelAdmin):
    list_display = ("owner", "updated_at")
    list_select_related = ("owner",)
    search_fields = ("owner__username",)
    raw_id_fields = ("owner",)


@admin.register(Draft)
class DraftAdmin(SuperAdminModelAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "owner", "kind", "language", "model", "created_at")
    list_filter = ("kind", "language")
    list_select_related = ("owner", "job")
    search_fields = ("owner__username", "model")
    date_hierarchy = "created_at"
    raw_id_fields = ("owner", "job", "usage_log")
