"""Synthetic usage rows for measuring the dashboard and the usage-log list at scale.

On PostgreSQL the rows are made by the database itself (``INSERT … SELECT … generate_series``, one
multi-row statement per batch): no row passes through Python, and 10 M rows take about 10 minutes on
this 2-core machine (most of it maintaining the table's seven indexes). Elsewhere they are
``bulk_create``d in batches. Rows are spread over ``days`` days in time order (as a live log grows),
over several providers, models, tasks, users and statuses; costs follow the seeded list prices.

The rows belong to ``bench-user-NNN`` users and inactive ``bench-<vendor>`` configs (no key), so
they never take part in routing. Rows added to past days change days the daily rollup may already
hold, so their rollup is dropped (``usage_rollup_forget``): the next ``usage_rollup`` recomputes it.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from providers.models import AIProviderConfig
from usage.models import AIProviderUsageLog
from usage.rollup import local_day, usage_rollup_forget

BENCH_USER_PREFIX = "bench-user-"
TASKS = ["extraction", "cv_draft", "cover_letter"]
PLANS = ["freemium", "pro_monthly", "pro_yearly"]
# Cumulative share of each status: 85 % success, 8 % error, 5 % quota refusals, 2 % cache hits.
STATUS_CUTS = [(0.85, "success"), (0.93, "error"), (0.98, "quota_exceeded"), (1.0, "cache_hit")]


@dataclass(frozen=True)
class CatalogEntry:
    provider_type: str
    model: str
    input_price: Decimal  # USD per million tokens
    output_price: Decimal
    latency_ms: int  # typical latency; rows vary from half to one and a half times it, with a slow tail


# Repeated entries are drawn more often: a rough traffic mix.
CATALOG = [
    *[CatalogEntry("gemini", "gemini-2.5-flash", Decimal("0.30"), Decimal("2.50"), 900)] * 4,
    CatalogEntry("gemini", "gemini-2.5-pro", Decimal("1.25"), Decimal("10.00"), 2500),
    *[CatalogEntry("openai", "gpt-5-mini", Decimal("0.25"), Decimal("2.00"), 1100)] * 3,
    CatalogEntry("openai", "gpt-5", Decimal("1.25"), Decimal("10.00"), 3000),
    *[CatalogEntry("anthropic", "claude-haiku-4-5", Decimal("1.00"), Decimal("5.00"), 1000)] * 2,
    CatalogEntry("anthropic", "claude-sonnet-5-5", Decimal("2.00"), Decimal("10.00"), 2800),
    CatalogEntry("mock", "mock-fast", Decimal("0"), Decimal("0"), 5),
]


def usage_rows_generate(*, rows: int, days: int = 90, users: int = 50, batch: int = 200_000) -> int:
    """Append ``rows`` usage rows ending now; returns the number written."""
    user_ids = _bench_users(users)
    config_ids = _bench_configs()
    end = timezone.now()
    start = end - timedelta(days=days)
    written = 0
    while written < rows:
        size = min(batch, rows - written)
        batch_start = start + (end - start) * (written / rows)
        batch_span = (end - start) * (size / rows)
        if connection.vendor == "postgresql":
            _insert_postgres(size, batch_start, batch_span, user_ids, config_ids)
        else:
            _insert_python(size, batch_start, batch_span, user_ids, config_ids)
        written += size
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {AIProviderUsageLog._meta.db_table}")
    usage_rollup_forget(first=local_day(start), last=local_day(end))
    return written


def _bench_users(count: int) -> list[int]:
    user_model = get_user_model()
    names = [f"{BENCH_USER_PREFIX}{n:03d}" for n in range(1, count + 1)]
    user_model.objects.bulk_create([user_model(username=name) for name in names], ignore_conflicts=True)
    by_name = dict(user_model.objects.filter(username__in=names).values_list("username", "pk"))
    return [by_name[name] for name in names]


def _bench_configs() -> dict[str, int]:
    ids = {}
    for provider_type in sorted({entry.provider_type for entry in CATALOG}):
        config, _ = AIProviderConfig.objects.get_or_create(
            name=f"bench-{provider_type}",
            defaults={"provider_type": provider_type, "is_active": False, "priority": 1000},
        )
        ids[provider_type] = config.pk
    return ids


INSERT_SQL = """
INSERT INTO usage_aiproviderusagelog (
    user_id, provider_config_id, provider_type, model, task_type, plan, input_tokens, output_tokens,
    total_tokens, cost_usd, status, error_code, error_message, latency_ms, attempt, request_id, created_at)
SELECT
    (%(users)s::bigint[])[1 + floor(%(user_count)s * power(random(), 2))::int],
    (%(configs)s::bigint[])[i], (%(types)s::text[])[i], (%(models)s::text[])[i],
    (%(tasks)s::text[])[1 + floor(random() * 3)::int], (%(plans)s::text[])[1 + floor(random() * 3)::int],
    CASE WHEN status IN ('success', 'error') THEN tokens_in ELSE 0 END,
    CASE WHEN status = 'success' THEN tokens_out ELSE 0 END,
    CASE WHEN status = 'success' THEN tokens_in + tokens_out WHEN status = 'error' THEN tokens_in ELSE 0 END,
    CASE WHEN status = 'success'
         THEN (tokens_in * (%(in_prices)s::numeric[])[i] + tokens_out * (%(out_prices)s::numeric[])[i]) / 1000000
         WHEN status = 'error' THEN tokens_in * (%(in_prices)s::numeric[])[i] / 1000000 END,
    status,
    CASE WHEN status = 'error' THEN 'unavailable' ELSE '' END,
    CASE WHEN status = 'error' THEN 'The provider is overloaded.' ELSE '' END,
    CASE WHEN status IN ('success', 'error')
         THEN ((%(latencies)s::int[])[i] * (0.5 + random()) * CASE WHEN random() < 0.05 THEN 4 ELSE 1 END)::int
         ELSE 0 END,
    CASE WHEN random() < 0.03 THEN 2 ELSE 1 END,
    gen_random_uuid(),
    %(start)s::timestamptz + %(span)s::interval * (g::float8 / %(size)s)
FROM (
    SELECT g, 1 + floor(random() * %(catalog_size)s)::int AS i,
           (100 + floor(random() * 3000))::int AS tokens_in, (50 + floor(random() * 1500))::int AS tokens_out,
           CASE WHEN r < 0.85 THEN 'success' WHEN r < 0.93 THEN 'error'
                WHEN r < 0.98 THEN 'quota_exceeded' ELSE 'cache_hit' END AS status
    FROM (SELECT g, random() AS r FROM generate_series(1, %(size)s) AS g) AS numbered
) AS drawn
"""


def _insert_postgres(size: int, start, span: timedelta, user_ids: list[int], config_ids: dict[str, int]) -> None:
    params = {
        "users": user_ids,
        "user_count": len(user_ids),
        "configs": [config_ids[e.provider_type] for e in CATALOG],
        "types": [e.provider_type for e in CATALOG],
        "models": [e.model for e in CATALOG],
        "in_prices": [e.input_price for e in CATALOG],
        "out_prices": [e.output_price for e in CATALOG],
        "latencies": [e.latency_ms for e in CATALOG],
        "catalog_size": len(CATALOG),
        "tasks": TASKS,
        "plans": PLANS,
        "start": start,
        "span": span,
        "size": size,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(INSERT_SQL, params)


def _insert_python(size: int, start, span: timedelta, user_ids: list[int], config_ids: dict[str, int]) -> None:
    rows = [_python_row(g, size, start, span, user_ids, config_ids) for g in range(1, size + 1)]
    AIProviderUsageLog.objects.bulk_create(rows, batch_size=2000)


def _python_row(g: int, size: int, start, span: timedelta, user_ids: list[int], config_ids: dict[str, int]):
    entry = random.choice(CATALOG)
    r = random.random()
    status = next(name for cut, name in STATUS_CUTS if r < cut)
    reached = status in ("success", "error")
    tokens_in = random.randint(100, 3099) if reached else 0
    tokens_out = random.randint(50, 1549) if status == "success" else 0
    cost = (tokens_in * entry.input_price + tokens_out * entry.output_price) / 1_000_000 if reached else None
    tail = 4 if random.random() < 0.05 else 1
    return AIProviderUsageLog(
        user_id=user_ids[int(len(user_ids) * random.random() ** 2)],
        provider_config_id=config_ids[entry.provider_type],
        provider_type=entry.provider_type,
        model=entry.model,
        task_type=random.choice(TASKS),
        plan=random.choice(PLANS),
        input_tokens=tokens_in,
        output_tokens=tokens_out,
        total_tokens=tokens_in + tokens_out,
        cost_usd=cost,
        status=status,
        error_code="unavailable" if status == "error" else "",
        error_message="The provider is overloaded." if status == "error" else "",
        latency_ms=int(entry.latency_ms * (0.5 + random.random()) * tail) if reached else 0,
        attempt=2 if random.random() < 0.03 else 1,
        request_id=uuid.uuid4(),
        created_at=start + span * (g / size),
    )
