"""Untrusted strings made storable: PostgreSQL stores no NUL character, and UTF-8 cannot encode a lone
surrogate (``\\ud800``-``\\udfff``, which JSON escapes can produce). Either made a save fail with a 500."""

from typing import Any


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
