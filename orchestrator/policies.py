"""Per-task policy: the output budget reserved against the quota and sent as max_output_tokens.

Adding a task: a member of ``subscriptions.models.Task`` plus one line here (and its definition in
``orchestrator.tasks``).
"""

from subscriptions.models import Task

MAX_OUTPUT_TOKENS: dict[str, int] = {
    Task.EXTRACTION: 2048,
    Task.CV_DRAFT: 4096,
    Task.COVER_LETTER: 2048,
}
