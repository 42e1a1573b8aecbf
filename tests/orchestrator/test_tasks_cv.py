"""The CV's profile checks: facts restored, inventions dropped, each with a warning."""

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from orchestrator.tasks.cv import CvDraftOutput, enforce_profile_facts
from orchestrator.tasks.json_resume import Resume

PROFILE: dict[str, Any] = {
    "basics": {"name": "Ada Lovelace", "label": "Engineer"},
    "work": [
        {"name": "Analytical Engines Ltd", "position": "Programmer", "startDate": "2019-01", "endDate": "2023-06",
         "highlights": ["Wrote Python services", "Ran Docker in production"]},
        {"company": "Babbage & Co", "position": "Intern", "startDate": "2018-06", "endDate": "2018-09"},
    ],
    "education": [{"institution": "University of London", "area": "Mathematics", "studyType": "BSc",
                   "startDate": "2015", "endDate": "2018"}],
    "skills": [{"name": "Python", "keywords": ["Django", "pytest"]}, {"name": "Docker"}],
    "certificates": [{"name": "AWS Cloud Practitioner", "date": "2022-05-01", "issuer": "AWS"}],
}


def tailored(**changes: Any) -> dict[str, Any]:
    resume = copy.deepcopy({key: PROFILE[key] for key in ("basics", "work", "education", "skills", "certificates")})
    resume["work"][1] = {"name": "Babbage & Co", **{k: v for k, v in resume["work"][1].items() if k != "company"}}
    resume.update(changes)
    return resume


def test_it_leaves_a_faithful_draft_alone() -> None:
    resume, warnings = enforce_profile_facts(tailored(), PROFILE)
    assert warnings == []
    assert resume["work"][1]["name"] == "Babbage & Co"


def test_it_restores_the_name_employers_dates_and_degrees() -> None:
    draft = tailored()
    draft["basics"]["name"] = "Ada King"
    draft["work"][0].update(name="Analytical Engines", startDate="2018-01")
    draft["education"][0].update(studyType="MSc", endDate="2019")

    resume, warnings = enforce_profile_facts(draft, PROFILE)

    assert resume["basics"]["name"] == "Ada Lovelace"
    assert (resume["work"][0]["name"], resume["work"][0]["startDate"]) == ("Analytical Engines Ltd", "2019-01")
    assert (resume["education"][0]["studyType"], resume["education"][0]["endDate"]) == ("BSc", "2018")
    assert len(warnings) == 5  # name, employer, start date, degree, end date
    assert any("basics.name" in w and "Ada King" in w for w in warnings)


def test_it_drops_an_employer_or_a_certificate_the_profile_lacks() -> None:
    draft = tailored()
    draft["work"].append({"name": "Google", "position": "Staff Engineer", "startDate": "2023-07"})
    draft["certificates"].append({"name": "CKA", "issuer": "CNCF"})

    resume, warnings = enforce_profile_facts(draft, PROFILE)

    assert [job["name"] for job in resume["work"]] == ["Analytical Engines Ltd", "Babbage & Co"]
    assert [cert["name"] for cert in resume["certificates"]] == ["AWS Cloud Practitioner"]
    assert any("Google" in w for w in warnings)
    assert any("CKA" in w for w in warnings)


def test_it_drops_skills_the_profile_never_mentions() -> None:
    draft = tailored(skills=[
        {"name": "Python", "keywords": ["Django", "FastAPI", "pytest"]},
        {"name": "Kubernetes", "keywords": []},
        {"name": "Docker"},  # in the profile's highlights and skills
    ])

    resume, warnings = enforce_profile_facts(draft, PROFILE)

    assert resume["skills"] == [
        {"name": "Python", "keywords": ["Django", "pytest"]},
        {"name": "Docker", "keywords": []},
    ]
    assert sorted(warnings) == sorted([
        "Skill keyword 'FastAPI' is not in the profile: removed.",
        "Skill 'Kubernetes' is not in the profile: removed.",
    ])


def test_it_matches_entries_even_when_the_model_reorders_them() -> None:
    draft = tailored()
    draft["work"].reverse()

    resume, warnings = enforce_profile_facts(draft, PROFILE)

    assert warnings == []
    assert [job["name"] for job in resume["work"]] == ["Babbage & Co", "Analytical Engines Ltd"]


def test_it_restores_contact_details_and_fills_what_the_model_left_out_silently() -> None:
    profile = {**PROFILE, "basics": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+44 20 7946 0000"}}
    draft = tailored()
    draft["basics"] = {"name": None, "email": "ada.lovelace@gmail.com", "label": "Python engineer"}
    draft["work"][0].pop("endDate")

    resume, warnings = enforce_profile_facts(draft, profile)

    assert resume["basics"] == {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+44 20 7946 0000",
                                "url": None, "location": None, "label": "Python engineer"}
    assert resume["work"][0]["endDate"] == "2023-06"
    assert warnings == ["basics.email was 'ada.lovelace@gmail.com'; restored to 'ada@example.com' from the profile."]


@pytest.mark.parametrize(("written", "stored"), [
    ("2020", "2020"), ("2020-03", "2020-03"), ("2020-03-15", "2020-03-15"), ("Jan 2020", "2020-01"),
    ("03/2020", "2020-03"), ("2020/03", "2020-03"), ("März 2021", "2021-03"), ("15/03/2020", "2020-03-15"),
    ("Present", None), ("current", None), ("now", None), ("heute", None), ("N/A", None), ("", None), (None, None),
])
def test_the_model_date_styles_are_stored_normalised_without_a_warning(written: Any, stored: Any) -> None:
    output = CvDraftOutput.model_validate({"resume": {"projects": [{"name": "P", "endDate": written}]}})

    assert output.resume.projects[0].endDate == stored
    assert output.tidy_warnings == []


@pytest.mark.parametrize("written", ["Spring 2020", "01/02/2020", "Q1 2020", "last year", "2020-13"])
def test_a_date_in_no_usable_form_is_dropped_with_a_warning_not_refused(written: str) -> None:
    output = CvDraftOutput.model_validate({"resume": {"projects": [{"name": "P", "startDate": written}]}})

    assert output.resume.projects[0].startDate is None
    assert output.tidy_warnings == [
        f"resume.projects[0].startDate was {written!r}, not a date (YYYY, YYYY-MM or YYYY-MM-DD): dropped."]


def test_loose_urls_emails_and_absent_values_are_tidied() -> None:
    output = CvDraftOutput.model_validate({"resume": {
        "basics": {"name": "Ada", "email": "ada@example.com.", "url": "ada.dev", "phone": "N/A",
                   "profiles": [{"network": "LinkedIn", "url": "linkedin.com/in/ada"}]},
        "work": [{"name": "A", "url": "not a site", "highlights": ["N/A", "Shipped X"]}],
    }})

    basics = output.resume.basics
    assert (basics.email, basics.url, basics.phone) == ("ada@example.com", "https://ada.dev", None)
    assert basics.profiles[0].url == "https://linkedin.com/in/ada"
    assert (output.resume.work[0].url, output.resume.work[0].highlights) == (None, ["Shipped X"])
    assert output.tidy_warnings == ["resume.work[0].url was 'not a site', not an http(s) URL: dropped."]


def test_the_profile_itself_is_still_validated_strictly() -> None:
    with pytest.raises(ValidationError):
        Resume.model_validate({"work": [{"startDate": "last year"}]})
