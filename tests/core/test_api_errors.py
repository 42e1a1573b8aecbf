import pytest
from rest_framework.test import APIClient


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/super-admin/providers/configs", "/api/v1/auth/token", "/api/v1/job-extractor/extract"]
)
def test_every_api_route_refuses_an_oversize_body_with_413_in_the_error_shape(path, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = APIClient().post(path, {"text": "x" * 2000}, format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == {
        "code": "payload_too_large",
        "message": "The request body is too large.",
        "details": {"limit_bytes": 1000},
    }


@pytest.mark.django_db
def test_a_body_under_the_limit_reaches_the_view(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = APIClient().post("/api/v1/super-admin/providers/configs", {"name": "x"}, format="json")
    assert response.status_code == 401



@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_path_is_a_json_404_even_with_debug_on(client, settings, debug):
    settings.DEBUG = debug
    response = client.post("/api/v1/no-such-thing", {}, content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "details": {}}}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_unsafe_request_to_an_unknown_api_path_is_a_json_404_not_the_html_csrf_page(method):
    # The id is not a number, so no API route matches: a token-authenticated client sends no CSRF cookie.
    client = APIClient(enforce_csrf_checks=True)
    response = getattr(client, method)("/api/v1/super-admin/providers/configs/0.5/make-default", {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"
