"""Usage logs and usage statistics in the super-admin API."""

from rest_framework import serializers

from providers.models import ProviderType
from subscriptions.models import Task
from usage.models import AIProviderUsageLog
from usage.selectors import usage_range_error


class UsageLogSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True, default=None)

    class Meta:
        model = AIProviderUsageLog
        fields = (
            "id",
            "created_at",
            "request_id",
            "user",
            "username",
            "provider_config",
            "provider_type",
            "model",
            "task_type",
            "plan",
            "status",
            "attempt",
            "input_tokens",
            "output_tokens",
            "total_tokens",
            "cost_usd",
            "latency_ms",
            "error_code",
            "error_message",
        )
        read_only_fields = fields


class StatsQuerySerializer(serializers.Serializer):
    """The query string of ``usage/stats`` and of the dashboard: a date range (default 30 days) and filters."""

    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    provider_type = serializers.ChoiceField(choices=ProviderType.choices, required=False, allow_blank=True)
    task_type = serializers.ChoiceField(choices=Task.choices, required=False, allow_blank=True)

    def validate(self, attrs: dict) -> dict:
        error = usage_range_error(date_from=attrs.get("date_from"), date_to=attrs.get("date_to"))
        if error:
            raise serializers.ValidationError({"date_from": [error]})
        return attrs


class StatsRowSerializer(serializers.Serializer):
    calls = serializers.IntegerField()
    attempts = serializers.IntegerField()
    successes = serializers.IntegerField()
    errors = serializers.IntegerField()
    quota_exceeded = serializers.IntegerField()
    cache_hits = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True)
    input_tokens = serializers.IntegerField()
    output_tokens = serializers.IntegerField()
    total_tokens = serializers.IntegerField()
    cost_usd = serializers.DecimalField(max_digits=20, decimal_places=10)
    unpriced_calls = serializers.IntegerField()
    latency_p50_ms = serializers.FloatField(allow_null=True)
    latency_p95_ms = serializers.FloatField(allow_null=True)


class ProviderStatsRowSerializer(StatsRowSerializer):
    provider_type = serializers.CharField()


class ModelStatsRowSerializer(StatsRowSerializer):
    provider_type = serializers.CharField()
    model = serializers.CharField()


class DayStatsRowSerializer(StatsRowSerializer):
    day = serializers.DateField()


class StatsSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    provider_type = serializers.CharField()
    task_type = serializers.CharField()
    totals = StatsRowSerializer()
    by_provider = ProviderStatsRowSerializer(many=True)
    by_model = ModelStatsRowSerializer(many=True)
    by_day = DayStatsRowSerializer(many=True)
