"""/metrics: AI-call metrics fed by the usage log, HTTP metrics by route, who may read them, multiprocess mode.

The registry is the process's own and keeps counting across tests: every assertion is on a difference.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from core.metrics import metrics_exposition
from orchestrator.services.orchestrator import AIOrchestrator
from providers.backends.mock import MockProvider
from providers.base import ProviderError
from tests.factories import ProviderConfigFactory, UserFactory
from usage.services import UsageContext, usage_log_record

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Delta:
    """The change of a few samples between ``__init__`` and ``now()``."""

    def __init__(self, *samples: tuple[str, dict[str, str]]) -> None:
        self.samples = samples
        self.before = [sample(name, **labels) for name, labels in samples]

    def now(self) -> list[float]:
        pairs = zip(self.samples, self.before, strict=True)
        return [sample(name, **labels) - before for (name, labels), before in pairs]


@pytest.fixture
def context():
    return UsageContext(user_id=UserFactory().pk, task_type="extraction", plan="freemium", request_id=uuid.uuid4())


def test_a_priced_attempt_counts_its_call_tokens_cost_and_latency(context):
    model = "gpt-5-mini-2025-08-07"
    both = {"provider_type": "openai", "model": model}
    delta = Delta(
        ("ai_calls_total", {**both, "task_type": "extraction", "status": "success"}),
        ("ai_tokens_total", {**both, "direction": "input"}),
        ("ai_tokens_total", {**both, "direction": "output"}),
        ("ai_cost_usd_total", both),
        ("ai_unpriced_calls_total", both),
        ("ai_call_latency_seconds_count", {"provider_type": "openai"}),
        ("ai_call_latency_seconds_sum", {"provider_type": "openai"}),
    )

    usage_log_record(
        context=context, status="success", provider_type="openai", model=model,
        input_tokens=1000, output_tokens=500, latency_ms=812,
    )

    calls, tokens_in, tokens_out, cost, unpriced, latency_count, latency_sum = delta.now()
    assert (calls, tokens_in, tokens_out, unpriced, latency_count) == (1, 1000, 500, 0, 1)
    assert cost == pytest.approx(0.00125)
    assert latency_sum == pytest.approx(0.812)


def test_a_call_of_a_model_without_a_price_is_counted_as_unpriced(context):
    labels = {"provider_type": "openai", "model": "gpt-from-the-future"}
    delta = Delta(("ai_unpriced_calls_total", labels), ("ai_cost_usd_total", labels))

    usage_log_record(context=context, status="success", input_tokens=10, output_tokens=5, **labels)

    assert delta.now() == [1, 0]


def test_a_refusal_is_a_call_with_no_tokens_and_no_latency(context):
    delta = Delta(
        ("ai_calls_total", {"provider_type": "none", "model": "none", "task_type": "extraction", "status": "error"}),
        ("ai_call_latency_seconds_count", {"provider_type": "none"}),
        ("ai_unpriced_calls_total", {"provider_type": "none", "model": "none"}),
    )

    usage_log_record(context=context, status="error", error_code="no_provider_configured")

    assert delta.now() == [1, 0, 0]


def test_an_orchestrated_call_counts_each_attempt_once():
    user = UserFactory()
    ProviderConfigFactory(priority=1)
    ProviderConfigFactory(priority=2)
    MockProvider.queue.append(ProviderError("unavailable", "overloaded"))
    labels = {"provider_type": "mock", "model": "mock-fast", "task_type": "extraction"}
    delta = Delta(
        ("ai_calls_total", {**labels, "status": "error"}),
        ("ai_calls_total", {**labels, "status": "success"}),
        ("ai_call_latency_seconds_count", {"provider_type": "mock"}),
    )

    AIOrchestrator().generate(user=user, task="extraction", prompt="Extract the job posting below.")

    assert delta.now() == [1, 1, 2]


def test_http_requests_are_counted_by_url_name_method_and_status(client):
    delta = Delta(
        ("http_requests_total", {"route": "healthz", "method": "GET", "status": "200"}),
        ("http_request_duration_seconds_count", {"route": "healthz", "method": "GET"}),
    )

    client.get("/healthz")

    assert delta.now() == [1, 1]


def test_unknown_paths_and_methods_do_not_become_labels(client):
    delta = Delta(("http_requests_total", {"route": "unmatched", "method": "other", "status": "404"}))

    client.generic("BREW", "/no/such/page/8c1d2e")

    assert delta.now() == [1]
    assert b"8c1d2e" not in metrics_exposition()[0]
    assert b'method="BREW"' not in metrics_exposition()[0]


def test_metrics_are_served_to_loopback_in_prometheus_text_format(client):
    response = client.get("/metrics")  # the test client connects from 127.0.0.1

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert b"# TYPE ai_calls_total counter" in response.content
    assert b"# TYPE http_request_duration_seconds histogram" in response.content


@pytest.mark.parametrize("address", ["::1", "::ffff:127.0.0.1"])
def test_ipv6_loopback_may_read_the_metrics(client, address):
    assert client.get("/metrics", REMOTE_ADDR=address).status_code == 200


def test_other_addresses_are_refused_without_a_token(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 403
    assert b"ai_calls" not in response.content


def test_a_request_through_a_proxy_on_the_same_host_is_not_loopback(client):
    response = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert response.status_code == 403


def test_debug_serves_the_metrics_to_any_address(client, settings):
    settings.DEBUG = True

    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_with_a_token_only_its_bearer_may_read_the_metrics_even_from_loopback(client, settings):
    settings.METRICS_TOKEN = "scrape-token-0123456789"

    missing = client.get("/metrics")
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    right = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer scrape-token-0123456789")

    assert (missing.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert b"ai_calls_total" in right.content


RECORD_ONE_CALL = """
import django
django.setup()
from usage.metrics import usage_metrics_observe
from usage.models import AIProviderUsageLog
usage_metrics_observe(AIProviderUsageLog(
    provider_type="openai", model="multiprocess-test", task_type="extraction", status="success",
    input_tokens=7, output_tokens=3, latency_ms=1500,
))
"""


def test_in_multiprocess_mode_the_metrics_are_summed_over_the_worker_processes(tmp_path, monkeypatch):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tests.settings"}
    workers = [subprocess.Popen([sys.executable, "-c", RECORD_ONE_CALL], cwd=REPO, env=env) for _ in range(2)]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0]
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    text = metrics_exposition()[0].decode()

    labels = 'model="multiprocess-test",provider_type="openai",status="success",task_type="extraction"'
    assert f"ai_calls_total{{{labels}}} 2.0" in text
    assert 'ai_tokens_total{direction="input",model="multiprocess-test",provider_type="openai"} 14.0' in text
