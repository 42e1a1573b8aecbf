"""Untrusted strings made storable: PostgreSQL stores no NUL character, and UTF-8 cannot encode a lone
surrogate (``\\ud800``-``\\udfff``, which JSON escapes can produce). Either made a save fail with a 500."""

from typing import Any

from core.errors import InvalidRequest


def storable(value: Any) -> Any:
    """``value`` with every string (keys too, in dicts and lists) made storable text: NULs dropped and lone
    surrogates replaced by U+FFFD."""
    if isinstance(value, str):
        return value.replace("\x00", "").encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value


# Text with fewer non-blank characters than this cannot hold a job posting or a profile worth a model call.
MIN_INPUT_CHARS = 40


def has_enough_text(*texts: str) -> bool:
    """Whether ``texts`` together hold at least ``MIN_INPUT_CHARS`` non-blank characters: the one check
    made before any model call on pasted text, a page, a saved job or a profile."""
    return sum(len("".join(text.split())) for text in texts if text) >= MIN_INPUT_CHARS


def ensure_enough_text(text: str, *, field: str) -> None:
    """Refuse empty or near-empty input before any model call (400 naming ``field``)."""
    if not has_enough_text(text):
        raise InvalidRequest(details={field: [f"Too short: at least {MIN_INPUT_CHARS} characters are needed."]})
