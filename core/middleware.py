import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.errors import PayloadTooLarge
from core.exceptions import error_response
from core.metrics import http_request_observe, route_label
from core.request_id import request_id_bind, request_id_from_header, request_id_unbind

REQUEST_ID_HEADER = "X-Request-ID"


class ApiBodyLimitMiddleware:
    """413 in the API's error shape for a body whose declared length is over the limit, before anything
    reads it. DRF's parsers read the stream directly, so Django's own check on ``request.body`` never
    runs for JSON; this covers every route under /api/ at once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and self._declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return error_response(PayloadTooLarge(details={"limit_bytes": limit}))
        return self.get_response(request)

    @staticmethod
    def _declared_length(request: HttpRequest) -> int:
        length = request.META.get("CONTENT_LENGTH") or ""
        return int(length) if length.isdigit() else 0


class RequestIdMiddleware:
    """Give every request an id (JSON logs with a request id): the client's ``X-Request-ID``
    when it is a sane token, else a new one (core.request_id); bound while the request is served, set on
    the request (``request.request_id``) and returned in the response's ``X-Request-ID``. First in
    MIDDLEWARE, so every log line of the request carries it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from_header(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = request_id_bind(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_unbind(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class HttpMetricsMiddleware:
    """Count and time every request by route (the resolved URL name, never the raw path: bounded labels),
    method and status, for ``/metrics`` (core.metrics)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        http_request_observe(
            route=route_label(request.resolver_match),
            method=request.method or "",
            status=response.status_code,
            seconds=time.perf_counter() - started,
        )
        return response
