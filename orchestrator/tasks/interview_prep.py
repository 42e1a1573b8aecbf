"""Task: interview preparation for one job from the master profile — the likely questions, and for each an
answer outline built only from the profile, citing the profile entries it draws on.

The profile goes to the model as one line per fact, ``path: value`` (``work[0].highlights[1]: Cut p95 …``),
so that evidence is cited by path rather than paraphrased. ``check_evidence`` keeps only paths that exist
in the profile and flags each outline whose evidence was invented or is gone.
"""

from typing import Any, Literal

from pydantic import BaseModel, Field

from orchestrator.profile_paths import profile_leaves, profile_path_exists
from orchestrator.tasks.base import TaskDefinition, wrap_untrusted
from orchestrator.tasks.cv import job_summary
from subscriptions.models import Task

DEFAULT_COUNT = 8
MAX_COUNT = 15


class InterviewQuestion(BaseModel):
    question: str
    category: Literal["behavioral", "technical", "role", "company"]
    why_asked: str = Field(description="What the interviewer wants to learn, given this posting")
    answer_outline: list[str] = Field(description="Short points, each true to the profile")
    profile_evidence: list[str] = Field(description="Paths of the profile lines used, e.g. work[0].highlights[1]")


class InterviewPrepOutput(BaseModel):
    questions: list[InterviewQuestion] = Field(min_length=1)
    questions_to_ask: list[str] = Field(description="Questions for the candidate to ask the interviewer")


class InterviewPrepContent(InterviewPrepOutput):
    """A saved interview preparation: the model's answer after the evidence check."""

    language: str
    warnings: list[str]


INTERVIEW_PREP_SYSTEM = """\
You prepare a candidate for a job interview, from the job posting and the candidate's master profile.
Hard rules:
- Ask what this employer is likely to ask for this role: a mix of behavioral, technical, role and company
  questions, the most likely first.
- answer_outline: short points the candidate can say, built only from facts in the profile. Never claim
  an experience, skill, figure or employer that the profile does not contain; where the profile has
  nothing to draw on, say how to answer honestly (e.g. how the candidate would learn it).
- profile_evidence: the paths (as given before each profile line, e.g. work[0].highlights[1]) of every
  profile line the outline uses. Cite only paths that appear in the profile.
- questions_to_ask: three to five good questions for the candidate to ask about this role and company.
- Write in the requested language.
"""

INTERVIEW_PREP = TaskDefinition(
    task=Task.INTERVIEW_PREP, system=INTERVIEW_PREP_SYSTEM, output_model=InterviewPrepOutput,
    schema_name="interview_prep",
)


def profile_lines(profile: dict[str, Any]) -> list[str]:
    """``path: value``, one line per fact of the profile."""
    return [f"{path}: {text}" for path, text in profile_leaves(profile)]


def prompt_for_interview_prep(*, job_data: dict[str, Any], profile: dict[str, Any], language: str, count: int) -> str:
    return (
        f"Prepare {count} interview questions for the job below, in the language with code '{language}'.\n\n"
        + wrap_untrusted(job_summary(job_data), label="the job posting, as extracted")
        + "\n\n"
        + wrap_untrusted("\n".join(profile_lines(profile)), label="the candidate's master profile, one path per line")
    )


def check_evidence(output: InterviewPrepOutput, profile: dict[str, Any]) -> tuple[InterviewPrepOutput, list[str]]:
    """The answer with evidence paths the profile lacks removed, and a warning for each one and for each
    outline left with no evidence at all."""
    warnings: list[str] = []
    questions = []
    for index, question in enumerate(output.questions):
        kept = [path for path in question.profile_evidence if profile_path_exists(profile, path)]
        for path in question.profile_evidence:
            if path not in kept:
                warnings.append(f"questions[{index}].profile_evidence: {path!r} is not in the profile: removed.")
        if question.profile_evidence and not kept:
            warnings.append(f"questions[{index}].answer_outline cites nothing the profile holds: check it before "
                            "you use it.")
        questions.append(question.model_copy(update={"profile_evidence": kept}))
    return output.model_copy(update={"questions": questions}), warnings
