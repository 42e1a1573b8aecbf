"""CV and cover-letter drafts for one of the user's job postings (docs/architecture.md), saved as Drafts.

Both drafts report ``keyword_coverage``: the posting's keywords and required skills that the draft's
text mentions (whole words, case-insensitively) and those it misses; ``ratio`` is null when the posting
names no keyword. ``warnings`` lists every correction made to the model's answer.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from pydantic import BaseModel

from core.errors import InvalidRequest, NotFound
from core.text import has_enough_text
from orchestrator.models import Draft, JobPosting
from orchestrator.services.profiles import profile_get, profile_validate
from orchestrator.services.task_runner import TaskRun, task_run
from orchestrator.tasks import cover_letter as letter_task
from orchestrator.tasks import cv as cv_task
from orchestrator.tasks.base import KeywordCoverage, mentions, strings_in

DEFAULT_LANGUAGE = "en"
DEFAULT_TONE = "professional"


def owned_job(*, user: AbstractBaseUser, job_id: int) -> JobPosting:
    job = JobPosting.objects.filter(owner=user, pk=job_id).first()
    if job is None:
        raise NotFound("Job posting not found.")
    if not has_enough_text(*strings_in(job.data)):
        raise InvalidRequest(details={"job_id": ["This job posting has too little text to draft from."]})
    return job


def usable_profile(profile: dict[str, Any]) -> dict[str, Any]:
    if not has_enough_text(*strings_in(profile)):
        raise InvalidRequest(
            "No usable profile: send one in `profile`, or save it with PUT /api/v1/profile.",
            details={"profile": ["The profile is empty or too short."]},
        )
    return profile


def keyword_coverage(*, job_data: dict[str, Any], texts: list[str]) -> KeywordCoverage:
    keywords: list[str] = []
    for candidate in list(job_data.get("keywords") or []) + list(job_data.get("skills_required") or []):
        keyword = str(candidate).strip()
        if keyword and keyword.casefold() not in {k.casefold() for k in keywords}:
            keywords.append(keyword)
    text = "\n".join(texts)
    matched = [keyword for keyword in keywords if mentions(text, keyword)]
    missing = [keyword for keyword in keywords if keyword not in matched]
    ratio = round(len(matched) / len(keywords), 3) if keywords else None
    return KeywordCoverage(matched=matched, missing=missing, ratio=ratio)


def cv_content(
    output: cv_task.CvDraftOutput, *, profile: dict[str, Any], job_data: dict[str, Any]
) -> cv_task.CvContent:
    """The model's CV with the profile's facts put back (a warning for each) and its keyword coverage; a
    first draft and a revision go through the same checks."""
    resume, warnings = cv_task.enforce_profile_facts(output.resume.model_dump(mode="json"), profile)
    return cv_task.CvContent(
        resume=resume, changes=output.changes, warnings=output.tidy_warnings + warnings,
        keyword_coverage=keyword_coverage(job_data=job_data, texts=strings_in(resume)),
    )


def letter_content(
    letter: letter_task.CoverLetterOutput, *, profile: dict[str, Any], job_data: dict[str, Any], tone: str,
    language: str,
) -> letter_task.CoverLetterContent:
    """The model's letter signed with the profile's name, counted, with its keyword coverage."""
    warnings = []
    name = (profile.get("basics") or {}).get("name")
    if name and letter.signature != name:
        warnings.append(f"signature was {letter.signature!r}; set to {name!r} from the profile.")
        letter = letter.model_copy(update={"signature": name})
    texts = [letter.greeting or "", *letter.paragraphs, letter.closing or "", letter.signature or ""]
    return letter_task.CoverLetterContent(
        **letter.model_dump(), word_count=sum(len(paragraph.split()) for paragraph in letter.paragraphs),
        tone=tone, language=language, warnings=warnings,
        keyword_coverage=keyword_coverage(job_data=job_data, texts=texts),
    )


def _save(
    *, user: AbstractBaseUser, job: JobPosting, kind: str, content: BaseModel, run: TaskRun, language: str,
    tone: str = "",
) -> Draft:
    return Draft.objects.create(
        owner=user, job=job, kind=kind, content=content.model_dump(mode="json"), language=language, tone=tone,
        model=run.generation.result.model, usage_log=run.generation.usage_log,
    )


def cv_draft_create(
    *,
    user: AbstractBaseUser,
    job_id: int,
    profile: dict[str, Any] | None = None,
    language: str | None = None,
) -> Draft:
    """A CV tailored to the job from ``profile`` (else the saved one); the profile's facts are enforced."""
    job = owned_job(user=user, job_id=job_id)
    master = usable_profile(profile_validate(data=profile) if profile is not None else profile_get(user=user))
    language = language or job.data.get("language") or DEFAULT_LANGUAGE
    prompt = cv_task.prompt_for_cv(job_data=job.data, profile=master, language=language)
    run = task_run(definition=cv_task.CV, user=user, prompt=prompt)
    content = cv_content(run.output, profile=master, job_data=job.data)
    return _save(user=user, job=job, kind=Draft.Kind.CV, content=content, run=run, language=language)


def cover_letter_draft_create(
    *,
    user: AbstractBaseUser,
    job_id: int,
    tone: str | None = None,
    language: str | None = None,
) -> Draft:
    """A cover letter for the job from the saved profile; the signature is the profile's name."""
    job = owned_job(user=user, job_id=job_id)
    master = usable_profile(profile_get(user=user))
    tone = tone or DEFAULT_TONE
    language = language or job.data.get("language") or DEFAULT_LANGUAGE
    prompt = letter_task.prompt_for_cover_letter(job_data=job.data, profile=master, tone=tone, language=language)
    run = task_run(definition=letter_task.COVER_LETTER, user=user, prompt=prompt)
    content = letter_content(run.output, profile=master, job_data=job.data, tone=tone, language=language)
    return _save(
        user=user, job=job, kind=Draft.Kind.COVER_LETTER, content=content, run=run, language=language, tone=tone
    )
