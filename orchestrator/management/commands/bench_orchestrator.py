"""The orchestrator's own overhead per generate(): everything but a real provider call."""

import secrets
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from orchestrator.services import response_cache
from orchestrator.services.orchestrator import AIOrchestrator
from providers.models import AIProviderConfig, ProviderType
from subscriptions.models import Plan, Subscription
from usage.models import AIProviderUsageLog

PROMPT = "Extract the job posting below.\n\n<job_posting>Senior Python developer, Berlin, hybrid.</job_posting>"


class Command(BaseCommand):
    help = (
        "Measure the overhead of AIOrchestrator.generate() with the offline mock provider (zero latency): "
        "p50/p95 per call and SQL queries per call, on the configured database and cache. Needs a migrated "
        "database; creates a throwaway user, plan and mock config and deletes them (and their usage rows) "
        "afterwards. Timings run with DEBUG's query logging off. --response-cache times a call with a cache key "
        "that always misses, or one that always hits."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--calls", type=int, default=2000, help="Timed calls (default 2000, at least 100).")
        parser.add_argument("--warmup", type=int, default=50, help="Untimed calls first, to warm the caches.")
        parser.add_argument(
            "--response-cache", choices=("off", "miss", "hit"), default="off",
            help="off: no cache key (default); miss: a new cache key each call; hit: the same, stored answer.",
        )

    def handle(self, *args, calls: int, warmup: int, **options) -> None:
        if calls < 100:
            raise CommandError("--calls must be at least 100")
        mode = options["response_cache"]
        with _throwaway_user() as user:
            generate = _caller(user, mode)
            for _ in range(warmup):
                generate()
            with override_settings(DEBUG=False):
                durations = [_timed(generate) for _ in range(calls)]
            queries = _queries_per_call(generate, calls=min(calls, 200))
        self._report(calls, durations, queries, mode)

    def _report(self, calls: int, durations: list[float], queries: list[int], mode: str) -> None:
        cuts = statistics.quantiles(durations, n=100)
        cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        self.stdout.write(
            f"bench_orchestrator: {calls} calls, {connection.vendor} database, {cache_backend}, mock provider, "
            f"response cache {mode}"
        )
        self.stdout.write(
            f"  per generate(): p50 {cuts[49] * 1000:.3f} ms, p95 {cuts[94] * 1000:.3f} ms, "
            f"mean {statistics.fmean(durations) * 1000:.3f} ms, max {max(durations) * 1000:.3f} ms"
        )
        self.stdout.write(
            f"  SQL queries per call: {statistics.fmean(queries):.2f} on average, max {max(queries)} "
            f"(over {len(queries)} calls)"
        )


def _caller(user: AbstractBaseUser, mode: str) -> Callable[[], object]:
    """One generate() call as the mode asks: no cache key, a fresh key (a miss), or a stored answer's key."""
    if mode == "off":
        return lambda: AIOrchestrator().generate(user=user, task="extraction", prompt=PROMPT)
    if mode == "miss":
        return lambda: AIOrchestrator().generate(
            user=user, task="extraction", prompt=PROMPT, cache_key=secrets.token_hex(16)
        )
    generation = AIOrchestrator().generate(user=user, task="extraction", prompt=PROMPT, cache_key="bench")
    response_cache.store(task="extraction", generation=generation)  # as task_run does once it validated
    return lambda: AIOrchestrator().generate(user=user, task="extraction", prompt=PROMPT, cache_key="bench")


def _timed(generate: Callable[[], object]) -> float:
    started = time.perf_counter()
    generate()
    return time.perf_counter() - started


def _queries_per_call(generate: Callable[[], object], *, calls: int) -> list[int]:
    counts = []
    with CaptureQueriesContext(connection) as captured:
        for _ in range(calls):
            before = len(captured)
            generate()
            counts.append(len(captured) - before)
    return counts


@contextmanager
def _throwaway_user() -> Iterator[AbstractBaseUser]:
    """A user on an unlimited plan with their own mock config (tried first); all deleted afterwards."""
    tag = secrets.token_hex(4)
    user = get_user_model().objects.create_user(username=f"bench-orchestrator-{tag}")
    plan = Plan.objects.create(code=f"bench-{tag}", name="Benchmark (unlimited)")
    Subscription.objects.create(user=user, plan=plan)
    AIProviderConfig.objects.create(
        name=f"bench-mock-{tag}",
        provider_type=ProviderType.MOCK,
        fast_model="mock-fast",
        quality_model="mock-quality",
        owner=user,
    )
    try:
        yield user
    finally:
        AIProviderUsageLog.objects.filter(user=user).delete()
        user.delete()  # cascades to the subscription, the quota counters and the config
        plan.delete()
