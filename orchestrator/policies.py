"""Per-task policy: the output budget reserved against the quota and sent as max_output_tokens.

Adding a task: a member of ``subscriptions.models.Task``, one line here, its definition in
``orchestrator.tasks`` and the service that calls ``task_run`` (docs/architecture.md, "Adding a task").
Whether a task's answers may be served again is the response cache's (``services.response_cache``).
"""

from subscriptions.models import Task

MAX_OUTPUT_TOKENS: dict[str, int] = {
    Task.EXTRACTION: 2048,
    Task.CV_DRAFT: 4096,
    Task.COVER_LETTER: 2048,
    Task.INTERVIEW_PREP: 4096,
    Task.REVISION: 4096,  # a revised CV is as long as a first one
}
