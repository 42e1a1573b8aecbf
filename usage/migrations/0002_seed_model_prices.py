"""List prices of the default models of each vendor, USD per million tokens (standard tier,
prompts ≤ 200k tokens), read on 2026-11-26 from the vendors' own pricing pages:

- OpenAI: https://platform.openai.com/docs/pricing (gpt-5, gpt-5-mini)
- Anthropic: https://platform.claude.com/docs/en/about-claude/pricing (claude-haiku-4-5,
  claude-sonnet-5-5; cached input = cache read)
- Google: https://ai.google.dev/gemini-api/docs/pricing (gemini-2.5-flash, gemini-2.5-pro)

Prices change: edit them in the admin (a new row with a later valid_from keeps history exact).
"""

import datetime
from decimal import Decimal

from django.db import migrations

VALID_FROM = datetime.date(2026, 11, 1)
PRICES = [
    # provider, model, input, output, cached input, source
    ("openai", "gpt-5-mini", "0.25", "2.00", "0.025", "platform.openai.com/docs/pricing"),
    ("openai", "gpt-5", "1.25", "10.00", "0.125", "platform.openai.com/docs/pricing"),
    ("anthropic", "claude-haiku-4-5", "1.00", "5.00", "0.10", "platform.claude.com/docs pricing"),
    ("anthropic", "claude-sonnet-5-5", "2.00", "10.00", "0.20", "platform.claude.com/docs pricing"),
    ("gemini", "gemini-2.5-flash", "0.30", "2.50", "0.03", "ai.google.dev/gemini-api/docs/pricing"),
    ("gemini", "gemini-2.5-pro", "1.25", "10.00", "0.125", "ai.google.dev/gemini-api/docs/pricing"),
    # The offline test double costs nothing: a known price of zero, not a missing one.
    ("mock", "mock-fast", "0", "0", "0", "offline test double"),
    ("mock", "mock-quality", "0", "0", "0", "offline test double"),
]


def create_prices(apps, schema_editor):
    ModelPrice = apps.get_model("usage", "ModelPrice")
    for provider, model, inp, out, cached, source in PRICES:
        ModelPrice.objects.update_or_create(
            provider_type=provider,
            model=model,
            valid_from=VALID_FROM,
            defaults={
                "input_per_million": Decimal(inp),
                "output_per_million": Decimal(out),
                "cached_input_per_million": Decimal(cached),
                "source": source,
            },
        )


def delete_prices(apps, schema_editor):
    apps.get_model("usage", "ModelPrice").objects.filter(valid_from=VALID_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("usage", "0001_initial")]
    operations = [migrations.RunPython(create_prices, delete_prices)]
