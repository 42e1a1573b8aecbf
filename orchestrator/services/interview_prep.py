"""Interview preparation for one of the user's job postings, saved as a Draft of kind ``interview_prep``.

The outline of each answer may draw only on the saved profile: evidence paths the profile lacks are
removed and listed in ``warnings`` (``orchestrator.tasks.interview_prep.check_evidence``).
"""

from django.contrib.auth.models import AbstractBaseUser

from orchestrator.models import Draft
from orchestrator.services.drafting import DEFAULT_LANGUAGE, owned_job, usable_profile
from orchestrator.services.profiles import profile_get
from orchestrator.services.task_runner import task_run
from orchestrator.tasks import interview_prep as prep_task


def interview_prep_create(
    *, user: AbstractBaseUser, job_id: int, language: str | None = None, count: int | None = None
) -> Draft:
    """``count`` likely questions for the job (default 8), with outlines from the saved profile."""
    job = owned_job(user=user, job_id=job_id)
    profile = usable_profile(profile_get(user=user))
    language = language or job.data.get("language") or DEFAULT_LANGUAGE
    count = count or prep_task.DEFAULT_COUNT
    prompt = prep_task.prompt_for_interview_prep(job_data=job.data, profile=profile, language=language, count=count)
    run = task_run(definition=prep_task.INTERVIEW_PREP, user=user, prompt=prompt)
    asked = run.output.model_copy(update={"questions": run.output.questions[:count]})  # a model may add more
    output, warnings = prep_task.check_evidence(asked, profile)
    content = prep_task.InterviewPrepContent(**output.model_dump(), language=language, warnings=warnings)
    return Draft.objects.create(
        owner=user, job=job, kind=Draft.Kind.INTERVIEW_PREP, content=content.model_dump(mode="json"),
        language=language, model=run.generation.result.model, usage_log=run.generation.usage_log,
    )
