"""core.schema: every operation documents the error statuses it can answer with, in the error shape."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

ERROR_REF = "#/components/schemas/Error"


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    target = Path(tmp_path_factory.mktemp("schema")) / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    return yaml.safe_load(target.read_text())


def responses(openapi: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return openapi["paths"][path][method]["responses"]


def test_every_error_status_is_documented_in_the_error_shape(openapi: dict[str, Any]) -> None:
    for item in openapi["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}


def test_super_admin_operations_document_login_permission_and_not_found(openapi: dict[str, Any]) -> None:
    detail = responses(openapi, "/api/v1/super-admin/providers/configs/{id}/", "patch")
    assert {"200", "400", "401", "403", "404", "413", "415"} <= set(detail)
    stats = responses(openapi, "/api/v1/super-admin/usage/stats/", "get")
    assert {"200", "400", "401", "403"} <= set(stats)
    make_default = responses(openapi, "/api/v1/super-admin/providers/configs/{id}/make-default/", "post")
    assert "404" in make_default
    assert "400" not in make_default  # it reads no body


def test_a_paginated_list_documents_the_404_of_a_page_past_the_end(openapi: dict[str, Any]) -> None:
    assert "404" in responses(openapi, "/api/v1/super-admin/usage/logs/", "get")
    assert "404" in responses(openapi, "/api/v1/jobs/", "get")


def test_the_token_endpoint_documents_no_403_and_the_profile_no_404(openapi: dict[str, Any]) -> None:
    assert "403" not in responses(openapi, "/api/v1/auth/token/", "post")
    assert "404" not in responses(openapi, "/api/v1/profile/", "get")
    assert "404" not in responses(openapi, "/api/v1/usage/me/", "get")


def test_the_profile_response_requires_no_key_because_an_empty_profile_is_returned_as_is(
    openapi: dict[str, Any],
) -> None:
    schema = responses(openapi, "/api/v1/profile/", "get")["200"]["content"]["application/json"]["schema"]
    assert "required" not in schema
    assert "basics" in schema["properties"]
