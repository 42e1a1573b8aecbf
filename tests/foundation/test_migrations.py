from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from subscriptions.models import Plan
from usage.models import ModelPrice


@pytest.mark.django_db
def test_the_models_and_the_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "daily", "monthly", "quality_tasks", "rpm"),
    [
        ("freemium", 10_000, 200_000, [], 20),
        ("pro_monthly", 1_000_000, 20_000_000, ["cv_draft", "cover_letter", "interview_prep", "revision"], 120),
        ("pro_yearly", 1_000_000, 20_000_000, ["cv_draft", "cover_letter", "interview_prep", "revision"], 120),
    ],
)
def test_the_data_migration_creates_the_plans(code, daily, monthly, quality_tasks, rpm):
    plan = Plan.objects.get(code=code)
    assert (plan.daily_token_limit, plan.monthly_token_limit) == (daily, monthly)
    assert sorted(plan.quality_tasks) == sorted(quality_tasks)
    assert plan.requests_per_minute == rpm


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("provider_type", "model", "input_price", "output_price"),
    [
        ("openai", "gpt-5-mini", "0.25", "2.00"),
        ("openai", "gpt-5", "1.25", "10.00"),
        ("anthropic", "claude-haiku-4-5", "1.00", "5.00"),
        ("anthropic", "claude-sonnet-5-5", "2.00", "10.00"),
        ("gemini", "gemini-2.5-flash", "0.30", "2.50"),
        ("gemini", "gemini-2.5-pro", "1.25", "10.00"),
    ],
)
def test_the_data_migration_prices_the_default_models(provider_type, model, input_price, output_price):
    price = ModelPrice.objects.get(provider_type=provider_type, model=model)
    assert price.input_per_million == Decimal(input_price)
    assert price.output_per_million == Decimal(output_price)
    assert price.source
