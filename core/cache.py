"""A Redis cache that the service can lose without going down: ``core.cache.TolerantRedisCache``.

The cache holds nothing the service cannot do without (the response cache, the request throttles'
windows, the /healthz probe): the database is the source of truth. So while Redis is unreachable,
stopped or frozen, a read that fails is a miss, a write that fails is skipped, and the request goes on.

- Short timeouts (``CACHE_TIMEOUT_SECONDS`` for connect and for each socket read): a frozen Redis, which
  accepts connections and never answers, costs a request that much, not a hang.
- A circuit breaker: after a failure the process stops asking Redis for ``RETRY_SECONDS`` (every call is a
  miss or a skip at once), then the next call tries again. A dead Redis costs one timeout per process every
  few seconds, not one per cache call; when Redis is back the service uses it again with no restart.
- The operator sees it: one warning per process at most every ``WARN_EVERY_SECONDS`` while it lasts, a
  log line when it is back, the ``cache_degraded`` gauge (1 while degraded; the highest over the live
  workers in multiprocess mode), ``cache_errors`` by operation, and ``cache: degraded`` on /healthz.

The state is per process and per cache location (module level): Django builds one backend instance per
thread or greenlet, and they must all see the same outage.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import BaseCache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from prometheus_client import Counter, Gauge
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

CACHE_TIMEOUT_SECONDS = 0.25
RETRY_SECONDS = 2.0
WARN_EVERY_SECONDS = 60.0
# BusyLoadingError (Redis loading its dump after a restart) is a ConnectionError too.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

CACHE_DEGRADED = Gauge(
    "cache_degraded", "1 while this process serves without its Redis cache (unreachable), else 0.",
    multiprocess_mode="livemax",
)
CACHE_ERRORS = Counter("cache_errors", "Cache operations that failed and were skipped, by operation.", ["operation"])

T = TypeVar("T")


@dataclass
class _Outage:
    """The outage state of one cache location in this process."""

    down_until: float = 0.0  # time.monotonic(): no call to Redis before this
    degraded: bool = False
    last_warning: float = float("-inf")


_outages: dict[str, _Outage] = {}
_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _lock:
        return _outages.setdefault(location, _Outage())


class _ReusedClients(RedisCacheClient):
    """Django builds a new ``redis.Redis`` for every cache call, and each build fills a table of ~200
    response callbacks: a tenth of the throttle's CPU. One client per connection pool does the same work
    (a client is safe to share; the pool hands each call its own connection)."""

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    """Django's RedisCache whose failures are misses and skips (see the module docstring)."""

    _class = _ReusedClients

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {
            "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
            "socket_timeout": CACHE_TIMEOUT_SECONDS,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        self._outage = _outage_for(server)

    @property
    def degraded(self) -> bool:
        return self._outage.degraded

    def _tolerant(self, operation: str, fallback: T, method: Callable[..., T], *args: Any) -> T:
        outage = self._outage
        if outage.degraded and time.monotonic() < outage.down_until:
            return fallback
        try:
            result = method(*args)
        except UNREACHABLE as exc:
            self._failed(operation, exc)
            return fallback
        if outage.degraded:
            self._recovered()
        return result

    def _failed(self, operation: str, exc: Exception) -> None:
        outage, now = self._outage, time.monotonic()
        outage.degraded, outage.down_until = True, now + RETRY_SECONDS
        CACHE_DEGRADED.set(1)
        CACHE_ERRORS.labels(operation).inc()
        if now - outage.last_warning >= WARN_EVERY_SECONDS:
            outage.last_warning = now
            logger.warning(
                "cache unreachable (%s on %s): serving without it, degraded; retrying every %g s",
                type(exc).__name__, operation, RETRY_SECONDS,
            )

    def _recovered(self) -> None:
        self._outage.degraded = False
        CACHE_DEGRADED.set(0)
        logger.warning("cache reachable again: back in use")

    def probe(self) -> None:
        """One round trip to Redis that raises on failure (for /readyz and /healthz), resetting the breaker
        on success. It bypasses the breaker: a health check must see the truth."""
        try:
            self._cache.get_client(write=True).ping()
        except UNREACHABLE as exc:
            self._failed("ping", exc)  # the warning a minute, the gauge: no log line per probe
            raise
        if self._outage.degraded:
            self._recovered()

    # Each operation of Django's cache API: a failure is the value a missing key would give.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._tolerant("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None) -> Any:
        return self._tolerant("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._tolerant("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._tolerant("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None) -> bool:
        return self._tolerant("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None) -> dict:
        return self._tolerant("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None) -> bool:
        return self._tolerant("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None) -> int:
        """An increment has no neutral answer: while degraded it raises ValueError, as for a missing key
        (Django's contract for incr)."""
        missing = object()
        value = self._tolerant("incr", missing, super().incr, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        return self._tolerant("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None) -> None:
        self._tolerant("delete_many", None, super().delete_many, keys, version)

    def clear(self) -> bool:
        return self._tolerant("clear", False, super().clear)


# While the shared cache is degraded, the request throttles count in this process instead (see
# orchestrator.api.throttling): a limit per process is still a limit.
_local_fallback = LocMemCache("throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def cache_degraded(alias: str = "default") -> bool:
    """True while this process is serving without the cache ``alias`` (only a TolerantRedisCache can be)."""
    return bool(getattr(caches[alias], "degraded", False))


def shared_or_local_cache(alias: str = "default") -> BaseCache:
    """The shared cache, or this process's own while the shared one is unreachable."""
    return _local_fallback if cache_degraded(alias) else caches[alias]
