"""The master profile of a user: a JSON Resume document (validated; unknown keys kept)."""

import json
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from pydantic import ValidationError

from core.errors import InvalidRequest
from orchestrator.models import Profile
from orchestrator.tasks.json_resume import Resume

# A JSON Resume document is a few KB; every CV and cover letter sends the whole profile to the model. Only
# the request body limit (8 MB) held before: a 5 MB profile was stored, and priced into every later draft.
MAX_PROFILE_CHARS = 100_000


def _null_character_paths(value: Any, path: str = "") -> list[str]:
    """Where ``value`` has a NUL character, in a key or a string: PostgreSQL stores none in jsonb (or text)."""
    if isinstance(value, str):
        return [path or "profile"] if "\x00" in value else []
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found += [where] if "\x00" in str(key) else _null_character_paths(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _null_character_paths(item, f"{path}.{index}" if path else str(index))
    return found


def profile_validate(*, data: Any) -> dict[str, Any]:
    """``data`` checked against JSON Resume, as stored: blank strings become null. Raises InvalidRequest (400)."""
    if not isinstance(data, dict):
        raise InvalidRequest("The profile must be a JSON Resume object.", details={"profile": ["Expected an object."]})
    if len(json.dumps(data, ensure_ascii=False)) > MAX_PROFILE_CHARS:
        raise InvalidRequest(
            "The profile is too large.", details={"profile": [f"At most {MAX_PROFILE_CHARS} characters of JSON."]}
        )
    if nul_paths := _null_character_paths(data):
        details = {where: ["Null characters are not allowed."] for where in nul_paths}
        raise InvalidRequest("The profile contains NUL characters.", details=details)
    try:
        resume = Resume.model_validate(data)
    except ValidationError as exc:
        details: dict[str, list[str]] = {}
        for error in exc.errors():
            path = ".".join(str(part) for part in error["loc"]) or "profile"
            details.setdefault(path, []).append(error["msg"])
        raise InvalidRequest("The profile is not a valid JSON Resume document.", details=details) from exc
    return resume.model_dump(mode="json", exclude_unset=True)


def profile_get(*, user: AbstractBaseUser) -> dict[str, Any]:
    """The saved profile, or an empty document."""
    return Profile.objects.filter(owner=user).values_list("data", flat=True).first() or {}


def profile_update(*, user: AbstractBaseUser, data: Any) -> dict[str, Any]:
    document = profile_validate(data=data)
    Profile.objects.update_or_create(owner=user, defaults={"data": document})
    return document
