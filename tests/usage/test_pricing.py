"""The cost of a call from ModelPrice: Decimal, None when unknown, never a silent 0."""

from datetime import date
from decimal import Decimal

import pytest

from usage.models import ModelPrice
from usage.pricing import call_cost

pytestmark = pytest.mark.django_db


def cost(model, input_tokens=1000, output_tokens=500, provider_type="openai", on=date(2026, 11, 26)):
    return call_cost(
        provider_type=provider_type, model=model, input_tokens=input_tokens, output_tokens=output_tokens, on=on
    )


def price(model, input_price, output_price, provider_type="openai", valid_from=date(2026, 1, 1)):
    return ModelPrice.objects.create(
        provider_type=provider_type,
        model=model,
        input_per_million=Decimal(input_price),
        output_per_million=Decimal(output_price),
        valid_from=valid_from,
    )


def test_a_priced_model_costs_input_and_output_at_their_prices():
    # seeded: gpt-5-mini at $0.25 in / $2.00 out per million
    assert cost("gpt-5-mini", 1000, 500) == Decimal("0.0012500000")
    assert isinstance(cost("gpt-5-mini"), Decimal)


def test_the_cost_keeps_ten_decimal_places():
    price("tiny-model", "1.234567", "0")

    assert cost("tiny-model", 1, 0) == Decimal("0.0000012346")
    assert cost("tiny-model", 1, 0).as_tuple().exponent == -10


def test_an_unpriced_model_costs_none_not_zero():
    assert cost("a-model-nobody-priced") is None


def test_the_same_model_name_of_another_vendor_is_not_priced():
    assert cost("gpt-5-mini", provider_type="anthropic") is None


def test_a_call_that_billed_nothing_costs_zero_even_unpriced():
    assert cost("a-model-nobody-priced", 0, 0) == Decimal(0)


@pytest.mark.parametrize(
    ("provider_type", "resolved", "priced_as"),
    [
        ("openai", "gpt-5-mini-2025-08-07", "gpt-5-mini"),
        ("openai", "gpt-5-2025-08-07", "gpt-5"),
        ("anthropic", "claude-haiku-4-5-20251001", "claude-haiku-4-5"),
        ("anthropic", "claude-haiku-4-5@20251001", "claude-haiku-4-5"),
        ("gemini", "gemini-2.5-flash-001", "gemini-2.5-flash"),
        ("gemini", "gemini-2.5-pro-latest", "gemini-2.5-pro"),
    ],
)
def test_a_dated_snapshot_is_priced_as_its_model(provider_type, resolved, priced_as):
    assert cost(resolved, provider_type=provider_type) == cost(priced_as, provider_type=provider_type)


def test_another_model_sharing_a_prefix_does_not_borrow_its_price():
    assert cost("gpt-5-nano") is None
    assert cost("gpt-5-mini-high") is None


def test_the_price_valid_on_the_day_of_the_call_is_used():
    price("evolving-model", "1", "1", valid_from=date(2026, 1, 1))
    price("evolving-model", "2", "2", valid_from=date(2026, 6, 1))

    assert cost("evolving-model", 1_000_000, 0, on=date(2026, 5, 31)) == Decimal(1)
    assert cost("evolving-model", 1_000_000, 0, on=date(2026, 6, 1)) == Decimal(2)
    assert cost("evolving-model", 1_000_000, 0, on=date(2025, 12, 31)) is None


def test_an_edited_price_applies_to_the_next_call():
    row = price("edited-model", "1", "1")
    assert cost("edited-model", 1_000_000, 0) == Decimal(1)

    row.input_per_million = Decimal(3)
    row.save()
    assert cost("edited-model", 1_000_000, 0) == Decimal(3)
    row.delete()
    assert cost("edited-model", 1_000_000, 0) is None


def test_a_new_price_applies_to_the_next_call():
    assert cost("brand-new-model") is None

    price("brand-new-model", "1", "1")

    assert cost("brand-new-model", 1_000_000, 0) == Decimal(1)


def test_a_warm_price_lookup_makes_no_query(local_caches, django_assert_num_queries):
    cost("gpt-5-mini")

    with django_assert_num_queries(0):
        cost("gpt-5-mini-2025-08-07")
