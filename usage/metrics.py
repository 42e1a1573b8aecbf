"""Prometheus metrics of AI calls, fed from one place: ``usage_log_record`` calls ``usage_metrics_observe``
after each usage-log row is written, so the metrics count exactly what the usage log holds (one per
attempt and per refusal). Exposed at ``/metrics`` (core.views.metrics).

Labels stay bounded: provider types and task types are enums, statuses are ``UsageStatus``, and models are
the ones configured by the operators (or the vendor's snapshot name of them). An empty provider type or
model (a call refused before any provider was chosen) is labelled ``none``.
"""

from prometheus_client import Counter, Histogram

from usage.models import AIProviderUsageLog, UsageStatus

# LLM calls take from a fraction of a second to the provider timeout (60 s by default).
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 7.5, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0)
REACHED_PROVIDER = frozenset({UsageStatus.SUCCESS, UsageStatus.ERROR})

AI_CALLS = Counter(
    "ai_calls", "AI calls: one per usage-log row (provider attempts and refusals).",
    ["provider_type", "model", "task_type", "status"],
)
AI_TOKENS = Counter("ai_tokens", "Tokens billed by the providers.", ["provider_type", "model", "direction"])
AI_COST = Counter("ai_cost_usd", "Cost of the priced AI calls, in USD.", ["provider_type", "model"])
AI_UNPRICED_CALLS = Counter(
    "ai_unpriced_calls", "AI calls that billed tokens for a model without a known price.", ["provider_type", "model"]
)
AI_CALL_LATENCY = Histogram(
    "ai_call_latency_seconds", "Latency of the calls that reached a provider.", ["provider_type"],
    buckets=LATENCY_BUCKETS,
)


def usage_metrics_observe(row: AIProviderUsageLog) -> None:
    """Count one usage-log row. In-memory only (a few microseconds): no I/O on the request path."""
    provider_type, model = row.provider_type or "none", row.model or "none"
    AI_CALLS.labels(provider_type, model, row.task_type, row.status).inc()
    if row.input_tokens:
        AI_TOKENS.labels(provider_type, model, "input").inc(row.input_tokens)
    if row.output_tokens:
        AI_TOKENS.labels(provider_type, model, "output").inc(row.output_tokens)
    if row.cost_usd is None:  # pricing says None only for a call that billed tokens
        AI_UNPRICED_CALLS.labels(provider_type, model).inc()
    elif row.cost_usd > 0:
        AI_COST.labels(provider_type, model).inc(float(row.cost_usd))
    if row.status in REACHED_PROVIDER and row.provider_type:
        AI_CALL_LATENCY.labels(provider_type).observe(row.latency_ms / 1000)
