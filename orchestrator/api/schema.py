"""OpenAPI documentation helpers for the end-user API (drf-spectacular, OpenAPI 3.0).

The saved extraction and drafts are JSON documents described by pydantic models; their JSON Schema is
turned into OpenAPI 3.0 (``$ref`` inlined, ``anyOf [X, null]`` → ``X`` + ``nullable``) so the docs show
every field. Every error has one shape (docs/errors.md), documented by core.schema.
"""

from typing import Any

from pydantic import BaseModel

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


AI_ERRORS = (400, 401, 404, 413, 429, 502, 503, 504)
READ_ERRORS = (401, 404, 429)


