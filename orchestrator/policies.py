"""Per-task policy: the output budget reserved against the quota and sent as max_output_tokens, and how
long an answer may be served again from the response cache (``orchestrator.services.response_cache``).

Adding a task: a member of ``subscriptions.models.Task`` plus one line here (and its definition in
``orchestrator.tasks``).
"""

from subscriptions.models import Task

MAX_OUTPUT_TOKENS: dict[str, int] = {
    Task.EXTRACTION: 2048,
    Task.CV_DRAFT: 4096,
    Task.COVER_LETTER: 2048,
    Task.INTERVIEW_PREP: 4096,
    Task.REVISION: 4096,  # a revised CV is as long as a first one
}

# Seconds an answer stays in the response cache; a task absent here is never cached. Extraction only: the
# same posting has the same facts, while a user who asks for a draft again wants a new draft.
CACHE_TTL_SECONDS: dict[str, int] = {
    Task.EXTRACTION: 24 * 3600,
}
