"""Task: a cover letter for one job from the master profile (docs/architecture.md, "Tasks").

The model writes greeting, paragraphs, closing and signature; ``word_count``, ``tone`` and ``language``
are set by the service (counted and echoed), not trusted from the model.
"""

import json
from typing import Any

from pydantic import BaseModel, Field

from orchestrator.tasks.base import KeywordCoverage, TaskDefinition, wrap_untrusted
from orchestrator.tasks.cv import job_summary
from orchestrator.tasks.json_resume import Text
from subscriptions.models import Task

TONES = ("professional", "confident", "friendly", "enthusiastic")
TONE_GUIDES = {
    "professional": "measured and precise",
    "confident": "direct and assured, without boasting",
    "friendly": "warm and personable, still businesslike",
    "enthusiastic": "energetic and eager, without exaggeration",
}


class CoverLetterOutput(BaseModel):
    greeting: Text = None
    paragraphs: list[str] = Field(min_length=1)
    closing: Text = None
    signature: Text = None


class CoverLetterContent(CoverLetterOutput):
    """A saved cover letter: the model's answer plus what the service counts and checks."""

    word_count: int = Field(description="Words in the paragraphs")
    tone: str
    language: str
    warnings: list[str]
    keyword_coverage: KeywordCoverage


COVER_LETTER_SYSTEM = """\
You write a cover letter for one job, from the applicant's master profile.
Hard rules:
- Every claim about the applicant comes from the profile: no employer, degree, skill, figure or
  achievement the profile does not contain.
- Name the hiring company and the job title only as the posting states them.
- Three or four short paragraphs, about 250 to 350 words in all. signature: the applicant's name as in
  the profile.
- Write in the requested language and tone.
"""

COVER_LETTER = TaskDefinition(
    task=Task.COVER_LETTER, system=COVER_LETTER_SYSTEM, output_model=CoverLetterOutput, schema_name="cover_letter"
)


def prompt_for_cover_letter(*, job_data: dict[str, Any], profile: dict[str, Any], tone: str, language: str) -> str:
    return (
        f"Write the cover letter in the language with code '{language}', in a {tone} tone "
        f"({TONE_GUIDES[tone]}).\n\n"
        + wrap_untrusted(job_summary(job_data), label="the job posting, as extracted")
        + "\n\n"
        + wrap_untrusted(json.dumps(profile, ensure_ascii=False, indent=1), label="the applicant's master profile")
    )
