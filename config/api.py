"""The one DRF router of the API (mounted at /api/v1/).

End-user and super-admin viewsets are registered here; plain API views that are not viewsets
(auth token, profile, my usage, stats) are listed in ``urlpatterns``.
"""

from django.urls import path
from rest_framework.routers import DefaultRouter

router = DefaultRouter(trailing_slash="/?")

# --- end-user API (orchestrator.api) ---

# --- super-admin API (providers.api, subscriptions.api, usage.api) ---

urlpatterns: list = [
    # --- end-user API views ---
    # --- super-admin API views ---
]
urlpatterns += router.urls
