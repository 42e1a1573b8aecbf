import re
from typing import Any

from rest_framework import serializers

from subscriptions.models import Plan, Subscription, Task

SLUG = re.compile(r"[-\w]+")  # Plan.code is a SlugField


class PlanSerializer(serializers.ModelSerializer):
    quality_tasks = serializers.ListField(
        child=serializers.ChoiceField(choices=Task.choices),
        allow_empty=True,
        help_text="The tasks that get the quality model on this plan.",
    )

    class Meta:
        model = Plan
        fields = (
            "code",
            "name",
            "daily_token_limit",
            "monthly_token_limit",
            "quality_tasks",
            "requests_per_minute",
            "updated_at",
        )
        read_only_fields = ("code", "updated_at")

    def validate_quality_tasks(self, value: list[str]) -> list[str]:
        return sorted(set(value))


class PlanCodeField(serializers.SlugRelatedField):
    """A plan by its code; what cannot be a code (a NUL in it was a 500 on PostgreSQL) is not looked up."""

    def to_internal_value(self, data: Any) -> Plan:
        if isinstance(data, str) and not SLUG.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class SetPlanSerializer(serializers.Serializer):
    plan = PlanCodeField(slug_field="code", queryset=Plan.objects.all())


class SubscriptionSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    plan = serializers.CharField(source="plan.code", read_only=True)

    class Meta:
        model = Subscription
        fields = ("user", "username", "plan", "status", "current_period_start", "current_period_end", "updated_at")
        read_only_fields = fields
