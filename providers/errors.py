"""Errors of the providers app (the super-admin's provider configs and key rotation)."""

from typing import Any

from core.errors import InvalidRequest


class DefaultNotAllowed(InvalidRequest):
    default_message = "This config cannot be the global default."


class KeyRotationFailed(Exception):
    """``rotate_encryption_key`` could not re-encrypt the stored keys; nothing was changed. A command's
    error (its message is printed, exit status 1), never an API answer: not an ``AppError``."""

    def __init__(
        self, message: str = "The provider keys could not be re-encrypted; nothing was changed.", *,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message = message
        self.details = details or {}
        super().__init__(message)
