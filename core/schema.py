"""OpenAPI documentation of the API's errors: one shape (docs/errors.md), documented on every operation.

``AutoSchema`` (the project's DRF schema class) adds to each operation the error statuses it can answer
with, in the error shape, unless the view documents them itself: 401/403 behind a login, 429 when
throttled, 400/415 with a request body, 413 for any body (core.middleware), 400 with query filters, 404
with a path parameter or a page number. Clients and the API fuzzer (tests/core/test_api_fuzz.py) can
then rely on the documented statuses and shapes.
"""

from functools import cache
from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated

from core.errors import error_catalogue

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                "code": serializers.CharField(help_text="e.g. invalid_request, quota_exceeded, url_not_allowed"),
                "message": serializers.CharField(),
                "details": serializers.DictField(help_text="Field errors or facts about the error."),
            },
        )
    },
)

PAGINATION_PARAMETERS = frozenset({"page", "page_size"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


@cache
def error_descriptions() -> dict[int, str]:
    """Each status's description in the schema: its codes and their messages, from the error catalogue."""
    descriptions: dict[int, list[str]] = {}
    for entry in error_catalogue():
        descriptions.setdefault(entry.http_status, []).append(f"`{entry.code}`: {entry.message}")
    return {status: " ".join(lines) for status, lines in descriptions.items()}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    descriptions = error_descriptions()
    return {status: OpenApiResponse(ErrorSerializer, description=descriptions[status]) for status in statuses}


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for status, response in error_responses(*self._error_statuses(operation)).items():
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(response, str(status))
        return operation

    def _error_statuses(self, operation: dict[str, Any]) -> list[int]:
        statuses = set()
        permissions = [type(permission) for permission in self.view.get_permissions()]
        if any(permission is not AllowAny for permission in permissions):
            statuses.add(401)
            if any(permission is not IsAuthenticated for permission in permissions) or self.method in BODY_METHODS:
                statuses.add(403)  # IsAuthenticated alone refuses no one logged in, but CSRF may
        if self.view.get_throttles():
            statuses.add(429)
        if self.method in BODY_METHODS:
            statuses.add(413)
            if "requestBody" in operation:
                statuses.update((400, 415))
        parameters = operation.get("parameters", [])
        query = {parameter["name"] for parameter in parameters if parameter["in"] == "query"}
        if query - PAGINATION_PARAMETERS:
            statuses.add(400)
        if "page" in query or any(parameter["in"] == "path" for parameter in parameters):
            statuses.add(404)
        return sorted(statuses)
