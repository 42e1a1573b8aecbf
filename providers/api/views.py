"""``/api/v1/super-admin/providers/configs``: CRUD, ``{id}/test`` and ``{id}/make-default``."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.permissions import IsSuperAdmin
from providers import services
from providers.api.serializers import ProviderConfigSerializer, ProviderTestResultSerializer
from providers.defaults import provider_config_make_default
from providers.models import AIProviderConfig


class ProviderConfigViewSet(viewsets.ModelViewSet):
    permission_classes = (IsSuperAdmin,)
    serializer_class = ProviderConfigSerializer
    filterset_fields = ("provider_type", "is_active", "is_default", "owner")

    def get_queryset(self) -> QuerySet[AIProviderConfig]:
        return AIProviderConfig.objects.select_related("owner").order_by("priority", "id")

    @extend_schema(request=None, responses=ProviderTestResultSerializer)
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str | None = None) -> Response:
        """Validate the credentials now; the result is stored on the config and returned."""
        result = services.provider_config_test(config=self.get_object(), generate=False)
        return Response(ProviderTestResultSerializer(result).data)

    @extend_schema(request=None, responses=ProviderConfigSerializer)
    @action(detail=True, methods=["post"], url_path="make-default")
    def make_default(self, request: Request, pk: str | None = None) -> Response:
        config = provider_config_make_default(config=self.get_object())
        return Response(self.get_serializer(config).data)
