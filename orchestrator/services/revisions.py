"""Revisions: a new draft of the same kind made by the model from a saved draft and the user's request.

The revision is linked to the draft it revises (``Draft.revises``), so every version stays. It goes
through the checks of a first draft: a CV gets the profile's facts back (with ``warnings``) and its
``keyword_coverage``, a letter the profile's name as signature, interview preparation only evidence the
profile holds. The profile is the saved one; when none is saved (the CV was drafted from a profile sent
with the request) the previous CV stands in for it.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from core.errors import InvalidRequest, NotFound
from orchestrator.models import Draft
from orchestrator.services.drafting import DEFAULT_TONE, cv_content, letter_content, usable_profile
from orchestrator.services.profiles import profile_get
from orchestrator.services.task_runner import task_run
from orchestrator.tasks.interview_prep import InterviewPrepContent, check_evidence
from orchestrator.tasks.revision import REVISIONS, prompt_for_revision


def _profile_for(draft: Draft, *, user: AbstractBaseUser) -> dict[str, Any]:
    try:
        return usable_profile(profile_get(user=user))
    except InvalidRequest:
        if draft.kind != Draft.Kind.CV:
            raise
        return draft.content.get("resume") or {}


def _checked(draft: Draft, output: Any, *, profile: dict[str, Any]) -> Any:
    """The revised content after the checks of the draft's kind."""
    language = draft.language
    if draft.kind == Draft.Kind.CV:
        return cv_content(output, profile=profile, job_data=draft.job.data)
    if draft.kind == Draft.Kind.COVER_LETTER:
        tone = draft.tone or DEFAULT_TONE
        return letter_content(output, profile=profile, job_data=draft.job.data, tone=tone, language=language)
    checked, warnings = check_evidence(output, profile)
    return InterviewPrepContent(**checked.model_dump(), language=language, warnings=warnings)


def draft_revise(*, user: AbstractBaseUser, draft_id: int, instructions: str) -> Draft:
    """A revision of the user's draft as ``instructions`` ask; another user's draft is a 404."""
    draft = Draft.objects.filter(owner=user, pk=draft_id).select_related("job").first()
    if draft is None:
        raise NotFound("Draft not found.")
    definition = REVISIONS[draft.kind]
    profile = _profile_for(draft, user=user)
    previous = {key: draft.content.get(key) for key in definition.output_model.model_fields}
    prompt = prompt_for_revision(kind=draft.kind, previous=previous, instructions=instructions,
                                 job_data=draft.job.data, profile=profile, language=draft.language)
    run = task_run(definition=definition, user=user, prompt=prompt)
    content = _checked(draft, run.output, profile=profile)
    return Draft.objects.create(
        owner=user, job=draft.job, kind=draft.kind, content=content.model_dump(mode="json"), revises=draft,
        language=draft.language, tone=draft.tone, model=run.generation.result.model,
        usage_log=run.generation.usage_log,
    )


def draft_revision_chain(*, draft: Draft) -> list[int]:
    """The ids of the drafts ``draft`` revises, the first draft first (one query per step; chains are short)."""
    chain: list[int] = []
    current = draft.revises_id
    while current is not None and current not in chain:
        chain.insert(0, current)
        current = Draft.objects.filter(pk=current).values_list("revises_id", flat=True).first()
    return chain
