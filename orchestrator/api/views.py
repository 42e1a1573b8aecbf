"""The end-user API (docs/architecture.md): thin views — input serializer, one service call, output serializer.

Every view here is authenticated (token or session), throttled per user by the plan's
``requests_per_minute`` and sees only the user's own objects (another user's id is a 404). Bodies over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` are refused with 413 by core.middleware before any view runs.
"""

from collections.abc import Callable
from urllib.parse import quote

from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import BadCredentials, InvalidRequest
from core.parsers import JSONParser
from core.schema import error_responses
from orchestrator.api import serializers as s
from orchestrator.api.schema import AI_ERRORS, READ_ERRORS
from orchestrator.api.throttling import PlanRateThrottle, TokenEndpointThrottle
from orchestrator.models import Draft, JobPosting
from orchestrator.services import drafting, exports, extraction, interview_prep, matching, profiles, revisions
from orchestrator.services.usage import usage_me


class EndUserMixin:
    permission_classes = (IsAuthenticated,)
    throttle_classes = (PlanRateThrottle,)


class JobExtractorViewSet(EndUserMixin, viewsets.ViewSet):
    """Send exactly one of `url` (the server fetches the page: public http(s) hosts only, 2 MB, 10 s,
    HTML or text), `text` (a pasted posting) or `image` (PNG, JPEG or WebP screenshot, at most 5 MB:
    base64 in JSON, or a file in multipart/form-data). A JobPosting JSON-LD block on the page is used
    without a model call. Fields the posting does not state are null."""

    parser_classes = (JSONParser, MultiPartParser, FormParser)

    @extend_schema(
        summary="Extract a job posting from a URL, pasted text or a screenshot", tags=["jobs"],
        request={"application/json": s.ExtractRequestSerializer, "multipart/form-data": s.ExtractMultipartSerializer},
        responses={201: s.JobPostingSerializer, **error_responses(*AI_ERRORS, 422)},
    )
    @action(detail=False, methods=["post"], url_path="extract")
    def extract(self, request: Request) -> Response:
        serializer = s.ExtractRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("url"):
            job = extraction.job_posting_extract_from_url(user=request.user, url=data["url"])
        elif data.get("text"):
            job = extraction.job_posting_extract_from_text(user=request.user, text=data["text"])
        else:
            job = extraction.job_posting_extract_from_image(user=request.user, image_data=data["image"])
        return Response(s.JobPostingSerializer(job).data, status=status.HTTP_201_CREATED)


def _created_draft(
    request: Request, input_serializer: type[serializers.Serializer], create: Callable[..., Draft]
) -> Response:
    serializer = input_serializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    draft = create(user=request.user, **serializer.validated_data)
    return Response(s.DraftSerializer(draft).data, status=status.HTTP_201_CREATED)


class CvDrafterViewSet(EndUserMixin, viewsets.ViewSet):
    """A JSON Resume CV tailored to the job from `profile` (else your saved profile). Names, employers,
    dates and degrees are kept as the profile has them and no skill is added: any change the model made
    is undone and listed in `warnings`. `keyword_coverage` lists the job keywords matched and missing."""

    @extend_schema(
        summary="Draft a CV tailored to one of your job postings", tags=["drafts"],
        request=s.CvDraftRequestSerializer,
        responses={201: s.DraftSerializer, **error_responses(*AI_ERRORS)},
    )
    @action(detail=False, methods=["post"], url_path="draft")
    def draft(self, request: Request) -> Response:
        return _created_draft(request, s.CvDraftRequestSerializer, drafting.cv_draft_create)


class CoverLetterViewSet(EndUserMixin, viewsets.ViewSet):
    """A cover letter for the job from your saved profile, in the tone and language asked for."""

    @extend_schema(
        summary="Draft a cover letter for one of your job postings (from your saved profile)", tags=["drafts"],
        request=s.CoverLetterRequestSerializer,
        responses={201: s.DraftSerializer, **error_responses(*AI_ERRORS)},
    )
    @action(detail=False, methods=["post"], url_path="draft")
    def draft(self, request: Request) -> Response:
        return _created_draft(request, s.CoverLetterRequestSerializer, drafting.cover_letter_draft_create)


@extend_schema(responses={200: s.JobPostingSerializer, **error_responses(*READ_ERRORS)}, tags=["jobs"])
class JobPostingViewSet(EndUserMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your extracted job postings, newest first."""

    serializer_class = s.JobPostingSerializer
    queryset = JobPosting.objects.none()  # the schema generator's view of the model; requests use get_queryset
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[JobPosting]:
        return JobPosting.objects.filter(owner=self.request.user).select_related("usage_log")


class JsonOnlyNegotiation(BaseContentNegotiation):
    """Errors in JSON whatever the query says: DRF reads ``?format=`` as a renderer choice (a 404 for
    ``pdf``), while the export route uses it to name the file format."""

    def select_renderer(self, request: Request, renderers: list, format_suffix: str | None = None) -> tuple:
        return renderers[0], renderers[0].media_type


def attachment(filename: str) -> str:
    """``attachment; filename="ascii"`` for every client, plus RFC 6266's ``filename*`` when the name is not
    ASCII (a Vietnamese or Greek name stays readable in the browsers that support it)."""
    stem, _, ext = filename.rpartition(".")
    ascii_name = f"{slugify(stem) or 'draft'}.{ext}"
    header = f'attachment; filename="{ascii_name}"'
    return header if ascii_name == filename else f"{header}; filename*=UTF-8''{quote(filename)}"


EXPORT_RESPONSES = {
    (200, content_type.split(";")[0]): OpenApiResponse(
        OpenApiTypes.STR if name == "md" else OpenApiTypes.BINARY, description=f"The draft as {name}, as an attachment."
    )
    for name, content_type in exports.CONTENT_TYPES.items()
}


@extend_schema(responses={200: s.DraftSerializer, **error_responses(*READ_ERRORS)}, tags=["drafts"])
class DraftViewSet(EndUserMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your CV, cover-letter and interview-preparation drafts, newest first."""

    serializer_class = s.DraftSerializer
    queryset = Draft.objects.none()
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[Draft]:
        return Draft.objects.filter(owner=self.request.user).select_related("usage_log").prefetch_related("revisions")

    @extend_schema(
        summary="Revise a draft as you ask: a new draft of the same kind, linked by `revises`",
        request=s.ReviseRequestSerializer, responses={201: s.DraftSerializer, **error_responses(*AI_ERRORS)},
    )
    @action(detail=True, methods=["post"], url_path="revise")
    def revise(self, request: Request, pk: str) -> Response:
        """The model rewrites the draft from your `instructions` (at most 2,000 characters, treated as data:
        they can change wording, order, emphasis, length or tone, not the rules). A CV keeps the profile's
        facts — what the model changed is put back and listed in `warnings` — and gets a new
        `keyword_coverage`. Billed as its own task type, `revision`."""
        serializer = s.ReviseRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = revisions.draft_revise(user=request.user, draft_id=int(pk), **serializer.validated_data)
        return Response(s.DraftSerializer(draft).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download a draft as PDF, DOCX or Markdown (no model call, no quota)",
        parameters=[s.ExportQuerySerializer], responses={**EXPORT_RESPONSES, **error_responses(400, *READ_ERRORS)},
    )
    @action(detail=True, methods=["get"], url_path="export", content_negotiation_class=JsonOnlyNegotiation)
    def export(self, request: Request, pk: str) -> HttpResponse:
        """The CV or letter typeset with a bundled font (every script the drafts hold). Paper: `paper`, else
        Letter for a US/Canadian/Latin-American locale (Accept-Language, then the draft's language), else A4."""
        query = s.ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        file = exports.draft_export(
            user=request.user, draft_id=int(pk), file_format=query.validated_data["format"],
            paper=query.validated_data.get("paper"), locale=request.headers.get("Accept-Language", ""),
        )
        response = HttpResponse(file.content, content_type=file.content_type)
        response["Content-Disposition"] = attachment(file.filename)
        return response


class InterviewPrepView(EndUserMixin, APIView):
    """Likely interview questions for one of your jobs (behavioral, technical, role, company), each with why
    it is asked, an answer outline from your saved profile only and `profile_evidence` (the profile paths
    it draws on; paths the profile lacks are removed and listed in `warnings`), plus `questions_to_ask`."""

    @extend_schema(
        summary="Prepare for the interview for one of your job postings", tags=["drafts"],
        request=s.InterviewPrepRequestSerializer, responses={201: s.DraftSerializer, **error_responses(*AI_ERRORS)},
    )
    def post(self, request: Request) -> Response:
        return _created_draft(request, s.InterviewPrepRequestSerializer, interview_prep.interview_prep_create)


class MatchView(EndUserMixin, APIView):
    """How well your profile (or `profile`) matches one of your jobs, without a model call or quota.
    Each of the job's required skills weighs 3, each nice-to-have skill and keyword 1;
    `score = round(100 * matched weight / total weight)`. Aliases count (Postgres = PostgreSQL, JS =
    JavaScript, k8s = Kubernetes …); `evidence` gives the profile paths where each match was found."""

    @extend_schema(
        summary="Score your profile against one of your job postings (deterministic, no model call)", tags=["jobs"],
        request=s.MatchRequestSerializer,
        responses={200: s.MatchResponseSerializer, **error_responses(400, 401, 404, 413, 429)},
    )
    def post(self, request: Request) -> Response:
        serializer = s.MatchRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = matching.job_match(user=request.user, **serializer.validated_data)
        return Response(s.MatchResponseSerializer(result).data)


class ProfileView(EndUserMixin, APIView):
    """Your master profile, a JSON Resume document; the CV and cover letter are drafted from it."""

    # JSON only: a form or multipart body (or none) was read as an empty or flat document and replaced
    # the saved profile with it.
    parser_classes = (JSONParser,)

    @extend_schema(
        summary="Your master profile (JSON Resume)", tags=["profile"],
        responses={200: OpenApiResponse(s.PROFILE_SCHEMA), **error_responses(401, 429)},
    )
    def get(self, request: Request) -> Response:
        return Response(profiles.profile_get(user=request.user))

    @extend_schema(
        summary="Replace your master profile (JSON Resume, validated)", tags=["profile"],
        request={"application/json": s.PROFILE_SCHEMA},
        responses={200: OpenApiResponse(s.PROFILE_SCHEMA), **error_responses(400, 401, 413, 429)},
    )
    def put(self, request: Request) -> Response:
        if request.stream is None:  # no body at all; `{}` is how a client clears the profile on purpose
            raise InvalidRequest("Send the profile as a JSON object.", details={"profile": ["No body was sent."]})
        return Response(profiles.profile_update(user=request.user, data=request.data))


class UsageMeView(EndUserMixin, APIView):
    """Your plan, its token quotas (daily and monthly: limit, used, reserved, remaining, reset time in
    UTC) and your latest AI calls."""

    @extend_schema(
        summary="Your plan, token quotas (used, remaining, reset times) and latest AI calls", tags=["usage"],
        responses={200: s.UsageMeSerializer, **error_responses(401, 429)},
    )
    def get(self, request: Request) -> Response:
        return Response(s.UsageMeSerializer(usage_me(user=request.user)).data)


class AuthTokenView(APIView):
    """Username and password → the user's API token (``Authorization: Token <token>``)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (TokenEndpointThrottle,)

    @extend_schema(
        summary="Get your API token", tags=["auth"],
        request=s.TokenRequestSerializer,
        responses={200: s.TokenResponseSerializer, **error_responses(400, 401, 429)},
    )
    def post(self, request: Request) -> Response:
        serializer = s.TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request._request, **serializer.validated_data)
        if user is None:
            raise BadCredentials()
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
