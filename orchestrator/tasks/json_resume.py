"""JSON Resume (https://jsonresume.org/schema, v1.0.0) as pydantic models.

Used twice: to validate the master profile a user saves (unknown keys are kept, as JSON Resume allows
them), and as the résumé part of the CV task's output schema (the structured-output schema built from
these models has no extra keys). Dates follow JSON Resume's pattern: YYYY, YYYY-MM or YYYY-MM-DD; an
empty string means "not given".
"""

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

_DATE = re.compile(r"^[12]\d{3}(-[01]\d(-[0-3]\d)?)?$")


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value


def _iso_date(value: str | None) -> str | None:
    if value is not None and not _DATE.match(value):
        raise ValueError("must be YYYY, YYYY-MM or YYYY-MM-DD")
    return value


Text = Annotated[str | None, BeforeValidator(_blank_to_none)]
Date = Annotated[
    str | None, BeforeValidator(_blank_to_none), AfterValidator(_iso_date),
    Field(description="YYYY, YYYY-MM or YYYY-MM-DD"),
]


class _Part(BaseModel):
    """JSON Resume names its fields in camelCase (startDate); they are kept as the standard spells them."""

    model_config = ConfigDict(extra="allow")


class Location(_Part):
    address: Text = None
    postalCode: Text = None
    city: Text = None
    countryCode: Text = None
    region: Text = None


class SocialProfile(_Part):
    network: Text = None
    username: Text = None
    url: Text = None


class Basics(_Part):
    name: Text = None
    label: Text = None
    email: Text = None
    phone: Text = None
    url: Text = None
    summary: Text = None
    location: Location | None = None
    profiles: list[SocialProfile] = []


class Work(_Part):
    name: Text = Field(default=None, description="The employer")
    position: Text = None
    location: Text = None
    url: Text = None
    startDate: Date = None
    endDate: Date = None
    summary: Text = None
    highlights: list[str] = []


class Education(_Part):
    institution: Text = None
    area: Text = None
    studyType: Text = Field(default=None, description="The degree")
    startDate: Date = None
    endDate: Date = None
    score: Text = None
    courses: list[str] = []


class Skill(_Part):
    name: Text = None
    level: Text = None
    keywords: list[str] = []


class Language(_Part):
    language: Text = None
    fluency: Text = None


class Project(_Part):
    name: Text = None
    description: Text = None
    highlights: list[str] = []
    keywords: list[str] = []
    startDate: Date = None
    endDate: Date = None
    url: Text = None


class Certificate(_Part):
    name: Text = None
    date: Date = None
    issuer: Text = None
    url: Text = None


class Resume(_Part):
    basics: Basics = Basics()
    work: list[Work] = []
    education: list[Education] = []
    skills: list[Skill] = []
    languages: list[Language] = []
    projects: list[Project] = []
    certificates: list[Certificate] = []
