"""The quota under real parallel calls on PostgreSQL (docs/architecture.md, "Quotas").

40 threads call ``generate()`` at once for one user whose daily and monthly limits fit exactly 10
calls' reservations. Each admitted call bills exactly what it reserved, so whatever the interleaving
exactly 10 calls can be admitted: the counters never pass the limit, exactly the admitted calls reach
the provider, and every refusal is logged.
"""

import threading
import time
from typing import ClassVar

import pytest
from django.db import connection

from orchestrator.policies import MAX_OUTPUT_TOKENS
from orchestrator.services.orchestrator import AIOrchestrator, estimate_tokens
from providers.backends.mock import MockProvider
from providers.base import GenerationRequest, GenerationResult
from providers.registry import ProviderFactory
from subscriptions.errors import QuotaExceeded
from subscriptions.models import QuotaCounter
from tests.factories import PlanFactory, ProviderConfigFactory, SubscriptionFactory, UserFactory
from usage.models import AIProviderUsageLog

THREADS = 40
ADMITTED = 10
TASK = "extraction"
PROMPT = "Extract the job posting below. " * 20
ESTIMATE = estimate_tokens(prompt=PROMPT, system="", images=(), max_output_tokens=MAX_OUTPUT_TOKENS[TASK])

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so it cannot show a race (set DATABASE_URL; .ci/run does)",
    ),
]


class ExactBillingProvider(MockProvider):
    """Bills exactly the reservation (so admissions do not depend on timing) and counts its calls."""

    calls: ClassVar[int] = 0
    lock = threading.Lock()

    def generate(self, request: GenerationRequest) -> GenerationResult:
        with self.lock:
            type(self).calls += 1
        time.sleep(0.02)  # long enough for the other threads' reservations to overlap this call
        return GenerationResult(
            text="{}",
            input_tokens=ESTIMATE - request.max_output_tokens,
            output_tokens=request.max_output_tokens,
            model=request.model,
            latency_ms=20,
        )


def call_in_thread(user, barrier: threading.Barrier, outcomes: list) -> None:
    try:
        barrier.wait()
        AIOrchestrator().generate(user=user, task=TASK, prompt=PROMPT)
        outcomes.append("admitted")
    except QuotaExceeded:
        outcomes.append("refused")
    except Exception as exc:  # any other outcome fails the test below
        outcomes.append(repr(exc))
    finally:
        connection.close()  # this thread's own connection


def test_parallel_calls_never_push_the_counter_past_the_limit(monkeypatch):
    monkeypatch.setitem(ProviderFactory.PROVIDERS, "mock", f"{__name__}.ExactBillingProvider")
    ExactBillingProvider.calls = 0
    ProviderConfigFactory()
    user = UserFactory()
    limit = ADMITTED * ESTIMATE
    SubscriptionFactory(user=user, plan=PlanFactory(code="race", daily_token_limit=limit, monthly_token_limit=limit))
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    threads = [threading.Thread(target=call_in_thread, args=(user, barrier, outcomes)) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(set(outcomes)) == ["admitted", "refused"], outcomes
    assert outcomes.count("admitted") == ADMITTED
    assert ExactBillingProvider.calls == ADMITTED
    for counter in QuotaCounter.objects.filter(user=user):
        assert counter.used + counter.reserved <= limit
        assert (counter.used, counter.reserved) == (limit, 0)
    rows = AIProviderUsageLog.objects.filter(user=user)
    assert rows.filter(status="success").count() == ADMITTED
    assert rows.filter(status="quota_exceeded").count() == THREADS - ADMITTED
