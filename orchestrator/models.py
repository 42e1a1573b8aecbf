from django.conf import settings
from django.db import models


class JobPosting(models.Model):
    class Source(models.TextChoices):
        URL = "url"
        TEXT = "text"
        IMAGE = "image"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_postings")
    source = models.CharField(max_length=10, choices=Source.choices)
    source_url = models.URLField(max_length=2000, blank=True, default="")
    data = models.JSONField(default=dict, help_text="The extracted posting (docs/architecture.md, section Tasks).")
    usage_log = models.ForeignKey("usage.AIProviderUsageLog", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_created_idx")]

    def __str__(self) -> str:
        return self.data.get("title") or f"Job posting {self.pk}"


class Profile(models.Model):
    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    data = models.JSONField(default=dict, help_text="The master profile as a JSON Resume document.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.owner}"


class Draft(models.Model):
    class Kind(models.TextChoices):
        CV = "cv"
        COVER_LETTER = "cover_letter"
        INTERVIEW_PREP = "interview_prep"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    job = models.ForeignKey(JobPosting, on_delete=models.CASCADE, related_name="drafts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    content = models.JSONField(default=dict)
    language = models.CharField(max_length=10, blank=True, default="")
    tone = models.CharField(max_length=20, blank=True, default="")
    model = models.CharField(max_length=100, blank=True, default="")
    usage_log = models.ForeignKey("usage.AIProviderUsageLog", null=True, blank=True, on_delete=models.SET_NULL)
    revises = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions",
        help_text="The draft this one revises (POST drafts/{id}/revise); empty for a first draft.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="draft_owner_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.job}"
