"""Errors of the orchestrator app: the AI call, job pages and uploads (the catalogue: docs/errors.md)."""

from core.errors import AppError, PayloadTooLarge


class NoProviderConfigured(AppError):
    code = "no_provider_configured"
    http_status = 503
    default_message = "No active provider configured"


class ProviderUnavailable(AppError):
    """Every candidate provider failed with a retryable error."""

    code = "provider_unavailable"
    http_status = 503
    default_message = "Every AI provider is unavailable right now. Try again later."


class ProviderTimeout(AppError):
    code = "provider_timeout"
    http_status = 504
    default_message = "The AI provider did not answer in time."


class ProviderFailed(AppError):
    """The provider answered with a permanent error (bad key, bad request)."""

    code = "provider_error"
    http_status = 502
    default_message = "The AI provider answered with an error."


class InvalidOutput(AppError):
    code = "invalid_output"
    http_status = 502
    default_message = "The AI provider's answer could not be used."


class UrlNotAllowed(AppError):
    code = "url_not_allowed"
    http_status = 422
    default_message = "This URL is not allowed."


class UrlFetchFailed(AppError):
    code = "url_fetch_failed"
    http_status = 422
    default_message = "The page could not be fetched."


class ImageTooLarge(PayloadTooLarge):
    limit_bytes = 5 * 1024 * 1024
    default_message = "The image is larger than 5 MB."
