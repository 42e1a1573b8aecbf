"""The one error base class of the service.

An error carries its own code, HTTP status and headers (after zulip's ``JsonableError``): services just
raise, and the API's exception handler (``core.exceptions``) renders every error in one shape.
Services never import DRF.
"""

from typing import Any


class AppError(Exception):
    code: str = "error"
    http_status: int = 500
    default_message: str = "Something went wrong."

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


class NotFound(AppError):
    code = "not_found"
    http_status = 404
    default_message = "Not found."
