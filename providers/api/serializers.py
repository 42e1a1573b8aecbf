"""Provider configs in the super-admin API: the key is write-only and comes back masked."""

from rest_framework import serializers

from providers.models import AIProviderConfig


class ProviderConfigSerializer(serializers.ModelSerializer):
    api_key = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        style={"input_type": "password"},
        help_text="Write-only. Omit on an update to keep the stored key.",
    )
    masked_key = serializers.CharField(read_only=True)
    is_llm = serializers.SerializerMethodField()
    provider_label = serializers.CharField(source="get_provider_type_display", read_only=True)

    class Meta:
        model = AIProviderConfig
        fields = (
            "id",
            "name",
            "provider_type",
            "provider_label",
            "is_llm",
            "api_key",
            "masked_key",
            "base_url",
            "fast_model",
            "quality_model",
            "is_active",
            "is_default",
            "priority",
            "owner",
            "expires_at",
            "last_tested_at",
            "last_test_ok",
            "last_test_error",
            "created_at",
            "updated_at",
        )
        # The default changes only through make-default, which first clears the old one.
        read_only_fields = ("is_default", "last_tested_at", "last_test_ok", "last_test_error")

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None and not attrs.get("api_key", "x"):
            attrs.pop("api_key")  # blank on an update keeps the stored key, as in the admin
        return attrs

    def get_is_llm(self, obj: AIProviderConfig) -> bool:
        return not obj.is_mock


class ProviderTestResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    latency_ms = serializers.IntegerField(allow_null=True)
    error_code = serializers.CharField(allow_blank=True, allow_null=True)
    error_message = serializers.CharField(allow_blank=True, allow_null=True)
