"""Input and output serializers of the end-user API. Input serializers check shapes only; the rules
(image type by magic bytes, URL policy, near-empty input, profile facts) live in the services."""

import base64
import binascii
import re
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from orchestrator.api.schema import openapi_schema
from orchestrator.errors import ImageTooLarge
from orchestrator.models import Draft, JobPosting
from orchestrator.services.revisions import draft_revision_chain
from orchestrator.tasks.cover_letter import TONES, CoverLetterContent
from orchestrator.tasks.cv import CvContent
from orchestrator.tasks.interview_prep import DEFAULT_COUNT, MAX_COUNT, InterviewPrepContent
from orchestrator.tasks.job_posting import JobPostingData
from orchestrator.tasks.json_resume import Resume
from orchestrator.tasks.revision import MAX_INSTRUCTIONS_CHARS

MAX_TEXT_CHARS = 50_000
MAX_ID = 2**63 - 1  # BigAutoField
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
MAX_IMAGE_BYTES = ImageTooLarge.limit_bytes
_DATA_URL = re.compile(r"^data:[\w/+.-]*;base64,", re.IGNORECASE)


@extend_schema_field({
    "type": "string",
    "description": "The screenshot: base64 (optionally a data: URL) in JSON, a file in multipart. PNG, JPEG or "
    "WebP, at most 5 MB.",
})
class ImageUploadField(serializers.Field):
    """The bytes of an image from base64 text (JSON) or an uploaded file (multipart); what kind of image it
    is, the service decides (``extraction.image_input``, by its magic bytes)."""

    def to_internal_value(self, data: Any) -> bytes:
        if isinstance(data, UploadedFile):
            if data.size and data.size > MAX_IMAGE_BYTES:
                raise ImageTooLarge(details={"image": [f"{data.size} bytes; the limit is {MAX_IMAGE_BYTES} bytes."]})
            return data.read(MAX_IMAGE_BYTES + 1)
        if not isinstance(data, str):
            raise serializers.ValidationError("Expected base64 text or a file.")
        encoded = re.sub(r"\s+", "", _DATA_URL.sub("", data.strip(), count=1))
        if len(encoded) * 3 // 4 > MAX_IMAGE_BYTES + 2:
            raise ImageTooLarge(details={"image": [f"The image is over the limit of {MAX_IMAGE_BYTES} bytes."]})
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise serializers.ValidationError("Not valid base64.") from exc
        return raw

    def to_representation(self, value: bytes) -> str:
        return base64.b64encode(value).decode("ascii")


class PastedTextField(serializers.CharField):
    """A CharField without DRF's per-character surrogate check, a Python loop over up to 50,000 characters on
    every extraction: core.parsers.JSONParser already refuses unpaired surrogates, and form fields are
    decoded from UTF-8, which cannot carry one."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitSurrogateCharactersValidator)]


class ExtractRequestSerializer(serializers.Serializer):
    url = serializers.CharField(
        required=False, max_length=2000, help_text="A job page (http or https); the server fetches it."
    )
    text = PastedTextField(required=False, max_length=MAX_TEXT_CHARS, help_text="A pasted job posting.")
    image = ImageUploadField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [name for name in ("url", "text", "image") if attrs.get(name) not in (None, "")]
        if len(given) != 1:
            raise serializers.ValidationError({"non_field_errors": ["Send exactly one of url, text, image."]})
        return attrs


class ExtractMultipartSerializer(ExtractRequestSerializer):
    """The same request as multipart/form-data (documentation only: the image is a file part)."""

    image = serializers.FileField(required=False, help_text="PNG, JPEG or WebP, at most 5 MB.")


class CvDraftRequestSerializer(serializers.Serializer):
    job_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    profile = serializers.JSONField(required=False, help_text="A JSON Resume document; default: your saved profile.")
    language = serializers.RegexField(
        LANGUAGE_PATTERN, required=False, max_length=10, help_text="e.g. en, de; default: the posting's language."
    )


class CoverLetterRequestSerializer(serializers.Serializer):
    job_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    tone = serializers.ChoiceField(choices=TONES, required=False, help_text="Default: professional.")
    language = serializers.RegexField(
        LANGUAGE_PATTERN, required=False, max_length=10, help_text="e.g. en, de; default: the posting's language."
    )


class InterviewPrepRequestSerializer(serializers.Serializer):
    job_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    language = serializers.RegexField(
        LANGUAGE_PATTERN, required=False, max_length=10, help_text="e.g. en, de; default: the posting's language."
    )
    count = serializers.IntegerField(
        min_value=1, max_value=MAX_COUNT, required=False, help_text=f"Questions to prepare; default {DEFAULT_COUNT}."
    )


class ReviseRequestSerializer(serializers.Serializer):
    instructions = serializers.CharField(
        max_length=MAX_INSTRUCTIONS_CHARS,
        help_text="What to change, e.g. 'Shorter, and lead with the Kubernetes work'. Facts stay the profile's.",
    )


class MatchRequestSerializer(serializers.Serializer):
    job_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    profile = serializers.JSONField(required=False, help_text="A JSON Resume document; default: your saved profile.")


class MatchedItemSerializer(serializers.Serializer):
    skill = serializers.CharField(help_text="As the posting names it.")
    kind = serializers.ChoiceField(choices=("required", "nice_to_have", "keyword"))
    evidence = serializers.ListField(
        child=serializers.CharField(), help_text="Profile paths where it (or an alias) was found."
    )


class MatchResponseSerializer(serializers.Serializer):
    score = serializers.IntegerField(
        allow_null=True, min_value=0, max_value=100,
        help_text="round(100 * matched weight / total weight): a required skill weighs 3, a nice-to-have skill "
        "or a keyword 1. Null when the posting names no skill or keyword.",
    )
    matched = MatchedItemSerializer(many=True)
    missing = serializers.ListField(child=serializers.CharField(), help_text="Every item not found, required first.")
    required_missing = serializers.ListField(child=serializers.CharField())
    nice_to_have_missing = serializers.ListField(child=serializers.CharField())
    weights = serializers.DictField(child=serializers.IntegerField(), help_text="The weight of each kind of item.")


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=("pdf", "docx", "md"), help_text="The file format.")
    paper = serializers.ChoiceField(
        choices=("a4", "letter"), required=False,
        help_text="Default: letter for a US/Canadian/Latin-American locale (Accept-Language, then the draft's "
        "language tag), else a4. Ignored by md.",
    )


class _ProviderTypeMixin(serializers.Serializer):
    provider_type = serializers.SerializerMethodField(
        help_text="The provider that answered (`mock` is an offline test double, not an LLM); null: no model call."
    )

    def get_provider_type(self, obj: JobPosting | Draft) -> str | None:
        return obj.usage_log.provider_type if obj.usage_log_id and obj.usage_log else None


@extend_schema_field(openapi_schema(JobPostingData))
class JobPostingDataField(serializers.JSONField):
    pass


@extend_schema_field({"oneOf": [openapi_schema(CvContent), openapi_schema(CoverLetterContent),
                                openapi_schema(InterviewPrepContent)]})
class DraftContentField(serializers.JSONField):
    pass


class JobPostingSerializer(_ProviderTypeMixin, serializers.ModelSerializer):
    data = JobPostingDataField(read_only=True, help_text="The extracted posting; what it does not state is null.")
    # Not a URLField: its "uri" format would promise a URL, and a text or image posting has "".
    source_url = serializers.CharField(read_only=True, help_text="The page fetched (source url); else empty.")

    class Meta:
        model = JobPosting
        fields = ("id", "source", "source_url", "data", "provider_type", "created_at")
        read_only_fields = fields


class DraftSerializer(_ProviderTypeMixin, serializers.ModelSerializer):
    content = DraftContentField(
        read_only=True,
        help_text="A CV (kind cv), a cover letter (kind cover_letter) or interview preparation (kind interview_prep).",
    )
    revision_chain = serializers.SerializerMethodField(
        help_text="The drafts this one revises, the first draft first ([] for a first draft)."
    )
    revised_by = serializers.SerializerMethodField(help_text="The drafts that revise this one.")

    class Meta:
        model = Draft
        fields = ("id", "job", "kind", "content", "language", "tone", "model", "provider_type", "revises",
                  "revision_chain", "revised_by", "created_at")
        read_only_fields = fields

    def get_revision_chain(self, obj: Draft) -> list[int]:
        return draft_revision_chain(draft=obj)

    def get_revised_by(self, obj: Draft) -> list[int]:
        return sorted(revision.pk for revision in obj.revisions.all())


PROFILE_DESCRIPTION = (
    "A JSON Resume document (https://jsonresume.org/schema); unknown keys are kept. It is stored and returned "
    "with the keys that were sent only (an empty object before the first PUT), so no key is required. At most "
    "100,000 characters of JSON."
)
PROFILE_SCHEMA = {**openapi_schema(Resume, for_input=True), "description": PROFILE_DESCRIPTION}


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class PeriodUsageSerializer(serializers.Serializer):
    limit = serializers.IntegerField(allow_null=True, help_text="Tokens; null = unlimited.")
    used = serializers.IntegerField()
    reserved = serializers.IntegerField(help_text="Held by calls in progress.")
    remaining = serializers.IntegerField(allow_null=True)
    resets_at = serializers.DateTimeField()


class RecentCallSerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    task_type = serializers.CharField()
    provider_type = serializers.CharField()
    model = serializers.CharField()
    status = serializers.CharField()
    input_tokens = serializers.IntegerField()
    output_tokens = serializers.IntegerField()
    total_tokens = serializers.IntegerField()
    latency_ms = serializers.IntegerField()
    error_code = serializers.CharField()


class PlanSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    requests_per_minute = serializers.IntegerField()
    quality_tasks = serializers.ListField(child=serializers.CharField())


class UsageMeSerializer(serializers.Serializer):
    plan = PlanSummarySerializer()
    daily = PeriodUsageSerializer()
    monthly = PeriodUsageSerializer()
    recent_calls = RecentCallSerializer(many=True)
