"""``/api/v1/super-admin/usage/logs`` (filterable, paginated) and ``/api/v1/super-admin/usage/stats``."""

from dataclasses import asdict

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import pagination, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import IsSuperAdmin
from usage.api.filters import UsageLogFilter
from usage.api.serializers import StatsQuerySerializer, StatsSerializer, UsageLogSerializer
from usage.models import AIProviderUsageLog
from usage.pagination import EstimatedCountPaginator
from usage.selectors import UsageFilters, analytics_session, usage_stats


class UsageLogPagination(pagination.PageNumberPagination):
    """``count`` is PostgreSQL's estimate for an unfiltered list of a big table (see usage.pagination)."""

    django_paginator_class = EstimatedCountPaginator
    page_size_query_param = "page_size"
    max_page_size = 500


class UsageLogViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = (IsSuperAdmin,)
    serializer_class = UsageLogSerializer
    filterset_class = UsageLogFilter
    pagination_class = UsageLogPagination

    def get_queryset(self) -> QuerySet[AIProviderUsageLog]:
        return AIProviderUsageLog.objects.select_related("user").order_by("-created_at", "-id")


class UsageStatsView(APIView):
    """Calls, success rate, tokens, cost and latency p50/p95 — in total and by provider, model and day."""

    permission_classes = (IsSuperAdmin,)

    @extend_schema(parameters=[StatsQuerySerializer], responses=StatsSerializer)
    def get(self, request: Request) -> Response:
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = UsageFilters.build(**query.validated_data)
        with analytics_session():
            (totals,) = usage_stats(filters=filters)
            data = {
                **asdict(filters),
                "totals": totals,
                "by_provider": usage_stats(filters=filters, group_by=["provider_type"]),
                "by_model": usage_stats(filters=filters, group_by=["provider_type", "model"]),
                "by_day": usage_stats(filters=filters, group_by=["day"]),
            }
        return Response(StatsSerializer(data).data)

