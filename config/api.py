"""The one DRF router of the API (mounted at /api/v1/).

End-user and super-admin viewsets are registered here; plain API views that are not viewsets
(auth token, profile, my usage, stats) are listed in ``urlpatterns``.
"""

from django.urls import path
from rest_framework.routers import DefaultRouter

router = DefaultRouter(trailing_slash="/?")

# --- end-user API (orchestrator.api) ---
# DRF's router takes trailing_slash as a bool ("/?" above became "/"); the pattern fragment must be set
# on the instance for the slash to be optional (POST /api/v1/job-extractor/extract, no redirect).
router.trailing_slash = "/?"

from orchestrator.api import views as end_user  # noqa: E402
from orchestrator.api.urls import view_urls as end_user_view_urls  # noqa: E402

router.register("job-extractor", end_user.JobExtractorViewSet, basename="job-extractor")
router.register("cv-drafter", end_user.CvDrafterViewSet, basename="cv-drafter")
router.register("cover-letter", end_user.CoverLetterViewSet, basename="cover-letter")
router.register("jobs", end_user.JobPostingViewSet, basename="job")
router.register("drafts", end_user.DraftViewSet, basename="draft")

# --- super-admin API (providers.api, subscriptions.api, usage.api) ---
from django.urls import re_path  # noqa: E402

from providers.api.views import ProviderConfigViewSet  # noqa: E402
from subscriptions.api.views import PlanViewSet, UserSubscriptionView  # noqa: E402
from usage.api.views import UsageLogViewSet, UsageStatsView  # noqa: E402

router.register("super-admin/providers/configs", ProviderConfigViewSet, basename="superadmin-provider-config")
router.register("super-admin/usage/logs", UsageLogViewSet, basename="superadmin-usage-log")
router.register("super-admin/plans", PlanViewSet, basename="superadmin-plan")

urlpatterns: list = [
    # --- end-user API views ---
    *end_user_view_urls,
    # --- super-admin API views ---
    re_path(r"^super-admin/usage/stats/?$", UsageStatsView.as_view(), name="superadmin-usage-stats"),
    re_path(
        r"^super-admin/users/(?P<user_id>[0-9]+)/subscription/?$",
        UserSubscriptionView.as_view(),
        name="superadmin-user-subscription",
    ),
]
urlpatterns += router.urls
