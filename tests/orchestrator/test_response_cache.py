"""The exact-match response cache: a repeated job extraction of the same user is a ``cache_hit``
(orchestrator.services.response_cache)."""

import io
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orchestrator.errors import InvalidOutput, ProviderFailed, ProviderUnavailable
from orchestrator.models import Profile
from orchestrator.services.drafting import cover_letter_draft_create
from orchestrator.services.extraction import (
    job_posting_extract_from_image,
    job_posting_extract_from_text,
    job_posting_extract_from_url,
)
from orchestrator.services.orchestrator import AIOrchestrator
from orchestrator.services.task_runner import task_run
from orchestrator.tasks import job_posting
from providers.backends.mock import MockProvider
from providers.base import ErrorCode, ProviderError
from subscriptions.errors import QuotaExceeded
from subscriptions.models import Plan, QuotaCounter
from tests.factories import PlanFactory, SubscriptionFactory, UserFactory
from tests.orchestrator.conftest import PageServer, bound_request_id, queue_reply
from usage.models import AIProviderUsageLog, UsageStatus

POSTING = ("We are hiring a Senior Python Developer at Initech in Berlin. Full-time, hybrid, EUR 70,000-85,000 "
           "a year. You know Django and PostgreSQL; Kubernetes is a plus.")
OTHER_POSTING = "Initrode is looking for a Junior Go Developer in Hamburg, remote-friendly, part-time."
EXTRACTED = {"title": "Senior Python Developer", "company": {"name": "Initech", "url": None}, "work_mode": "hybrid"}
INVALID = {"title": "Senior Python Developer", "locations": "Berlin, somewhere"}  # locations must be a list
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def extract(user: Any, text: str = POSTING, **kwargs: Any) -> Any:
    return job_posting_extract_from_text(user=user, text=text, **kwargs)


def statuses() -> list[str]:
    return list(AIProviderUsageLog.objects.order_by("id").values_list("status", flat=True))


def counters(user: Any) -> list[tuple[str, int, int]]:
    return list(QuotaCounter.objects.filter(user=user).order_by("period").values_list("period", "used", "reserved"))


# --- hits -------------------------------------------------------------------------------------------


def test_it_answers_a_repeated_extraction_of_the_same_text_from_the_cache(user: Any, provider_requests: list) -> None:
    queue_reply(EXTRACTED)
    first = extract(user)
    quota_after_first = counters(user)
    request_id = uuid.uuid4()

    with bound_request_id(request_id):
        second = extract(user)

    assert len(provider_requests) == 1
    assert second.pk != first.pk
    assert second.data == first.data
    assert second.data["title"] == "Senior Python Developer"
    assert counters(user) == quota_after_first
    hit = second.usage_log
    assert hit.status == UsageStatus.CACHE_HIT
    assert (hit.input_tokens, hit.output_tokens, hit.total_tokens) == (0, 0, 0)
    assert hit.cost_usd == Decimal(0)
    assert isinstance(hit.cost_usd, Decimal)
    assert (hit.provider_type, hit.model, hit.task_type) == ("mock", "mock-fast", "extraction")
    assert hit.request_id == request_id
    assert hit.provider_config_id is None
    assert statuses() == ["success", "cache_hit"]


def test_it_ignores_white_space_differences_in_pasted_text(user: Any, provider_requests: list) -> None:
    extract(user)

    extract(user, text=f"  \n{POSTING.replace(' ', '  ')}\t\n")

    assert len(provider_requests) == 1
    assert statuses() == ["success", "cache_hit"]


def test_it_answers_a_repeated_image_and_page_from_the_cache(
    user: Any, provider_requests: list, page_server: PageServer, allow_private_hosts: None
) -> None:
    url = page_server.page("/job.txt", POSTING.encode(), content_type="text/plain; charset=utf-8")
    for _ in range(2):
        job_posting_extract_from_image(user=user, image_data=PNG)
        job_posting_extract_from_url(user=user, url=url)

    assert len(provider_requests) == 2
    assert statuses() == ["success", "success", "cache_hit", "cache_hit"]
    assert page_server.hits == ["/job.txt", "/job.txt"]  # the page is fetched each time: it may have changed


def test_it_serves_a_hit_when_the_quota_is_used_up(user: Any, provider_requests: list) -> None:
    extract(user)
    plan = Plan.objects.get(code="freemium")
    plan.daily_token_limit = 1
    plan.save()

    extract(user)
    with pytest.raises(QuotaExceeded):
        extract(user, text=OTHER_POSTING)

    assert len(provider_requests) == 1
    assert statuses() == ["success", "cache_hit", "quota_exceeded"]


# --- misses -----------------------------------------------------------------------------------------


def test_it_never_answers_one_user_from_another_users_cache(user: Any, provider_requests: list) -> None:
    extract(user)

    extract(UserFactory(username="bob"))

    assert len(provider_requests) == 2
    assert statuses() == ["success", "success"]


def test_it_calls_the_provider_for_a_different_text(user: Any, provider_requests: list) -> None:
    extract(user)

    extract(user, text=OTHER_POSTING)

    assert len(provider_requests) == 2


def test_it_calls_the_quality_model_after_an_upgrade(user: Any, provider_requests: list) -> None:
    extract(user)
    SubscriptionFactory(user=user, plan=PlanFactory(code="pro_extraction", quality_tasks=["extraction"]))

    job = extract(user)

    assert [r.model for r in provider_requests] == ["mock-fast", "mock-quality"]
    assert job.usage_log.status == UsageStatus.SUCCESS


def test_it_calls_the_provider_every_time_when_the_cache_is_switched_off(
    user: Any, provider_requests: list, settings: Any
) -> None:
    settings.RESPONSE_CACHE_ENABLED = False

    extract(user)
    extract(user)

    assert len(provider_requests) == 2
    assert statuses() == ["success", "success"]


def test_it_never_caches_a_draft(user: Any, provider_requests: list) -> None:
    Profile.objects.create(owner=user, data={"basics": {"name": "Ada Lovelace", "summary": "Backend developer, "
                                                                                          "Python and Django."}})
    queue_reply({**EXTRACTED, "description_text": POSTING})  # a job with enough text to draft from
    job = extract(user)
    letter = {"greeting": "Dear Initech team,", "paragraphs": ["I build Python services."], "closing": "Regards,",
              "signature": "Ada Lovelace"}

    for _ in range(2):
        queue_reply(letter)
        cover_letter_draft_create(user=user, job_id=job.pk)
    for _ in range(2):  # not even when a caller passes a key: the policy has no TTL for drafts
        generation = AIOrchestrator().generate(user=user, task="cv_draft", prompt="Draft a CV.", cache_key="same")
        assert generation.cache_key is None

    assert len(provider_requests) == 5
    assert UsageStatus.CACHE_HIT not in statuses()


# --- only validated answers are stored ----------------------------------------------------------------


def test_it_caches_only_the_repaired_answer(user: Any, provider_requests: list) -> None:
    queue_reply(INVALID)
    queue_reply(EXTRACTED)
    first = extract(user)

    second = extract(user)

    assert len(provider_requests) == 2
    assert second.data == first.data
    assert second.data["locations"] == []
    assert statuses() == ["success", "success", "cache_hit"]


def test_it_does_not_cache_an_answer_that_stays_invalid(user: Any, provider_requests: list) -> None:
    queue_reply(INVALID)
    queue_reply(INVALID)
    with pytest.raises(InvalidOutput):
        extract(user)
    queue_reply(EXTRACTED)

    job = extract(user)

    assert len(provider_requests) == 3
    assert job.data["title"] == "Senior Python Developer"
    assert job.usage_log.status == UsageStatus.SUCCESS


@pytest.mark.parametrize(
    ("error", "raised"),
    [(ErrorCode.BAD_REQUEST, ProviderFailed), (ErrorCode.UNAVAILABLE, ProviderUnavailable)],
)
def test_it_does_not_cache_a_provider_error(user: Any, provider_requests: list, error: str, raised: type) -> None:
    MockProvider.queue.append(ProviderError(error, "the vendor said no"))
    with pytest.raises(raised):
        extract(user)

    extract(user)
    extract(user)

    assert len(provider_requests) == 2
    assert statuses() == ["error", "success", "cache_hit"]


def test_it_drops_a_cached_answer_the_output_model_now_rejects(user: Any, provider_requests: list) -> None:
    key = task_run(definition=job_posting.EXTRACTION, user=user, prompt="Extract.", cache_key="k").generation.cache_key
    entry = cache.get(key)
    cache.set(key, {**entry, "parsed": INVALID})
    queue_reply(EXTRACTED)

    run = task_run(definition=job_posting.EXTRACTION, user=user, prompt="Extract.", cache_key="k")

    assert run.attempts == 2
    assert not run.generation.cached
    assert run.output.title == "Senior Python Developer"
    assert cache.get(key)["parsed"] == EXTRACTED
    assert statuses() == ["success", "cache_hit", "success"]


# --- what an entry holds and what a call costs ----------------------------------------------------------


def test_an_entry_holds_the_answer_and_no_key(user: Any, provider_requests: list, mock_config: Any) -> None:
    run = task_run(definition=job_posting.EXTRACTION, user=user, prompt="Extract.", cache_key="k")

    entry = cache.get(run.generation.cache_key)

    assert set(entry) == {"provider_type", "text", "parsed", "model", "input_tokens", "output_tokens"}
    assert mock_config.api_key not in repr(entry)
    assert re.fullmatch(r"orchestrator:response:v1:[0-9a-f]{64}", run.generation.cache_key)  # a digest


def test_a_hit_costs_one_insert_and_a_miss_no_more_queries_than_an_uncached_call(
    user: Any, provider_requests: list, local_caches: None
) -> None:
    user = type(user).objects.select_related("subscription__plan").get(pk=user.pk)  # as the API's auth loads it

    def queries(**kwargs: Any) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            task_run(definition=job_posting.EXTRACTION, user=user, prompt="Extract.", **kwargs)
        return [query["sql"].split()[0] for query in captured]

    queries()  # warms the plan, config and price caches and creates the quota counters
    uncached = queries()
    miss = queries(cache_key="k")
    hit = queries(cache_key="k")

    assert len(miss) == len(uncached)
    assert hit == ["INSERT"]
    assert statuses()[-1] == UsageStatus.CACHE_HIT


# A call: 2 UPDATEs + the reservation's ledger INSERT, the usage-log INSERT, the settle (1 statement on
# PostgreSQL, a DELETE and an UPDATE on SQLite).
CALL_QUERIES = 5 if connection.vendor == "postgresql" else 6


@pytest.mark.parametrize(("mode", "queries"), [("off", CALL_QUERIES), ("miss", CALL_QUERIES), ("hit", 1)])
def test_the_benchmark_reports_the_queries_of_each_cache_mode(
    db: None, local_caches: None, mode: str, queries: int
) -> None:
    out = io.StringIO()

    call_command("bench_orchestrator", calls=100, warmup=5, response_cache=mode, stdout=out)

    assert f"response cache {mode}" in out.getvalue()
    assert f"SQL queries per call: {queries}.00 on average, max {queries} " in out.getvalue()
