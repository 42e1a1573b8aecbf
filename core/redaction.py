"""The one pattern for anything key-shaped: used by the provider backends (error messages), the usage log
(stored error messages) and the log filter (every log line), so a new key shape is added in one place.

Shapes: OpenAI and Anthropic keys (``sk-…``, ``sk-proj-…``, ``sk-ant-…``, also vendors' partly masked
echoes such as ``sk-proj-***abcd``), Google keys (``AIza…``), bearer tokens, and ``api_key=…`` /
``x-api-key: …`` pairs. ``\\b`` keeps words such as "task-list" or "disk-space" intact.
"""

import re

SECRET_PATTERN = re.compile(
    r"\bsk-[\w*.\-]{4,}"
    r"|\bAIza[\w\-]{8,}"
    r"|(?i:\bbearer)\s+[\w\-.~+/=]{8,}"
    r"|(?i:api[_ -]?key)[\"']?\s*[=:]\s*[\"']?[^\s\"',;&]+"
)


def redact_secrets(text: str, replacement: str = "[redacted]") -> str:
    return SECRET_PATTERN.sub(replacement, text)
