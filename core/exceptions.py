"""One exception handler for the whole API: every error has the shape of DESIGN.md §6."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.errors import AppError

logger = logging.getLogger(__name__)

# DRF's own exceptions, mapped onto the codes of DESIGN.md §6.
DRF_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.ValidationError: "invalid_request",
    exceptions.ParseError: "invalid_request",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _drf_error(exc: exceptions.APIException) -> Response:
    code = next((c for cls, c in DRF_CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = error_body(code, "The request is invalid.", detail)
    else:
        body = error_body(code, str(exc.detail))
    headers = {}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait) + 1)
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    return Response(body, status=exc.status_code, headers=headers)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    _render_as_json(context.get("request"))
    if isinstance(exc, AppError):
        return Response(exc.as_body(), status=exc.http_status, headers=exc.headers)
    if isinstance(exc, RequestDataTooBig):
        body = error_body("payload_too_large", "The request body is too large.")
        return Response(body, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        return _drf_error(exc)
    logger.exception("Unhandled error in the API", exc_info=exc)
    return Response(error_body("internal_error", "Internal server error."), status=500)


def _render_as_json(request: Any) -> None:
    """Errors are JSON whatever the client accepts: a browser (``Accept: text/html``) got the browsable API's
    HTML page for a 400/401/404. DRF keeps the renderer chosen on the request for the response."""
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    """JSON under /api/, Django's page elsewhere (the admin)."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", "Not found."), status=404)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("internal_error", "Internal server error."), status=500)
    return defaults.server_error(request)
