"""factory-boy factories shared by every test package.

Plans are got-or-created by code, so ``PlanFactory(code="freemium")`` returns the plan seeded by the
data migration (pass limits explicitly when a test depends on them).
"""

import uuid

import factory
from django.contrib.auth import get_user_model

from providers.models import AIProviderConfig
from subscriptions.models import Plan, Subscription
from usage.models import AIProviderUsageLog, UsageStatus


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pass-word-123")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"plan{n}")
    name = factory.LazyAttribute(lambda p: p.code.replace("_", " ").title())
    daily_token_limit = 100_000
    monthly_token_limit = 1_000_000
    quality_tasks = factory.LazyFunction(list)
    requests_per_minute = 20


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    user = factory.SubFactory(UserFactory)
    plan = factory.SubFactory(PlanFactory)
    status = Subscription.Status.ACTIVE


class ProviderConfigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AIProviderConfig

    name = factory.Sequence(lambda n: f"config-{n}")
    provider_type = "mock"
    api_key = factory.Sequence(lambda n: f"sk-test-key-{n:08d}")
    base_url = ""
    fast_model = "mock-fast"
    quality_model = "mock-quality"
    is_active = True
    is_default = False
    priority = 100
    owner = None


class UsageLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AIProviderUsageLog

    user = factory.SubFactory(UserFactory)
    provider_config = None
    provider_type = "mock"
    model = "mock-fast"
    task_type = "extraction"
    plan = "freemium"
    input_tokens = 100
    output_tokens = 50
    total_tokens = factory.LazyAttribute(lambda o: o.input_tokens + o.output_tokens)
    cost_usd = None
    status = UsageStatus.SUCCESS
    latency_ms = 120
    attempt = 1
    request_id = factory.LazyFunction(uuid.uuid4)
