"""The end-user API views that are not viewsets; config/api.py lists them beside the router's routes."""

from django.urls import re_path

from orchestrator.api import views

view_urls = [
    re_path(r"^profile/?$", views.ProfileView.as_view(), name="profile"),
    re_path(r"^interview-prep/draft/?$", views.InterviewPrepView.as_view(), name="interview-prep-draft"),
    re_path(r"^match/?$", views.MatchView.as_view(), name="match"),
    re_path(r"^usage/me/?$", views.UsageMeView.as_view(), name="usage-me"),
    re_path(r"^auth/token/?$", views.AuthTokenView.as_view(), name="auth-token"),
]
