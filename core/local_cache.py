"""Per-process read caches with a short time to live: the one rule for rows an admin may change.

Plans, model prices and provider configs are read on every AI call and change rarely. Each server process
keeps what it read for at most ``settings.LOCAL_CACHE_SECONDS`` (1 s by default) and then reads again.
Nothing invalidates these caches, so no way of writing — a save, an ``.update()``, a fix in SQL, another
process, another machine — can leave a stale copy for longer than that, with or without Redis, and a Redis
outage cannot touch them. The price is one query a second per table per process.

``LOCAL_CACHE_SECONDS = 0`` turns them off (the tests do, except the ones about the caches themselves).
"""

import time
from collections.abc import Callable, Hashable
from functools import wraps
from threading import Lock
from typing import ParamSpec, TypeVar

from cachetools import TTLCache
from django.conf import settings

P = ParamSpec("P")
R = TypeVar("R")
_caches: list[TTLCache] = []


def local_cache(*, maxsize: int = 1) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Memoise a function of hashable keyword arguments for ``LOCAL_CACHE_SECONDS`` in this process."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        cache: TTLCache = TTLCache(maxsize=maxsize, ttl=1.0, timer=_clock)
        lock = Lock()
        _caches.append(cache)

        @wraps(function)
        def cached(*args: P.args, **kwargs: P.kwargs) -> R:
            if not settings.LOCAL_CACHE_SECONDS:
                return function(*args, **kwargs)
            key: Hashable = (args, tuple(sorted(kwargs.items())))
            with lock:
                if key in cache:
                    return cache[key]
            value = function(*args, **kwargs)  # outside the lock: a slow query must not stall other keys
            with lock:
                cache[key] = value
            return value

        return cached

    return decorate


def _clock() -> float:
    """Time in units of ``LOCAL_CACHE_SECONDS``: a TTL of 1 unit is the setting as it is now."""
    return time.monotonic() / (settings.LOCAL_CACHE_SECONDS or 1)


def local_caches_clear() -> None:
    for cache in _caches:
        cache.clear()
