"""The one DRF router of the API (mounted at /api/v1/).

End-user and super-admin viewsets are registered on the router; the plain API views that are not
viewsets (auth token, profile, my usage, stats, a user's subscription) are listed in ``urlpatterns``.
The trailing slash is optional everywhere (``POST …/extract`` and ``…/extract/`` both work, no redirect).
"""

from django.urls import re_path
from rest_framework.routers import DefaultRouter

from orchestrator.api import views as end_user
from orchestrator.api.urls import view_urls as end_user_view_urls
from providers.api.views import ProviderConfigViewSet
from subscriptions.api.views import PlanViewSet, UserSubscriptionView
from usage.api.views import UsageLogViewSet, UsageStatsView

router = DefaultRouter()
# DRF's constructor takes trailing_slash as a bool; the optional-slash pattern is set on the instance.
router.trailing_slash = "/?"

# End users (orchestrator.api)
router.register("job-extractor", end_user.JobExtractorViewSet, basename="job-extractor")
router.register("cv-drafter", end_user.CvDrafterViewSet, basename="cv-drafter")
router.register("cover-letter", end_user.CoverLetterViewSet, basename="cover-letter")
router.register("jobs", end_user.JobPostingViewSet, basename="job")
router.register("drafts", end_user.DraftViewSet, basename="draft")

# Super-admins (providers.api, subscriptions.api, usage.api)
router.register("super-admin/providers/configs", ProviderConfigViewSet, basename="superadmin-provider-config")
router.register("super-admin/usage/logs", UsageLogViewSet, basename="superadmin-usage-log")
router.register("super-admin/plans", PlanViewSet, basename="superadmin-plan")

urlpatterns: list = [
    *end_user_view_urls,
    re_path(r"^super-admin/usage/stats/?$", UsageStatsView.as_view(), name="superadmin-usage-stats"),
    re_path(
        r"^super-admin/users/(?P<user_id>[0-9]+)/subscription/?$",
        UserSubscriptionView.as_view(),
        name="superadmin-user-subscription",
    ),
    *router.urls,
]
