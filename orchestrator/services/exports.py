"""A saved draft as a file to send: PDF, DOCX or Markdown (orchestrator.exports). No model call, no quota.

The paper size is the one asked for; else Letter when the user's locale (the request's Accept-Language,
then the draft's language tag) names a country that uses Letter, else A4. The file name is
``<name>-<kind>-<job title>.<ext>``, in ASCII for old clients and in Unicode for the others.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.text import slugify

from core.errors import NotFound
from orchestrator.exports.documents import cv_document, letter_document, prep_document
from orchestrator.exports.markdown import markdown_render
from orchestrator.exports.pdf import pdf_render
from orchestrator.exports.word import docx_render
from orchestrator.models import Draft
from orchestrator.services.profiles import profile_get

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}
PAPERS = ("a4", "letter")
# Countries whose standard paper is US Letter (ISO 3166-1 alpha-2); everyone else uses A4.
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "DO", "SV", "NI", "PR"})
_LOCALE_REGION = re.compile(r"^[A-Za-z]{2,3}[-_]([A-Za-z]{2})\b")


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str  # may hold any script; the view writes both header forms


def paper_for_locale(*locales: str) -> str:
    """``letter`` when the first locale that names a region names a Letter country, else ``a4``."""
    for locale in locales:
        first = (locale or "").split(",")[0].strip()
        if match := _LOCALE_REGION.match(first):
            return "letter" if match[1].upper() in LETTER_COUNTRIES else "a4"
    return "a4"


def _document(draft: Draft, *, user: AbstractBaseUser) -> dict[str, Any]:
    if draft.kind == Draft.Kind.CV:
        return cv_document(draft.content, language=draft.language)
    if draft.kind == Draft.Kind.COVER_LETTER:
        return letter_document(draft.content, profile=profile_get(user=user), job=draft.job.data,
                               language=draft.language, written=draft.created_at.date())
    name = (profile_get(user=user).get("basics") or {}).get("name") or ""
    return {**prep_document(draft.content, job=draft.job.data, language=draft.language), "name": name}


def _filename(document: dict[str, Any], draft: Draft, ext: str) -> str:
    name = document.get("name") or (document.get("sender") or {}).get("name") or "draft"
    parts = [slugify(name, allow_unicode=True), draft.kind.replace("_", "-"),
             slugify(draft.job.data.get("title") or f"job-{draft.job_id}", allow_unicode=True)[:60]]
    return "-".join(part for part in parts if part) + f".{ext}"


def draft_export(
    *, user: AbstractBaseUser, draft_id: int, file_format: str, paper: str | None = None, locale: str = ""
) -> ExportFile:
    """The user's draft rendered as ``file_format`` (pdf, docx or md); another user's draft is a 404."""
    draft = Draft.objects.filter(owner=user, pk=draft_id).select_related("job").first()
    if draft is None:
        raise NotFound("Draft not found.")
    document = _document(draft, user=user)
    paper = paper or paper_for_locale(locale, draft.language)
    if file_format == "pdf":
        content = pdf_render(document, paper=paper, language=draft.language)
    elif file_format == "docx":
        content = docx_render(document, paper=paper)
    else:
        content = markdown_render(document)
    return ExportFile(content=content, content_type=CONTENT_TYPES[file_format],
                      filename=_filename(document, draft, file_format))
