"""OpenAPI documentation helpers for the end-user API (drf-spectacular, OpenAPI 3.0).

The saved extraction and drafts are JSON documents described by pydantic models; their JSON Schema is
turned into OpenAPI 3.0 (``$ref`` inlined, ``anyOf [X, null]`` → ``X`` + ``nullable``) so the docs show
every field. Every error has one shape (DESIGN.md §6).
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from pydantic import BaseModel
from rest_framework import serializers

from orchestrator.tasks.base import strict_json_schema


def _openapi30(node: Any, *, drop: frozenset[str]) -> Any:
    """JSON Schema → OpenAPI 3.0: nullable instead of a null type; the keys in ``drop`` removed (not
    inside ``properties``, where keys are field names)."""
    if isinstance(node, list):
        return [_openapi30(item, drop=drop) for item in node]
    if not isinstance(node, dict):
        return node
    node = {
        key: ({name: _openapi30(sub, drop=drop) for name, sub in value.items()} if key == "properties"
              else _openapi30(value, drop=drop))
        for key, value in node.items() if key not in drop
    }
    options = node.get("anyOf")
    if options and {"type": "null"} in options:
        rest = [option for option in options if option != {"type": "null"}]
        node.pop("anyOf")
        node.update(rest[0] if len(rest) == 1 else {"anyOf": rest})
        node["nullable"] = True
    return node


def openapi_schema(model: type[BaseModel], *, for_input: bool = False) -> dict[str, Any]:
    """``model`` as an inline OpenAPI 3.0 schema. In a response every field is present (required); in a
    request none is, and unknown keys are allowed either way."""
    drop = frozenset({"additionalProperties", "required"} if for_input else {"additionalProperties"})
    return _openapi30(strict_json_schema(model), drop=drop)


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

_ERRORS = {
    400: "Invalid input (`invalid_request`, details: field errors).",
    401: "Not logged in (`not_authenticated`).",
    404: "Not found, or not yours (`not_found`).",
    413: "Body over the limit, or an image over 5 MB (`payload_too_large`).",
    422: "The job URL is not allowed (`url_not_allowed`) or could not be fetched (`url_fetch_failed`).",
    429: "Too many requests (`throttled`) or token quota used up (`quota_exceeded`); see Retry-After.",
    502: "The provider answered with an error (`provider_error`) or unusable output (`invalid_output`).",
    503: "No provider configured (`no_provider_configured`) or all unavailable (`provider_unavailable`).",
    504: "The provider timed out (`provider_timeout`).",
}
AI_ERRORS = (400, 401, 404, 413, 429, 502, 503, 504)
READ_ERRORS = (401, 404, 429)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    return {status: OpenApiResponse(ErrorSerializer, description=_ERRORS[status]) for status in statuses}
