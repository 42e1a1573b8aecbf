"""One exception handler for the whole API: every error is an ``AppError`` rendered by ``as_body``.

DRF's own exceptions and Django's are first turned into the catalogue's classes (``core.errors``).

The database unreachable or restarting (a connection refused, cut or timed out, the pool's wait timed out:
Django raises ``OperationalError`` or ``InterfaceError``) is a 503 ``database_unavailable`` with Retry-After,
never a 500: in DRF views by ``api_exception_handler``, anywhere else (middleware, the admin) by
``handler500``. Django drops a broken connection, so the next request connects afresh: it recovers alone.
"""

import logging
import sys
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core import errors

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)


def database_unavailable(exc: Exception) -> errors.DatabaseUnavailable:
    first_line = (str(exc).strip().splitlines() or [""])[0]
    logger.warning("database unavailable, answered 503: %s: %s", type(exc).__name__, first_line)
    return errors.DatabaseUnavailable()


# DRF's own exceptions → the catalogue's classes.
DRF_ERRORS: dict[type[exceptions.APIException], type[errors.AppError]] = {
    exceptions.ValidationError: errors.InvalidRequest,
    exceptions.ParseError: errors.InvalidRequest,
    exceptions.NotAuthenticated: errors.NotAuthenticated,
    exceptions.AuthenticationFailed: errors.NotAuthenticated,
    exceptions.PermissionDenied: errors.PermissionDenied,
    exceptions.NotFound: errors.NotFound,
    exceptions.MethodNotAllowed: errors.MethodNotAllowed,
    exceptions.NotAcceptable: errors.NotAcceptable,
    exceptions.UnsupportedMediaType: errors.UnsupportedMediaType,
    exceptions.Throttled: errors.Throttled,
}


def error_response(error: errors.AppError) -> JsonResponse:
    """The error as a plain Django response, for code outside DRF (middleware, URL fallbacks)."""
    response = JsonResponse(error.as_body(), status=error.http_status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def _from_drf(exc: exceptions.APIException) -> errors.AppError:
    cls = next((target for source, target in DRF_ERRORS.items() if isinstance(exc, source)), errors.AppError)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return cls(details=detail)
    retry_after = int(exc.wait) + 1 if isinstance(exc, exceptions.Throttled) and exc.wait is not None else None
    return cls(str(exc.detail), retry_after=retry_after)


def _as_app_error(exc: Exception) -> errors.AppError | None:
    if isinstance(exc, errors.AppError):
        return exc
    if isinstance(exc, DATABASE_DOWN):
        return database_unavailable(exc)
    if isinstance(exc, RequestDataTooBig):
        return errors.PayloadTooLarge()
    if isinstance(exc, Http404):
        return errors.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return errors.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        return _from_drf(exc)
    return None


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    _render_as_json(context.get("request"))
    error = _as_app_error(exc)
    if error is None:
        logger.exception("Unhandled error in the API", exc_info=exc)
        error = errors.AppError()
    headers = dict(error.headers)
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    return Response(error.as_body(), status=error.http_status, headers=headers)


def _render_as_json(request: Any) -> None:
    """Errors are JSON whatever the client accepts: a browser (``Accept: text/html``) got the browsable API's
    HTML page for a 400/401/404. DRF keeps the renderer chosen on the request for the response."""
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    """JSON under /api/, Django's page elsewhere (the admin)."""
    if request.path.startswith("/api/"):
        return error_response(errors.NotFound())
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    """Django calls it inside its ``except`` block: the exception is still ``sys.exc_info()``."""
    if isinstance(exc := sys.exc_info()[1], DATABASE_DOWN):
        return error_response(database_unavailable(exc))
    if request.path.startswith("/api/"):
        return error_response(errors.AppError())
    return defaults.server_error(request)
