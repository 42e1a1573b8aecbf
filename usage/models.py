from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from providers.models import ProviderType


class UsageStatus(models.TextChoices):
    SUCCESS = "success"
    ERROR = "error"
    QUOTA_EXCEEDED = "quota_exceeded"
    CACHE_HIT = "cache_hit"


class AIProviderUsageLog(models.Model):
    """One row per provider attempt and per refusal. ``cost_usd`` is null when the price is unknown."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    provider_config = models.ForeignKey(
        "providers.AIProviderConfig", null=True, blank=True, on_delete=models.SET_NULL, related_name="usage_logs"
    )
    provider_type = models.CharField(max_length=20, blank=True, default="")
    model = models.CharField(max_length=100, blank=True, default="")
    task_type = models.CharField(max_length=30, blank=True, default="")
    plan = models.CharField(max_length=50, blank=True, default="")
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    total_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    status = models.CharField(max_length=20, choices=UsageStatus.choices)
    error_code = models.CharField(max_length=50, blank=True, default="")
    error_message = models.CharField(max_length=500, blank=True, default="")
    latency_ms = models.PositiveIntegerField(default=0)
    attempt = models.PositiveSmallIntegerField(default=1)
    request_id = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "AI provider usage log"
        indexes = [
            models.Index(fields=["created_at"], name="usage_created_idx"),
            models.Index(fields=["provider_type", "created_at"], name="usage_provider_created_idx"),
            models.Index(fields=["user", "created_at"], name="usage_user_created_idx"),
            models.Index(fields=["status", "created_at"], name="usage_status_created_idx"),
            # The provider-config list's calls and error rate over the last 24 hours (providers.admin).
            models.Index(fields=["provider_config", "created_at"], name="usage_config_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.provider_type}/{self.model} {self.status}"


class ModelPrice(models.Model):
    """List price of a model in USD per million tokens, valid from a date on."""

    provider_type = models.CharField(max_length=20, choices=ProviderType.choices)
    model = models.CharField(max_length=100)
    input_per_million = models.DecimalField(max_digits=12, decimal_places=6)
    output_per_million = models.DecimalField(max_digits=12, decimal_places=6)
    cached_input_per_million = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    valid_from = models.DateField(default=timezone.now)
    source = models.CharField(max_length=200, blank=True, default="", help_text="Where the price was read.")

    class Meta:
        ordering = ["provider_type", "model", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["provider_type", "model", "valid_from"], name="one_price_per_model_date")
        ]

    def __str__(self) -> str:
        return f"{self.provider_type}/{self.model} from {self.valid_from}"


class AlertKind(models.TextChoices):
    ERROR_RATE = "error_rate", "Error rate"
    LATENCY = "latency_p95", "Latency p95"
    DAILY_COST = "daily_cost", "Daily cost"
    QUOTA_EXCEEDED = "quota_exceeded", "Quota exceeded"
    CREDENTIAL_EXPIRING = "credential_expiring", "Credential expiring"
    CREDENTIAL_TEST_FAILED = "credential_test_failed", "Credential test failed"
    UNPRICED_CALLS = "unpriced_calls", "Calls without a price"


class AlertSeverity(models.IntegerChoices):
    """Ordered like logging levels, so that "critical first" is ``-severity``."""

    INFO = 10, "info"
    WARNING = 20, "warning"
    CRITICAL = 30, "critical"


class Alert(models.Model):
    """A condition found by ``check_alerts`` (``usage.alerts``). ``kind`` + ``subject`` is its fingerprint.

    While the condition persists, each run updates the one open alert (message, details, severity,
    ``last_seen_at``, ``occurrences``); a run that no longer finds it resolves it. Once resolved (by a
    run or by hand in the admin), the next sighting opens a new alert.
    """

    kind = models.CharField(max_length=30, choices=AlertKind.choices)
    severity = models.PositiveSmallIntegerField(choices=AlertSeverity.choices)
    subject = models.CharField(
        max_length=200, blank=True, default="", help_text="What it is about: a provider, a config, a model."
    )
    message = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    occurrences = models.PositiveIntegerField(default=1, help_text="Runs of check_alerts that found it.")

    class Meta:
        ordering = [F("resolved_at").desc(nulls_first=True), "-severity", "-last_seen_at"]
        indexes = [models.Index(fields=["resolved_at", "severity"], name="usage_alert_open_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject"], condition=Q(resolved_at__isnull=True), name="one_open_alert_per_fingerprint"
            )
        ]

    def __str__(self) -> str:
        return f"[{self.get_severity_display()}] {self.fingerprint}: {self.message}"

    @property
    def fingerprint(self) -> str:
        return f"{self.kind}:{self.subject}" if self.subject else self.kind

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class UsageRollupDay(models.Model):
    """How much of a day (in ``TIME_ZONE``) the rollup holds: its raw rows created before ``covered_until``,
    written in the same transaction as the rollup rows. See ``usage.rollup``.

    Once ``covered_until`` is the day's end the day is complete and never recomputed (its raw rows may be
    pruned, ``pruned_at``), so the rollup keeps the history of pruned days.
    """

    day = models.DateField(unique=True)
    covered_until = models.DateTimeField()
    in_prefix = models.BooleanField(default=False, help_text="Its running latency totals are written.")
    raw_rows = models.PositiveBigIntegerField(default=0, help_text="Raw rows the rollup of this day counted.")
    rolled_up_at = models.DateTimeField(default=timezone.now)
    pruned_at = models.DateTimeField(null=True, blank=True, help_text="When usage_prune deleted its raw rows.")

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.raw_rows} rows up to {self.covered_until:%H:%M:%S}"


class UsageDailyRollup(models.Model):
    """The usage measures (``usage.measures``) of one day, provider, model and task."""

    day = models.DateField()
    provider_type = models.CharField(max_length=20, blank=True, default="")
    model = models.CharField(max_length=100, blank=True, default="")
    task_type = models.CharField(max_length=30, blank=True, default="")
    calls = models.BigIntegerField(default=0)
    attempts = models.BigIntegerField(default=0)
    successes = models.BigIntegerField(default=0)
    errors = models.BigIntegerField(default=0)
    quota_exceeded = models.BigIntegerField(default=0)
    cache_hits = models.BigIntegerField(default=0)
    unpriced_calls = models.BigIntegerField(default=0)
    input_tokens = models.BigIntegerField(default=0)
    output_tokens = models.BigIntegerField(default=0)
    total_tokens = models.BigIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=30, decimal_places=10, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "provider_type", "model", "task_type"], name="one_rollup_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.provider_type}/{self.model} {self.task_type}"


class UsageDailyUserRollup(models.Model):
    """Calls, tokens and cost of one day, user, provider and task: the dashboard's top users."""

    day = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    provider_type = models.CharField(max_length=20, blank=True, default="")
    task_type = models.CharField(max_length=30, blank=True, default="")
    calls = models.BigIntegerField(default=0)
    total_tokens = models.BigIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=30, decimal_places=10, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "user", "provider_type", "task_type"], name="one_user_rollup_per_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} user {self.user_id} {self.provider_type} {self.task_type}"


class LatencyHistogramRow(models.Model):
    """Attempts of a provider, model and task that fell in one latency bucket (``usage.measures``)."""

    day = models.DateField()
    provider_type = models.CharField(max_length=20, blank=True, default="")
    model = models.CharField(max_length=100, blank=True, default="")
    task_type = models.CharField(max_length=30, blank=True, default="")
    latency_bucket = models.PositiveIntegerField()
    attempts = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.provider_type}/{self.model} {self.latency_bucket} ms: {self.attempts}"


def _one_per_bucket(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["day", "provider_type", "model", "task_type", "latency_bucket"], name=name)


class UsageLatencyRollup(LatencyHistogramRow):
    """The latency histogram of one day's attempts."""

    class Meta:
        constraints = [_one_per_bucket("one_latency_bucket_per_group")]


class UsageLatencyPrefix(LatencyHistogramRow):
    """The latency histogram of every complete day up to ``day`` included: a running total of
    ``UsageLatencyRollup``, so that a range's histogram is the difference of two days' rows instead of a sum
    over all its days."""

    class Meta:
        constraints = [_one_per_bucket("one_latency_prefix_per_group")]


class UsageDayPercentiles(models.Model):
    """A complete day's latency percentiles (``usage.measures``) for each filter of the stats: one provider
    or all (``*``), one task or all (``*``) — the ``by_day`` figures."""

    ALL = "*"

    day = models.DateField()
    provider_type = models.CharField(max_length=20)
    task_type = models.CharField(max_length=30)
    latency_p50_ms = models.FloatField(null=True)
    latency_p95_ms = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "provider_type", "task_type"], name="one_day_percentiles_per_filter")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.provider_type} {self.task_type}: p50 {self.latency_p50_ms}, p95 {self.latency_p95_ms}"
