"""How well a profile matches one of the user's job postings: deterministic, no model call, no quota.

The items are the posting's required skills, its nice-to-have skills and its keywords (each counted
once, as the first list that names it). An item is matched when the item or one of its aliases
(``ALIASES``: Postgres = PostgreSQL, JS = JavaScript, k8s = Kubernetes …) occurs as a whole word in any
text of the profile; ``evidence`` lists the profile paths where it does.

Score: required skills weigh 3, nice-to-have skills and keywords 1 each;
``score = round(100 * matched weight / total weight)``, halves rounded up, so 0 to 100. It is null when the
posting names no skill and no keyword. Terms of one or two characters (Go, R, JS) match in their own
case only: "go" in a sentence is not the language.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from core.errors import NotFound
from orchestrator.models import JobPosting
from orchestrator.profile_paths import profile_leaves
from orchestrator.services.drafting import usable_profile
from orchestrator.services.profiles import profile_get, profile_validate

WEIGHTS = {"required": 3, "nice_to_have": 1, "keyword": 1}
# One row per skill: the names it goes by. Case does not matter except for terms of two characters or less.
ALIAS_GROUPS: tuple[tuple[str, ...], ...] = (
    ("PostgreSQL", "Postgres", "psql"),
    ("JavaScript", "JS", "ECMAScript"),
    ("TypeScript", "TS"),
    ("Kubernetes", "k8s", "kube"),
    ("Go", "Golang"),
    ("Node.js", "NodeJS"),
    ("React", "React.js", "ReactJS"),
    ("Vue.js", "Vue", "VueJS"),
    ("Amazon Web Services", "AWS"),
    ("Google Cloud Platform", "GCP", "Google Cloud"),
    ("Microsoft Azure", "Azure"),
    ("C#", "CSharp", "C sharp"),
    (".NET", "dotnet"),
    ("C++", "cpp"),
    ("Machine learning", "ML"),
    ("Artificial intelligence", "AI"),
    ("REST", "RESTful", "REST API"),
    ("MongoDB", "Mongo"),
    ("Microsoft SQL Server", "SQL Server", "MSSQL"),
    ("Django REST framework", "DRF"),
    ("Ruby on Rails", "Rails", "RoR"),
    ("scikit-learn", "sklearn"),
    ("CI/CD", "continuous integration"),
    ("Elasticsearch", "Elastic Search"),
    ("Python", "Python 3", "Python3"),
)
ALIASES: dict[str, tuple[str, ...]] = {name.casefold(): group for group in ALIAS_GROUPS for name in group}


@dataclass(frozen=True)
class MatchedItem:
    skill: str
    kind: str  # required | nice_to_have | keyword
    evidence: list[str]  # profile paths


@dataclass(frozen=True)
class MatchResult:
    score: int | None
    matched: list[MatchedItem]
    missing: list[str]
    required_missing: list[str]
    nice_to_have_missing: list[str]
    weights: dict[str, int] = field(default_factory=lambda: dict(WEIGHTS))


def names_for(skill: str) -> tuple[str, ...]:
    """The skill and its aliases."""
    return ALIASES.get(skill.strip().casefold(), (skill.strip(),))


def _found(text: str, term: str) -> bool:
    flags = 0 if len(term) <= 2 else re.IGNORECASE
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, flags) is not None


def _items(job_data: dict[str, Any]) -> list[tuple[str, str]]:
    """``(skill, kind)``, each skill once (aliases count as the same skill), required first."""
    seen: set[tuple[str, ...]] = set()
    items = []
    for kind, key in (("required", "skills_required"), ("nice_to_have", "skills_nice_to_have"),
                      ("keyword", "keywords")):
        for value in job_data.get(key) or []:
            skill = str(value).strip()
            group = tuple(name.casefold() for name in names_for(skill))
            if skill and group not in seen:
                seen.add(group)
                items.append((skill, kind))
    return items


def profile_match(*, job_data: dict[str, Any], profile: dict[str, Any]) -> MatchResult:
    leaves = profile_leaves(profile)
    matched, missing = [], []
    for skill, kind in _items(job_data):
        evidence = [path for path, text in leaves if any(_found(text, name) for name in names_for(skill))]
        if evidence:
            matched.append(MatchedItem(skill=skill, kind=kind, evidence=evidence))
        else:
            missing.append((skill, kind))
    total = sum(WEIGHTS[kind] for _, kind in _items(job_data))
    got = sum(WEIGHTS[item.kind] for item in matched)
    return MatchResult(
        score=(200 * got + total) // (2 * total) if total else None,  # round half up, in integers
        matched=matched, missing=[skill for skill, _ in missing],
        required_missing=[skill for skill, kind in missing if kind == "required"],
        nice_to_have_missing=[skill for skill, kind in missing if kind == "nice_to_have"],
    )


def job_match(*, user: AbstractBaseUser, job_id: int, profile: dict[str, Any] | None = None) -> MatchResult:
    """The match of ``profile`` (else the saved one) with the user's job; another user's job is a 404. A job
    too short to draft from is still matched: it names no skill, and the score says so (null)."""
    job = JobPosting.objects.filter(owner=user, pk=job_id).first()
    if job is None:
        raise NotFound("Job posting not found.")
    master = usable_profile(profile_validate(data=profile) if profile is not None else profile_get(user=user))
    return profile_match(job_data=job.data, profile=master)
