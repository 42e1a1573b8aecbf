"""Task: a CV tailored to one job from the master profile (docs/architecture.md, "Tasks").

The model may select, order and reword; it may not change facts. ``enforce_profile_facts`` checks its
answer against the profile: the name, employers, institutions, degrees and dates are put back as the
profile has them, entries the profile lacks are dropped, and skills the profile never mentions are
removed — each with a warning, so the user sees what the model tried.
"""

import copy
import json
import re
from typing import Any

from pydantic import BaseModel, Field

from orchestrator.tasks.base import KeywordCoverage, TaskDefinition, mentions, strings_in, wrap_untrusted
from orchestrator.tasks.json_resume import Resume, Text
from orchestrator.tasks.lenient import LenientOutput
from subscriptions.models import Task

BASICS_FACTS = ("name", "email", "phone", "url", "location")
# section: (the fields copied from the profile, the first being the entry's key; the fallback match field)
FACTS = {
    "work": (("name", "startDate", "endDate"), "position"),
    "education": (("institution", "area", "studyType", "startDate", "endDate"), "area"),
    "certificates": (("name", "date", "issuer"), "issuer"),
}


class Change(BaseModel):
    section: Text = Field(default=None, description="e.g. basics.summary, work[0].highlights, skills")
    change: Text = None
    reason: Text = None


class CvDraftOutput(LenientOutput):
    """The model's answer. Its dates, URLs and e-mail addresses are tidied before validation ("Present" is an
    open end, "Jan 2020" is 2020-01); one it wrote in no usable form is dropped with a warning, never a 502."""

    DATE_FIELDS = frozenset({"startDate", "endDate", "date", "releaseDate"})
    URL_FIELDS = frozenset({"url"})
    EMAIL_FIELDS = frozenset({"email"})

    resume: Resume
    changes: list[Change] = []


class CvContent(CvDraftOutput):
    """A saved CV draft: the model's answer after the tidying and the profile checks."""

    warnings: list[str]
    keyword_coverage: KeywordCoverage


CV_SYSTEM = """\
You tailor a CV, as a JSON Resume document, to one job, using only the applicant's master profile.
Hard rules:
- Copy basics.name, every employer (work[].name), every school (education[].institution), every degree
  (studyType, area) and every date exactly as the profile has them. Never add an employer, a school, a
  degree, a certificate or a skill that the profile does not contain.
- You may select, order, shorten and reword summaries and highlights so that what the job asks for
  stands out, as long as every statement stays true to the profile.
- skills: only skills the profile lists or clearly mentions; group them with the profile's own skill names.
- Write the text in the requested language. List each change you made in `changes`, with the reason.
"""

CV = TaskDefinition(task=Task.CV_DRAFT, system=CV_SYSTEM, output_model=CvDraftOutput, schema_name="cv_draft")


def job_summary(job_data: dict[str, Any]) -> str:
    """The parts of an extracted posting a draft needs, as JSON (it came from an untrusted page)."""
    keys = ("title", "company", "skills_required", "skills_nice_to_have", "responsibilities", "requirements",
            "keywords", "seniority", "description_text")
    return json.dumps({key: job_data.get(key) for key in keys}, ensure_ascii=False, indent=1)


def prompt_for_cv(*, job_data: dict[str, Any], profile: dict[str, Any], language: str) -> str:
    return (
        f"Tailor the applicant's CV to the job below. Write it in the language with code '{language}'.\n\n"
        + wrap_untrusted(job_summary(job_data), label="the job posting, as extracted")
        + "\n\n"
        + wrap_untrusted(json.dumps(profile, ensure_ascii=False, indent=1), label="the applicant's master profile")
    )


def _norm(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip().casefold()


def _employer(entry: dict[str, Any]) -> Any:
    return entry.get("name") or entry.get("company")  # JSON Resume 0.x called it "company"


def _field(item: dict[str, Any], field: str) -> str:
    return _norm(_employer(item) if field == "name" else item.get(field))


def _likeness(entry: dict[str, Any], candidate: dict[str, Any], key: str, second: str) -> int:
    """How surely ``candidate`` (a profile entry) is the one ``entry`` (the model's) stands for."""
    mine, theirs = _field(entry, key), _field(candidate, key)
    score = 4 if mine and mine == theirs else 2 if mine and theirs and (mine in theirs or theirs in mine) else 0
    return score + sum(1 for f in (second, "startDate", "endDate") if _field(entry, f) and _field(entry, f) == _field(
        candidate, f))


def _pick(entry: dict[str, Any], candidates: list[dict[str, Any]], key: str, second: str) -> dict[str, Any] | None:
    """The profile entry ``entry`` stands for: the same employer/school, or a name that contains the other,
    or at least two of position/area, start and end date the same; None when nothing is that close."""
    scored = [(_likeness(entry, candidate, key, second), index) for index, candidate in enumerate(candidates)]
    best, index = max(scored, default=(0, -1))
    return candidates[index] if best >= 2 else None


def _comparable(value: Any) -> str:
    if isinstance(value, dict):
        return _norm(json.dumps({k: v for k, v in sorted(value.items()) if v not in (None, "", [])}))
    return _norm(value)


def _restore(target: dict[str, Any], field: str, wanted: Any, *, path: str, warnings: list[str]) -> None:
    """Put the profile's value back; warn when the model had written a different one (not when it left it out)."""
    current = target.get(field)
    if current not in (None, "", [], {}) and _comparable(current) != _comparable(wanted):
        warnings.append(f"{path} was {current!r}; restored to {wanted!r} from the profile.")
    target[field] = wanted


def _restore_entries(
    entries: list[dict[str, Any]], originals: list[dict[str, Any]], *, section: str, warnings: list[str]
) -> list[dict[str, Any]]:
    facts, second = FACTS[section]
    key = facts[0]
    unused = list(originals)
    kept = []
    for index, entry in enumerate(entries):
        original = _pick(entry, unused, key, second)
        if original is None:
            label = _employer(entry) if key == "name" else entry.get(key)
            warnings.append(f"{section}[{index}] ({label!r}) is not in the profile: removed.")
            continue
        unused.remove(original)
        for field in facts:
            wanted = _employer(original) if field == "name" else original.get(field)
            _restore(entry, field, wanted, path=f"{section}[{index}].{field}", warnings=warnings)
        kept.append(entry)
    return kept


def _known_skills(skills: list[dict[str, Any]], profile_text: str, warnings: list[str]) -> list[dict[str, Any]]:
    """Skills (and their keywords) the profile mentions somewhere; the others are dropped."""
    kept = []
    for skill in skills:
        name = str(skill.get("name") or "")
        if name and not mentions(profile_text, name):
            warnings.append(f"Skill {name!r} is not in the profile: removed.")
            continue
        keywords = [str(k) for k in skill.get("keywords") or [] if str(k).strip()]
        for keyword in keywords:
            if not mentions(profile_text, keyword):
                warnings.append(f"Skill keyword {keyword!r} is not in the profile: removed.")
        skill["keywords"] = [k for k in keywords if mentions(profile_text, k)]
        kept.append(skill)
    return kept


def enforce_profile_facts(resume: dict[str, Any], profile: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The draft with the profile's facts put back (name and contact details, employers, schools, degrees,
    certificates, dates), entries and skills the profile lacks removed, and one warning per correction."""
    resume = copy.deepcopy(resume)
    warnings: list[str] = []
    basics = resume.get("basics") or {}
    for field in BASICS_FACTS:
        wanted = (profile.get("basics") or {}).get(field)
        _restore(basics, field, wanted, path=f"basics.{field}", warnings=warnings)
    resume["basics"] = basics
    for section in FACTS:
        resume[section] = _restore_entries(
            resume.get(section) or [], profile.get(section) or [], section=section, warnings=warnings
        )
    profile_text = "\n".join(strings_in(profile))
    resume["skills"] = _known_skills(resume.get("skills") or [], profile_text, warnings)
    return resume, warnings
