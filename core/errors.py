"""The one error base class of the service, the errors every app shares, and the catalogue of them all.

An error carries its own code, HTTP status and headers (after zulip's ``JsonableError``): services just
raise, and the API's exception handler (``core.exceptions``) renders every error in one shape, built by
``AppError.as_body`` alone: ``{"error": {"code", "message", "details"}}``. Services never import DRF.

Each app keeps its own errors in its ``errors.py``; ``error_catalogue()`` collects them all, and the
OpenAPI error descriptions (``core.schema``) and docs/errors.md's table (checked by a test) come from it.
"""

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

from django.apps import apps


class AppError(Exception):
    code: str = "internal_error"
    http_status: int = 500
    default_message: str = "Internal server error."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details or {}
        self.retry_after = retry_after
        super().__init__(self.message)

    @property
    def headers(self) -> dict[str, str]:
        if self.retry_after is None:
            return {}
        return {"Retry-After": str(max(int(self.retry_after), 0))}

    def as_body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class InvalidRequest(AppError):
    code = "invalid_request"
    http_status = 400
    default_message = "The request is invalid."


class NotAuthenticated(AppError):
    code = "not_authenticated"
    http_status = 401
    default_message = "Authentication credentials were not provided or are not valid."


class BadCredentials(NotAuthenticated):
    default_message = "Unable to log in with the username and password given."


class PermissionDenied(AppError):
    code = "permission_denied"
    http_status = 403
    default_message = "You do not have permission to perform this action."


class NotFound(AppError):
    code = "not_found"
    http_status = 404
    default_message = "Not found."


class MethodNotAllowed(AppError):
    code = "method_not_allowed"
    http_status = 405
    default_message = "Method not allowed."


class NotAcceptable(AppError):
    code = "not_acceptable"
    http_status = 406
    default_message = "The Accept header asks for a format the API does not serve."


class PayloadTooLarge(AppError):
    code = "payload_too_large"
    http_status = 413
    default_message = "The request body is too large."


class UnsupportedMediaType(AppError):
    code = "unsupported_media_type"
    http_status = 415
    default_message = "Unsupported Content-Type."


class Throttled(AppError):
    code = "throttled"
    http_status = 429
    default_message = "Too many requests: see Retry-After."


class DatabaseUnavailable(AppError):
    """The database unreachable or restarting (core.exceptions maps Django's OperationalError/InterfaceError)."""

    code = "database_unavailable"
    http_status = 503
    default_message = "The service cannot reach its database right now. Try again shortly."
    RETRY_AFTER_SECONDS = 5  # a PostgreSQL restart or failover takes seconds

    def __init__(self) -> None:
        super().__init__(retry_after=self.RETRY_AFTER_SECONDS)


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    http_status: int
    message: str


def error_catalogue() -> list[CatalogueEntry]:
    """Every error code the API answers with, by status then code (one entry per code: a subclass that
    keeps its parent's code, like ``BadCredentials``, is the same entry)."""
    _import_app_errors()
    entries: dict[str, CatalogueEntry] = {}
    for cls in [AppError, *_subclasses(AppError)]:
        entries.setdefault(cls.code, CatalogueEntry(cls.code, cls.http_status, cls.default_message))
    return sorted(entries.values(), key=lambda entry: (entry.http_status, entry.code))


def _import_app_errors() -> None:
    for app in apps.get_app_configs():
        if (Path(app.path) / "errors.py").is_file():
            import_module(f"{app.name}.errors")


def _subclasses(cls: type[AppError]) -> list[type[AppError]]:
    """Depth first, parents before children, so a parent describes a code its subclasses share."""
    found: list[type[AppError]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found
