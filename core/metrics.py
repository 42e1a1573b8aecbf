"""Prometheus metrics at ``/metrics`` (docs/architecture.md): the HTTP metrics are defined here, the AI-call metrics
in ``usage.metrics``; both live in prometheus-client's default registry.

Access: with ``METRICS_TOKEN`` set, only ``Authorization: Bearer <METRICS_TOKEN>`` (401 otherwise). Without
it, only while DEBUG is on or for a direct connection from the loopback address (403 otherwise). A request
that came through a proxy (X-Forwarded-For, X-Real-IP or Forwarded present) is not "from loopback" even
when the proxy runs on the same host; a proxy that adds none of these must not forward /metrics at all.

Multi-process servers (gunicorn with several workers, each with its own memory): set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory that every worker can write, emptied at each server
start. prometheus-client then keeps each worker's values in files there (it reads the variable when it
is imported), and ``/metrics`` sums them over the workers. Without the variable: this process's values.
"""

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")

HTTP_REQUESTS = Counter(
    "http_requests", "HTTP requests by route (URL name), method and status.", ["route", "method", "status"]
)
HTTP_REQUEST_DURATION = Histogram(
    "http_request_duration_seconds", "Time to build the response, by route (URL name) and method.",
    ["route", "method"], buckets=HTTP_BUCKETS,
)


def route_label(match: ResolverMatch | None) -> str:
    """The URL's name (``namespace:name``; the view's dotted path for an unnamed one): one label per route."""
    return match.view_name if match is not None else UNMATCHED_ROUTE


def http_request_observe(*, route: str, method: str, status: int, seconds: float) -> None:
    method = method if method in KNOWN_METHODS else "other"  # any other string is a client's choice
    HTTP_REQUESTS.labels(route, method, str(status)).inc()
    HTTP_REQUEST_DURATION.labels(route, method).observe(seconds)


def metrics_exposition() -> tuple[bytes, str]:
    """The text exposition: summed over the workers in multiprocess mode, else this process's registry."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


def metrics_access_denied(request: HttpRequest) -> HttpResponse | None:
    """None when the request may read /metrics, else the refusal (see the module docstring)."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return None
        refusal = HttpResponse("A bearer token is required.\n", status=401, content_type="text/plain")
        refusal["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refusal
    if settings.DEBUG or _direct_from_loopback(request):
        return None
    return HttpResponse("Metrics are served to loopback only (or set METRICS_TOKEN).\n", status=403,
                        content_type="text/plain")


def _direct_from_loopback(request: HttpRequest) -> bool:
    if any(header in request.META for header in PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback
