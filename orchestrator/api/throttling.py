"""Request throttles of the end-user API (cache-based, DRF's sliding window).

``PlanRateThrottle``: per user, ``requests_per_minute`` of the user's plan, shared by every end-user
endpoint; a plan with 0 allows no request. Its 429 is rendered as ``throttled`` with Retry-After by
``core.exceptions``. Token quotas are separate (the orchestrator's reservation).
``TokenEndpointThrottle``: per client address on ``auth/token``, against password guessing.

With the shared cache (Redis) unreachable, both count in a per-process cache instead (``core.cache``) rather
than failing open: the limit then holds per process (a user may get up to the rate times the workers across the
instance), which still stops a runaway client and, above all, password guessing on ``auth/token``, which
failing open would leave unlimited. The token quota, in the database, stays the hard limit either way.
"""

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from core.cache import shared_or_local_cache
from subscriptions.selectors import plan_for_user


class FallbackCacheThrottle(SimpleRateThrottle):
    """DRF's sliding window, on the shared cache or, while it is unreachable, this process's own."""

    @property
    def cache(self) -> Any:
        return shared_or_local_cache()


class PlanRateThrottle(FallbackCacheThrottle):
    scope = "plan"
    duration = 60

    def __init__(self) -> None:
        # The rate depends on the user, so it is read per request, not from settings at construction.
        self.rate: str | None = None
        self.num_requests = 0

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # anonymous requests are refused by authentication, not counted here
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}

    def allow_request(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return True
        self.num_requests = plan_for_user(user=request.user).requests_per_minute
        self.rate = f"{self.num_requests}/min"
        return super().allow_request(request, view)


class TokenEndpointThrottle(FallbackCacheThrottle):
    scope = "auth_token"
    rate = "20/min"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
