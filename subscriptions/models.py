from django.conf import settings
from django.db import models


class Task(models.TextChoices):
    """The AI tasks of the service. Adding one: docs/architecture.md, "Adding a task"."""

    EXTRACTION = "extraction", "Job extraction"
    CV_DRAFT = "cv_draft", "CV draft"
    COVER_LETTER = "cover_letter", "Cover letter"
    INTERVIEW_PREP = "interview_prep", "Interview preparation"
    REVISION = "revision", "Draft revision"


class Plan(models.Model):
    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    daily_token_limit = models.PositiveBigIntegerField(null=True, blank=True, help_text="Empty = unlimited.")
    monthly_token_limit = models.PositiveBigIntegerField(null=True, blank=True, help_text="Empty = unlimited.")
    quality_tasks = models.JSONField(default=list, blank=True, help_text="Tasks that get the quality model.")
    requests_per_minute = models.PositiveIntegerField(default=20)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        CANCELED = "canceled"
        PAST_DUE = "past_due"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} on {self.plan.code} ({self.status})"


class QuotaCounter(models.Model):
    """Tokens reserved and used by one user in one period.

    Changed only through single conditional UPDATEs (subscriptions.services), never read-modify-write.
    """

    class Period(models.TextChoices):
        DAY = "day"
        MONTH = "month"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quota_counters")
    period = models.CharField(max_length=5, choices=Period.choices)
    period_start = models.DateField()
    reserved = models.BigIntegerField(default=0)
    used = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "period", "period_start"], name="one_counter_per_user_period")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.period} {self.period_start}: used {self.used}, reserved {self.reserved}"


class QuotaReservation(models.Model):
    """A reservation held on a user's counters, from ``quota_reserve`` until ``quota_settle`` deletes it.

    A row still here long after its call should have ended belongs to a process that died mid-call (SIGKILL,
    OOM, a lost machine): ``quota_reclaim`` gives its tokens back. Whoever deletes the row (the settle or the
    reclaim) releases the tokens, so the two can never both release them.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day_start = models.DateField()
    month_start = models.DateField()
    tokens = models.BigIntegerField()
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.tokens} tokens of {self.user} since {self.created_at:%Y-%m-%d %H:%M:%S}"
