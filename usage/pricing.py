"""The price of a call: tokens * the model's list price (``ModelPrice``), as ``Decimal``.

cost = input tokens * input price + output tokens * output price, prices in USD per million tokens,
quantized to 10 decimal places. A model without a price costs ``None`` — unknown, never a silent 0
(the usage log stores null and the alerts report it). A call that billed no tokens costs 0.

Which price row: the one of the model with the latest ``valid_from`` on or before the day of the call.
Which model: vendors answer with a dated snapshot of the model asked for ("gpt-5-mini-2025-08-07",
"claude-haiku-4-5-20251001", "claude-haiku-4-5@20251001", "gemini-2.0-flash-001"). An exact name is
matched first; otherwise the longest priced name the model starts with, *when what follows is only a
snapshot suffix* (a date, an 8-digit stamp, a 3-digit version or "latest"). Any other suffix is a
different model ("gpt-5-nano" is not "gpt-5") and stays unpriced rather than borrowing a wrong price.

The whole price table (a few dozen rows) is kept per process for ``LOCAL_CACHE_SECONDS`` (core.local_cache):
an admin's new price applies in every process within a second.
"""

import re
from datetime import date
from decimal import Decimal

from django.utils import timezone

from core.local_cache import local_cache
from usage.models import ModelPrice

PER_MILLION = Decimal(1_000_000)
COST_QUANTUM = Decimal("1e-10")
SNAPSHOT_SUFFIX = re.compile(r"[-@](\d{4}-\d{2}-\d{2}|\d{8}|\d{3}|latest)")

# (provider_type, model) → [(valid_from, input per million, output per million)], newest first.
PriceTable = dict[tuple[str, str], list[tuple[date, Decimal, Decimal]]]


@local_cache()
def price_table() -> PriceTable:
    table: PriceTable = {}
    rows = ModelPrice.objects.order_by("-valid_from").values_list(
        "provider_type", "model", "valid_from", "input_per_million", "output_per_million"
    )
    for provider_type, model, valid_from, input_price, output_price in rows:
        table.setdefault((provider_type, model), []).append((valid_from, input_price, output_price))
    return table


def priced_model_name(table: PriceTable, provider_type: str, model: str) -> str | None:
    """The priced model name that ``model`` is (exact) or is a snapshot of (see the module docstring)."""
    if (provider_type, model) in table:
        return model
    candidates = [
        name
        for kind, name in table
        if kind == provider_type and model.startswith(name) and SNAPSHOT_SUFFIX.fullmatch(model[len(name) :])
    ]
    return max(candidates, key=len, default=None)


def call_cost(
    *, provider_type: str, model: str, input_tokens: int, output_tokens: int, on: date | None = None
) -> Decimal | None:
    """USD cost of a call, or None when the model has no price valid on that day."""
    if input_tokens == 0 and output_tokens == 0:
        return Decimal(0)
    table = price_table()
    name = priced_model_name(table, provider_type, model)
    if name is None:
        return None
    on = on or timezone.now().date()
    price = next((row for row in table[(provider_type, name)] if row[0] <= on), None)
    if price is None:
        return None
    _, input_price, output_price = price
    cost = (input_tokens * input_price + output_tokens * output_price) / PER_MILLION
    return cost.quantize(COST_QUANTUM)

