import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory


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


JSON_ENDPOINTS = ["/api/v1/auth/token", "/api/v1/job-extractor/extract", "/api/v1/super-admin/providers/configs"]


def logged_in_as_superuser() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("path", JSON_ENDPOINTS)
@pytest.mark.parametrize("body", [b"[" * 50_000 + b"]" * 50_000, b'{"a": ' * 5_000 + b"1" + b"}" * 5_000])
def test_json_nested_past_the_recursion_limit_is_a_400_not_a_500(path, body):
    # json.loads raised RecursionError: a 500 from every JSON endpoint (found by hand, after the API fuzzer).
    response = logged_in_as_superuser().post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert "nested too deeply" in response.json()["error"]["message"]


def nested(levels: int) -> bytes:
    """A JSON object (a profile) whose lists and objects nest ``levels`` deep."""
    return b'{"x-deep": ' + b"[" * (levels - 1) + b"1" + b"]" * (levels - 1) + b"}"


@pytest.mark.django_db
def test_a_profile_nested_a_few_hundred_levels_is_a_400_not_a_500():
    # Under the recursion limit the parser accepted it, and pydantic's serializer then raised ValueError.
    response = logged_in_as_superuser().put("/api/v1/profile", nested(400), content_type="application/json")
    assert response.status_code == 400
    assert "more than 64 levels" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_json_is_parsed_up_to_64_levels_and_refused_past_them():
    client = logged_in_as_superuser()
    assert client.put("/api/v1/profile", nested(64), content_type="application/json").status_code == 200
    assert client.put("/api/v1/profile", nested(65), content_type="application/json").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("path", JSON_ENDPOINTS)
@pytest.mark.parametrize("escape", [b"\\ud800", b"\\udfff", b"x\\udc00y"])
def test_an_unpaired_surrogate_escape_in_json_is_a_400_not_a_500(path, escape):
    # Parsed fine, then UnicodeEncodeError on the first database write (PUT profile, a username lookup).
    body = b'{"username": "' + escape + b'", "password": "x", "text": "' + escape + b'"}'
    response = logged_in_as_superuser().post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert "surrogate" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_a_surrogate_pair_escape_is_text_and_still_accepted():
    body = b'{"username": "\\ud83d\\ude00", "password": "x"}'  # one emoji
    response = APIClient().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["text/html", "text/html,application/xhtml+xml,*/*;q=0.8", "application/xml"])
def test_errors_are_json_even_when_the_client_asks_for_html(client, accept):
    # A browser's Accept header got the browsable API's HTML page for every error (found probing by hand).
    client.force_login(UserFactory(username="alice"))
    for response in (
        client.get("/api/v1/jobs/999999", HTTP_ACCEPT=accept),
        client.get("/api/v1/super-admin/providers/configs", HTTP_ACCEPT=accept),
        APIClient().get("/api/v1/jobs/", HTTP_ACCEPT=accept),
    ):
        assert response.status_code in (401, 403, 404, 406), response.status_code
        assert response["Content-Type"] == "application/json"
        assert set(response.json()["error"]) == {"code", "message", "details"}
