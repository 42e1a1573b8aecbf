"""AIOrchestrator.generate: hierarchy, quota, fallback, pricing and the usage log (docs/architecture.md)."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import ClassVar

import pytest
from django.db import connection

from orchestrator.errors import (
    InvalidOutput,
    NoProviderConfigured,
    ProviderFailed,
    ProviderTimeout,
    ProviderUnavailable,
)
from orchestrator.services.orchestrator import AIOrchestrator, estimate_tokens
from providers.backends.mock import MockProvider
from providers.base import GenerationRequest, GenerationResult, ProviderError
from providers.registry import ProviderFactory
from subscriptions.errors import QuotaExceeded
from subscriptions.models import QuotaCounter
from tests.factories import PlanFactory, ProviderConfigFactory, SubscriptionFactory, UserFactory
from tests.orchestrator.conftest import bound_request_id
from usage.models import AIProviderUsageLog, ModelPrice

NO_ENV = {
    vendor: {"api_key": "", "fast_model": "", "quality_model": ""} for vendor in ("gemini", "openai", "anthropic")
}


class RecordingProvider(MockProvider):
    """The mock provider, remembering which key and model each call used."""

    calls: ClassVar[list[tuple[str, str]]] = []

    def generate(self, request: GenerationRequest) -> GenerationResult:
        type(self).calls.append((self._api_key, request.model))
        return super().generate(request)


@pytest.fixture(autouse=True)
def recording_provider(monkeypatch, settings):
    settings.PROVIDER_ENV = NO_ENV
    RecordingProvider.calls = []
    monkeypatch.setitem(ProviderFactory.PROVIDERS, "mock", f"{__name__}.RecordingProvider")
    return RecordingProvider


@pytest.fixture
def user(db):
    return UserFactory()


def generate(user, task="extraction", prompt="Extract the job posting below.", **kwargs):
    return AIOrchestrator().generate(user=user, task=task, prompt=prompt, **kwargs)


def logs():
    return list(AIProviderUsageLog.objects.order_by("attempt", "id"))


def counters(user):
    return {c.period: c for c in QuotaCounter.objects.filter(user=user)}


def unavailable(message="HTTP 500 from the vendor", **kwargs):
    return ProviderError("unavailable", message, **kwargs)


# --- the config hierarchy -------------------------------------------------------------------------


def test_it_uses_the_users_own_config_before_the_global_default(user):
    ProviderConfigFactory(is_default=True, api_key="sk-global-default-key")
    own = ProviderConfigFactory(owner=user, priority=500, api_key="sk-users-own-key-1")

    generation = generate(user)

    assert RecordingProvider.calls == [("sk-users-own-key-1", "mock-fast")]
    assert logs()[0].provider_config_id == own.pk
    assert generation.provider_type == "mock"


def test_it_never_uses_another_users_own_config(user):
    ProviderConfigFactory(owner=UserFactory(), priority=1, api_key="sk-someone-elses-key")
    ProviderConfigFactory(api_key="sk-the-global-key-1")

    generate(user)

    assert RecordingProvider.calls == [("sk-the-global-key-1", "mock-fast")]


def test_it_tries_the_global_default_first_then_the_others_by_priority(user):
    late = ProviderConfigFactory(priority=50)
    early = ProviderConfigFactory(priority=10)
    default = ProviderConfigFactory(priority=90, is_default=True)
    MockProvider.queue.extend([unavailable(), unavailable()])

    generate(user)

    assert [row.provider_config_id for row in logs()] == [default.pk, early.pk, late.pk]


def test_it_skips_inactive_configs(user):
    ProviderConfigFactory(is_default=True, is_active=False, api_key="sk-switched-off-key")
    ProviderConfigFactory(api_key="sk-the-active-key-1")

    generate(user)

    assert RecordingProvider.calls == [("sk-the-active-key-1", "mock-fast")]


def test_it_falls_back_to_the_environment_when_no_config_is_stored(user, settings):
    settings.PROVIDER_ENV = {
        **NO_ENV,
        "mock": {"api_key": "env-key-123456", "fast_model": "mock-env", "quality_model": ""},
    }

    generation = generate(user)

    assert RecordingProvider.calls == [("env-key-123456", "mock-env")]
    row = logs()[0]
    assert (row.provider_config_id, row.provider_type, row.status) == (None, "mock", "success")
    assert generation.usage_log_id == row.pk


def test_it_ignores_the_environment_while_a_config_is_stored(user, settings):
    settings.PROVIDER_ENV = {
        **NO_ENV,
        "mock": {"api_key": "env-key-123456", "fast_model": "mock-env", "quality_model": ""},
    }
    ProviderConfigFactory(api_key="sk-stored-config-key")

    generate(user)

    assert RecordingProvider.calls == [("sk-stored-config-key", "mock-fast")]


def test_it_refuses_and_logs_the_call_when_no_provider_is_configured(user):
    ProviderConfigFactory(is_active=False)

    with pytest.raises(NoProviderConfigured, match="No active provider configured"), bound_request_id(uuid.UUID(int=7)):
        generate(user)

    [row] = logs()
    assert (row.provider_config_id, row.status, row.error_code) == (None, "error", "no_provider_configured")
    assert (row.request_id, row.task_type, row.plan, row.user_id) == (
        uuid.UUID(int=7),
        "extraction",
        "freemium",
        user.pk,
    )
    assert not QuotaCounter.objects.exists()


def test_a_config_deleted_after_it_was_cached_is_skipped(user):
    gone = ProviderConfigFactory(is_default=True)
    ProviderConfigFactory(api_key="sk-the-remaining-key")
    generate(user)
    ProviderFactory.clear()  # another process: no live instance of the deleted config
    AIProviderConfig = type(gone)
    AIProviderConfig.objects.filter(pk=gone.pk).delete()  # a queryset delete: no signal, the cache is stale

    generate(user)

    assert RecordingProvider.calls[-1][0] == "sk-the-remaining-key"


# --- quotas ---------------------------------------------------------------------------------------


def test_it_refuses_before_calling_the_provider_when_the_quota_is_used_up(user):
    ProviderConfigFactory()
    SubscriptionFactory(user=user, plan=PlanFactory(code="tiny", daily_token_limit=100, monthly_token_limit=None))

    with pytest.raises(QuotaExceeded) as refused:
        generate(user)

    assert RecordingProvider.calls == []
    now = datetime.now(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    assert abs(refused.value.retry_after - (midnight - now).total_seconds()) < 5
    [row] = logs()
    assert (row.status, row.error_code, row.provider_config_id, row.plan) == (
        "quota_exceeded",
        "quota_exceeded",
        None,
        "tiny",
    )
    assert (row.provider_type, row.model, row.cost_usd) == ("mock", "mock-fast", Decimal(0))


def test_it_settles_the_quota_to_the_tokens_actually_used(user):
    ProviderConfigFactory()

    generation = generate(user)

    used = generation.result.input_tokens + generation.result.output_tokens
    assert {(c.used, c.reserved) for c in counters(user).values()} == {(used, 0)}


def test_it_settles_to_zero_when_the_call_failed_before_reaching_the_provider(user):
    ProviderConfigFactory()
    MockProvider.queue.append(ProviderError("auth", "invalid key"))

    with pytest.raises(ProviderFailed):
        generate(user)

    assert {(c.used, c.reserved) for c in counters(user).values()} == {(0, 0)}


def test_it_settles_to_the_input_tokens_billed_for_a_failed_call(user):
    ProviderConfigFactory()
    MockProvider.queue.append(ProviderError("invalid_output", "not JSON", input_tokens=321))

    with pytest.raises(InvalidOutput):
        generate(user)

    assert {(c.used, c.reserved) for c in counters(user).values()} == {(321, 0)}
    assert logs()[0].input_tokens == 321


def test_it_reserves_once_per_call_and_settles_what_every_attempt_billed(user):
    ProviderConfigFactory(priority=1)
    ProviderConfigFactory(priority=2)
    MockProvider.queue.append(ProviderError("unavailable", "overloaded", input_tokens=40))

    generation = generate(user)

    used = 40 + generation.result.input_tokens + generation.result.output_tokens
    assert {(c.used, c.reserved) for c in counters(user).values()} == {(used, 0)}


def test_it_settles_the_quota_and_logs_when_a_backend_crashes(user, monkeypatch):
    ProviderConfigFactory()
    monkeypatch.setattr(RecordingProvider, "generate", lambda self, request: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        generate(user)

    assert {(c.used, c.reserved) for c in counters(user).values()} == {(0, 0)}
    assert logs()[0].error_code == "internal_error"


def test_the_estimate_counts_text_images_and_the_output_budget():
    image = object()

    assert (
        estimate_tokens(prompt="x" * 299, system="y", images=[image, image], max_output_tokens=500) == 100 + 2000 + 500
    )


# --- fallback -------------------------------------------------------------------------------------


def test_it_falls_back_to_the_next_config_after_a_500_and_logs_both_attempts(user):
    first = ProviderConfigFactory(priority=1)
    second = ProviderConfigFactory(priority=2)
    MockProvider.queue.append(unavailable())
    request_id = uuid.uuid4()

    with bound_request_id(request_id):
        generation = generate(user)

    error, success = logs()
    assert (error.attempt, error.status, error.error_code, error.provider_config_id) == (
        1,
        "error",
        "unavailable",
        first.pk,
    )
    assert (success.attempt, success.status, success.provider_config_id) == (2, "success", second.pk)
    assert {error.request_id, success.request_id, generation.request_id} == {request_id}
    assert (generation.attempts, generation.usage_log_id) == (2, success.pk)


def test_it_does_not_fall_back_after_a_401(user):
    ProviderConfigFactory(priority=1)
    ProviderConfigFactory(priority=2)
    MockProvider.queue.extend([ProviderError("auth", "Incorrect API key provided: sk-proj-abc***wxyz"), "unused"])

    with pytest.raises(ProviderFailed) as failed:
        generate(user)

    [row] = logs()
    assert (row.status, row.error_code) == ("error", "auth")
    assert "abc***wxyz" not in row.error_message
    assert "sk-" not in failed.value.message
    assert list(MockProvider.queue) == ["unused"]


def test_unusable_output_stops_with_invalid_output(user):
    ProviderConfigFactory(priority=1)
    ProviderConfigFactory(priority=2)
    MockProvider.queue.append(ProviderError("invalid_output", "not JSON"))

    with pytest.raises(InvalidOutput):
        generate(user)

    assert len(logs()) == 1


def test_every_provider_unavailable_gives_retry_after_from_the_vendors(user):
    ProviderConfigFactory(priority=1)
    ProviderConfigFactory(priority=2)
    MockProvider.queue.extend([ProviderError("rate_limited", "429", retry_after=12), unavailable(retry_after=45.2)])

    with pytest.raises(ProviderUnavailable) as unavailable_error:
        generate(user)

    assert unavailable_error.value.retry_after == 46
    assert [row.attempt for row in logs()] == [1, 2]


def test_every_provider_unavailable_without_a_vendor_hint_says_retry_after_30_seconds(user):
    ProviderConfigFactory()
    MockProvider.queue.append(unavailable())

    with pytest.raises(ProviderUnavailable) as unavailable_error:
        generate(user)

    assert unavailable_error.value.headers == {"Retry-After": "30"}


def test_every_provider_timing_out_gives_provider_timeout(user):
    ProviderConfigFactory(priority=1)
    ProviderConfigFactory(priority=2)
    MockProvider.queue.extend([ProviderError("timeout", "read timeout"), ProviderError("timeout", "read timeout")])

    with pytest.raises(ProviderTimeout):
        generate(user)

    assert [row.error_code for row in logs()] == ["timeout", "timeout"]


class TransactionCheckingProvider(MockProvider):
    seen_in_atomic_block: ClassVar[list[bool]] = []

    def generate(self, request: GenerationRequest) -> GenerationResult:
        type(self).seen_in_atomic_block.append(connection.in_atomic_block)
        return super().generate(request)


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_during_the_provider_call(monkeypatch):
    monkeypatch.setitem(ProviderFactory.PROVIDERS, "mock", f"{__name__}.TransactionCheckingProvider")
    TransactionCheckingProvider.seen_in_atomic_block = []
    PlanFactory(code="freemium")  # transactional tests may run after a flush of the seeded plans
    ProviderConfigFactory(priority=1)
    ProviderConfigFactory(priority=2)
    MockProvider.queue.append(unavailable())

    generate(UserFactory())

    assert TransactionCheckingProvider.seen_in_atomic_block == [False, False]


# --- pricing and the log --------------------------------------------------------------------------


def test_a_priced_model_is_costed_in_decimal(user):
    ModelPrice.objects.create(
        provider_type="mock",
        model="mock-priced",
        input_per_million=Decimal("1.25"),
        output_per_million=Decimal("10"),
        valid_from=date(2020, 1, 1),
    )
    ProviderConfigFactory(fast_model="mock-priced")

    generation = generate(user)

    result = generation.result
    expected = (result.input_tokens * Decimal("1.25") + result.output_tokens * Decimal(10)) / 1_000_000
    row = AIProviderUsageLog.objects.get()
    assert row.cost_usd == generation.cost_usd == expected.quantize(Decimal("1e-10"))
    assert row.cost_usd > 0


def test_an_unpriced_model_has_no_cost_rather_than_zero(user):
    ProviderConfigFactory(fast_model="mock-without-a-price")

    generation = generate(user)

    row = AIProviderUsageLog.objects.get()
    assert (row.model, row.cost_usd, generation.cost_usd) == ("mock-without-a-price", None, None)
    assert row.total_tokens > 0


def test_a_success_row_has_every_field(user):
    config = ProviderConfigFactory()

    generation = generate(user, task="cover_letter")

    row = AIProviderUsageLog.objects.get()
    assert (row.user_id, row.provider_config_id, row.provider_type, row.model) == (
        user.pk,
        config.pk,
        "mock",
        "mock-fast",
    )
    assert (row.task_type, row.plan, row.status, row.attempt) == ("cover_letter", "freemium", "success", 1)
    assert row.input_tokens == generation.result.input_tokens
    assert row.total_tokens == row.input_tokens + row.output_tokens
    assert row.latency_ms >= 0
    assert row.request_id == generation.request_id


@pytest.mark.django_db(transaction=True)  # autocommit as in production: no test transaction's savepoints
def test_a_warm_call_costs_at_most_six_queries(local_caches, django_assert_max_num_queries):
    PlanFactory(code="freemium")
    user = type(UserFactory()).objects.select_related("subscription__plan").get()  # as the token auth loads it
    ProviderConfigFactory()
    generate(user)

    with django_assert_max_num_queries(6):
        generate(user)


# --- cache invalidation after an admin edit -------------------------------------------------------


def test_an_edited_key_is_used_by_the_next_call(user):
    config = ProviderConfigFactory(api_key="sk-the-old-key-0001")
    generate(user)

    config.api_key = "sk-the-new-key-0002"
    config.save()
    generate(user)

    assert [key for key, _ in RecordingProvider.calls] == ["sk-the-old-key-0001", "sk-the-new-key-0002"]


def test_an_edited_model_and_a_deactivation_apply_to_the_next_call(user):
    config = ProviderConfigFactory(priority=1)
    ProviderConfigFactory(priority=2, fast_model="mock-second")
    generate(user)

    config.fast_model = "mock-renamed"
    config.save()
    generate(user)
    config.is_active = False
    config.save()
    generate(user)

    assert [model for _, model in RecordingProvider.calls] == ["mock-fast", "mock-renamed", "mock-second"]


def test_a_config_given_to_another_user_stops_serving_its_old_owner(user):
    ProviderConfigFactory(api_key="sk-the-global-key-1")
    own = ProviderConfigFactory(owner=user, api_key="sk-users-own-key-1")
    generate(user)

    own.owner = UserFactory()
    own.save()
    generate(user)

    assert [key for key, _ in RecordingProvider.calls] == ["sk-users-own-key-1", "sk-the-global-key-1"]


def test_a_plan_edit_changes_the_model_of_the_next_call(user):
    ProviderConfigFactory()
    plan = PlanFactory(code="editable", quality_tasks=[])
    SubscriptionFactory(user=user, plan=plan)
    generate(user, task="cv_draft")

    plan.quality_tasks = ["cv_draft"]
    plan.save()
    generate(user, task="cv_draft")

    assert [model for _, model in RecordingProvider.calls] == ["mock-fast", "mock-quality"]
