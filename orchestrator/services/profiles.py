"""The master profile of a user: a JSON Resume document (validated; unknown keys kept)."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from pydantic import ValidationError

from core.errors import InvalidRequest
from orchestrator.models import Profile
from orchestrator.tasks.json_resume import Resume


def profile_validate(*, data: Any) -> dict[str, Any]:
    """``data`` checked against JSON Resume, as stored: blank strings become null. Raises InvalidRequest (400)."""
    if not isinstance(data, dict):
        raise InvalidRequest("The profile must be a JSON Resume object.", details={"profile": ["Expected an object."]})
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
