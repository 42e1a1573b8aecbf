import logging
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from core.exceptions import error_body
from core.metrics import metrics_access_denied, metrics_exposition

logger = logging.getLogger(__name__)

HEALTH_PROBE_SECONDS = 10


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 ``{"status": "ok", "database": "ok", "cache": "ok"}``, else 503 with the failing
    part marked ``"error"`` (the cause goes to the log, not to the anonymous caller)."""
    parts = {"database": _health(_database_probe), "cache": _health(_cache_probe)}
    healthy = all(state == "ok" for state in parts.values())
    return JsonResponse({"status": "ok" if healthy else "error", **parts}, status=200 if healthy else 503)


def _health(probe: Callable[[], None]) -> str:
    try:
        probe()
    except Exception:
        logger.warning("health check %s failed", probe.__name__, exc_info=True)
        return "error"
    return "ok"


def _database_probe() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache_probe() -> None:
    """A key of its own per probe: concurrent probes on a shared cache must not read each other's value."""
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, HEALTH_PROBE_SECONDS)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return the value just stored")
    cache.delete(key)


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text exposition; who may read it: core.metrics."""
    if (refusal := metrics_access_denied(request)) is not None:
        return refusal
    body, content_type = metrics_exposition()
    return HttpResponse(body, content_type=content_type)


@csrf_exempt  # a POST to an unknown API path must get this 404, not Django's HTML CSRF page (403)
def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(error_body("not_found", "Not found."), status=404)
