"""``/api/v1/super-admin/plans`` (list, read, update) and ``/api/v1/super-admin/users/{id}/subscription``."""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import IsSuperAdmin
from subscriptions.api.serializers import PlanSerializer, SetPlanSerializer, SubscriptionSerializer
from subscriptions.models import Plan, Subscription
from subscriptions.plan_changes import subscription_set_plan


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    permission_classes = (IsSuperAdmin,)
    serializer_class = PlanSerializer
    queryset = Plan.objects.order_by("id")
    lookup_field = "code"
    lookup_value_regex = r"[-\w]+"  # a slug, as Plan.code is: "%00" in the path was a 500 on PostgreSQL
    pagination_class = None  # a handful of rows


class UserSubscriptionView(APIView):
    permission_classes = (IsSuperAdmin,)

    @extend_schema(responses=SubscriptionSerializer)
    def get(self, request: Request, user_id: int) -> Response:
        # user__pk, not user_id: the primary key's lookup turns an id past the integer range into "no row"
        # (the foreign key column's lookup sends it to SQLite, which raises OverflowError).
        subscription = get_object_or_404(Subscription.objects.select_related("user", "plan"), user__pk=user_id)
        return Response(SubscriptionSerializer(subscription).data)

    @extend_schema(request=SetPlanSerializer, responses=SubscriptionSerializer)
    def put(self, request: Request, user_id: int) -> Response:
        user = get_object_or_404(get_user_model(), pk=user_id)
        body = SetPlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        subscription = subscription_set_plan(user=user, plan=body.validated_data["plan"])
        return Response(SubscriptionSerializer(subscription).data)
