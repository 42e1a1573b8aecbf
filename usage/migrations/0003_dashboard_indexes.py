"""Indexes and planner statistics for the admin's usage queries.

- ``(provider_config, created_at)``: each provider config's calls and errors of the last 24 hours.
- PostgreSQL only: statistics on the day of ``created_at`` (the expression Django's ``TruncDate``
  writes for the configured TIME_ZONE). Without them the planner guesses one group per row for
  "GROUP BY day", sorts the whole range on disk and runs about twice as slow; with them it hashes.
  If TIME_ZONE changes, run this migration's SQL again for the new zone.
"""

from django.conf import settings
from django.db import migrations, models

STATISTICS = "usage_day_stats"


def create_day_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    zone = settings.TIME_ZONE.replace("'", "")
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} ON ((created_at AT TIME ZONE '{zone}')::date) "
        "FROM usage_aiproviderusagelog"
    )
    schema_editor.execute("ANALYZE usage_aiproviderusagelog")


def drop_day_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0001_initial"),
        ("usage", "0002_seed_model_prices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="aiproviderusagelog",
            index=models.Index(fields=["provider_config", "created_at"], name="usage_config_created_idx"),
        ),
        migrations.RunPython(create_day_statistics, drop_day_statistics),
    ]
