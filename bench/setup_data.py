"""The benchmark's data in its own database: users with API tokens on a plan without limits, an OpenAI-type
provider config whose ``base_url`` is the fake upstream, and a price for its model (so the cost is computed
as in production). Idempotent; prints the users' tokens as JSON.

    DJANGO_SETTINGS_MODULE=config.settings python -m bench.setup_data --upstream http://127.0.0.1:9100/v1
"""

import argparse
import json
import os
from decimal import Decimal

USERS = 100  # spread over users as in production: DRF's throttle keeps one history per user
MODEL = "gpt-bench"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True, help="the fake upstream's base URL, /v1 included")
    parser.add_argument("--users", type=int, default=USERS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(bench_data_setup(upstream=args.upstream, users=args.users)))


def bench_data_setup(*, upstream: str, users: int) -> list[str]:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from providers.models import AIProviderConfig
    from subscriptions.models import Plan, Subscription
    from usage.models import ModelPrice

    plan, _ = Plan.objects.update_or_create(
        code="bench",
        defaults={"name": "Bench", "daily_token_limit": None, "monthly_token_limit": None,
                  "requests_per_minute": 1_000_000, "quality_tasks": []},
    )
    _rows_of_earlier_runs_delete()
    AIProviderConfig.objects.create(
        name="bench-upstream", provider_type="openai", api_key="sk-bench-0000000000000000", base_url=upstream,
        fast_model=MODEL, quality_model=MODEL, is_active=True, is_default=True,
    )
    ModelPrice.objects.get_or_create(
        provider_type="openai", model=MODEL, valid_from="2026-01-01",
        defaults={"input_per_million": Decimal("0.25"), "output_per_million": Decimal("2.00")},
    )
    tokens = []
    for number in range(users):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-{number:03d}")
        Subscription.objects.update_or_create(user=user, defaults={"plan": plan, "status": "active"})
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    return tokens


def _rows_of_earlier_runs_delete() -> None:
    """Each run starts from empty log tables (their size would otherwise grow from run to run) and no provider
    config (one stored by an earlier run may be encrypted with another key)."""
    from django.core.management.color import no_style
    from django.db import connection

    from orchestrator.models import JobPosting
    from providers.models import AIProviderConfig
    from subscriptions.models import QuotaCounter
    from usage.models import AIProviderUsageLog

    tables = [model._meta.db_table for model in (JobPosting, AIProviderUsageLog, QuotaCounter, AIProviderConfig)]
    with connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(statement)


if __name__ == "__main__":
    main()
