from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from core.exceptions import error_body


class ApiBodyLimitMiddleware:
    """413 in the API's error shape for a body whose declared length is over the limit, before anything
    reads it. DRF's parsers read the stream directly, so Django's own check on ``request.body`` never
    runs for JSON; this covers every route under /api/ at once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and self._declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            body = error_body("payload_too_large", "The request body is too large.", {"limit_bytes": limit})
            return JsonResponse(body, status=413)
        return self.get_response(request)

    @staticmethod
    def _declared_length(request: HttpRequest) -> int:
        length = request.META.get("CONTENT_LENGTH") or ""
        return int(length) if length.isdigit() else 0
