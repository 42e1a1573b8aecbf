"""The three launch plans (issue 2). Editable afterwards in the admin and the super-admin API."""

from django.db import migrations

QUALITY_WRITING = ["cv_draft", "cover_letter"]
PLANS = [
    # code, name, daily, monthly, quality tasks, requests per minute
    ("freemium", "Freemium", 10_000, 200_000, [], 20),
    ("pro_monthly", "Pro (monthly)", 1_000_000, 20_000_000, QUALITY_WRITING, 120),
    ("pro_yearly", "Pro (yearly)", 1_000_000, 20_000_000, QUALITY_WRITING, 120),
]


def create_plans(apps, schema_editor):
    Plan = apps.get_model("subscriptions", "Plan")
    for code, name, daily, monthly, quality_tasks, rpm in PLANS:
        Plan.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "daily_token_limit": daily,
                "monthly_token_limit": monthly,
                "quality_tasks": quality_tasks,
                "requests_per_minute": rpm,
            },
        )


def delete_plans(apps, schema_editor):
    apps.get_model("subscriptions", "Plan").objects.filter(code__in=[p[0] for p in PLANS]).delete()


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0001_initial")]
    operations = [migrations.RunPython(create_plans, delete_plans)]
