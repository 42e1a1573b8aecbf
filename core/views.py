import logging
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from core.cache import cache_degraded
from core.errors import NotFound
from core.exceptions import error_response
from core.metrics import metrics_access_denied, metrics_exposition

logger = logging.getLogger(__name__)

HEALTH_PROBE_SECONDS = 10


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: is this instance able to serve? 200 while the database answers, also with the cache
    unreachable (``"cache": "degraded"``: the service runs without it, and every instance shares the same Redis,
    so taking them out would take the whole service down); 503 when the database fails. The cause goes to the
    log, not to the anonymous caller."""
    database, cache_state = _health(_database_probe), _health(_cache_probe)
    cache_state = "degraded" if cache_state == "error" else cache_state
    status = "error" if database == "error" else ("degraded" if cache_state == "degraded" else "ok")
    body = {"status": status, "database": database, "cache": cache_state}
    return JsonResponse(body, status=503 if database == "error" else 200)


def readyz(request: HttpRequest) -> JsonResponse:
    """For deploys and monitors: 200 only when the database and the cache both answer, else 503 naming the
    part that failed (a new instance is ready once everything it uses is reachable)."""
    parts = {"database": _health(_database_probe), "cache": _health(_cache_probe)}
    ready = all(state == "ok" for state in parts.values())
    return JsonResponse({"status": "ok" if ready else "error", **parts}, status=200 if ready else 503)


def _health(probe: Callable[[], None]) -> str:
    """The cache's outage is logged by the cache backend itself, once a minute (core.cache), not once per probe
    of a load balancer."""
    try:
        probe()
    except Exception:
        level = logging.DEBUG if probe is _cache_probe and cache_degraded() else logging.WARNING
        logger.log(level, "health check %s failed", probe.__name__, exc_info=True)
        return "error"
    return "ok"


def _database_probe() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache_probe() -> None:
    """A key of its own per probe: concurrent probes on a shared cache must not read each other's value. The
    tolerant Redis cache swallows failures, so it is pinged first (``probe`` raises, and ends an outage)."""
    if (ping := getattr(cache, "probe", None)) is not None:
        ping()
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
    return error_response(NotFound())
