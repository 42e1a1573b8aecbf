"""Interview preparation and revisions are writing tasks: a plan that gives drafts the quality model (the
seeded pro plans) gives it to them too. Plans without it (freemium) stay on the fast model."""

from django.db import migrations

NEW_WRITING_TASKS = ["interview_prep", "revision"]


def add_to_writing_plans(apps, schema_editor):
    for plan in apps.get_model("subscriptions", "Plan").objects.all():
        if "cv_draft" in plan.quality_tasks:
            plan.quality_tasks = plan.quality_tasks + [t for t in NEW_WRITING_TASKS if t not in plan.quality_tasks]
            plan.save(update_fields=["quality_tasks"])


def remove_from_plans(apps, schema_editor):
    for plan in apps.get_model("subscriptions", "Plan").objects.all():
        plan.quality_tasks = [task for task in plan.quality_tasks if task not in NEW_WRITING_TASKS]
        plan.save(update_fields=["quality_tasks"])


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0003_quota_reservation")]
    operations = [migrations.RunPython(add_to_writing_plans, remove_from_plans)]
