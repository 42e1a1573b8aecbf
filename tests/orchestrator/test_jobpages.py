"""Every real job-page shape in tests/data/jobpages through the URL path: the page served by a local server,
fetched, its JobPosting JSON-LD read — and every fact its expected file states comes out exactly, with no model
call unless the JSON-LD lacks the title or the company (page 03)."""

import json
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from orchestrator.models import JobPosting
from tests.orchestrator.conftest import JOBPAGES, PageServer, jobpage, queue_reply

URL = "/api/v1/job-extractor/extract"
JSON_LD_PAGES = sorted(page.name.split("-", 1)[0] for page in JOBPAGES.glob("*.html") if "ld+json" in page.read_text())
LISTS = ("skills_required", "responsibilities", "requirements", "benefits")


def facts(data: dict[str, Any]) -> dict[str, Any]:
    """The extracted posting in the vocabulary of the expected files (tests/data/jobpages/README.md)."""
    company = data["company"] or {}
    salary = data["salary"]
    return {
        "title": data["title"], "company": company.get("name"), "company_url": company.get("url"),
        "country_codes": sorted({place["country_code"] for place in data["locations"] if place["country_code"]}),
        "locations": [{key: place[key] for key in ("city", "region", "country_code")} for place in data["locations"]],
        "applicant_locations": [{key: place[key] for key in ("country_code", "region")}
                                for place in data["applicant_locations"]],
        "work_mode": data["work_mode"], "employment_type": data["employment_type"],
        "salary": salary and {key: salary[key] for key in ("currency", "min", "max", "period")},
        "date_posted": data["date_posted"], "application_deadline": data["application_deadline"],
        "language": data["language"], "description_text": data["description_text"],
        **{key: data[key] for key in LISTS},
    }


def stated(expected: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in expected.items() if not key.startswith("_")}


def test_the_pages_are_in_the_repository_and_cover_the_shapes_found_in_the_wild() -> None:
    expected = {name: jobpage(name)[1] for name in JSON_LD_PAGES}
    notes = " ".join(page.get("_notes", "") for page in expected.values())

    assert len(JSON_LD_PAGES) >= 13
    assert len({page["language"] for page in expected.values()}) >= 6
    assert any(page["applicant_locations"] for page in expected.values())
    assert any(len(page["locations"]) > 1 for page in expected.values())
    assert any(page["salary"] and page["salary"]["min"] != page["salary"]["max"] for page in expected.values())
    assert any(page["salary"] and page["salary"]["min"] == page["salary"]["max"] for page in expected.values())
    for shape in ("@graph", "top-level array", "@id reference", "escaped twice"):
        assert shape in notes, shape
    assert (JOBPAGES / "README.md").is_file()


@pytest.mark.parametrize("name", JSON_LD_PAGES)
def test_every_fact_the_json_ld_states_comes_out_of_the_url_path(
    api: APIClient, page_server: PageServer, allow_private_hosts: None, provider_requests: list, name: str
) -> None:
    html, expected = jobpage(name)
    model_answer = expected.get("_model_answer")
    if model_answer:
        queue_reply(model_answer)

    response = api.post(URL, {"url": page_server.page(f"/{name}.html", html)}, format="json")

    assert response.status_code == 201, response.json()
    got = facts(response.json()["data"])
    assert {key: got[key] for key in stated(expected)} == stated(expected)
    assert len(provider_requests) == (1 if model_answer else 0)
    assert JobPosting.objects.get().data == response.json()["data"]


def test_the_sources_file_names_every_page() -> None:
    sources = (JOBPAGES / "README.md").read_text()
    for page in JOBPAGES.glob("*.html"):
        assert page.name.split("-", 1)[0] in sources, page.name
        assert Path(str(page).replace(".html", ".expected.json")).is_file()
        assert json.loads(Path(str(page).replace(".html", ".expected.json")).read_text())["title"]
