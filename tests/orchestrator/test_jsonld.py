"""JobPosting JSON-LD → our schema: the real pages' expected values, and the odd shapes found in the wild."""

import json
from typing import Any

import pytest

from orchestrator.jsonld import job_posting_from_page, parse_document
from tests.orchestrator.conftest import jobpage


def posting_of(html: str | bytes) -> dict[str, Any] | None:
    document = parse_document(html.decode() if isinstance(html, bytes) else html)
    posting = job_posting_from_page(document)
    return posting.model_dump(mode="json") if posting else None


def page_with(*blocks: Any, lang: str = "en") -> str:
    scripts = "".join(
        f'<script type="application/ld+json">{b if isinstance(b, str) else json.dumps(b)}</script>' for b in blocks
    )
    return f'<html lang="{lang}"><head>{scripts}</head><body><p>page</p></body></html>'


def accepted(expected: dict[str, Any], key: str) -> list[Any]:
    return [expected[key], *expected.get("_accept", {}).get(key, [])]


def assert_matches_expected(data: dict[str, Any], expected: dict[str, Any]) -> None:
    assert data["title"] in accepted(expected, "title")
    assert (data["company"] or {}).get("name") in accepted(expected, "company")
    country_codes = sorted({loc["country_code"] for loc in data["locations"] if loc["country_code"]})
    assert country_codes in accepted(expected, "country_codes")
    assert data["work_mode"] == expected["work_mode"]
    assert data["employment_type"] == expected["employment_type"]
    assert data["date_posted"] == expected["date_posted"]
    assert data["application_deadline"] == expected["application_deadline"]
    if expected["salary"] is None:
        assert data["salary"] is None
    else:
        salary = {key: data["salary"][key] for key in ("currency", "min", "max", "period")}
        for key, value in expected["salary"].items():
            assert salary[key] in [value, *expected.get("_accept", {}).get(f"salary.{key}", [])]


@pytest.mark.parametrize("name", ["04", "12"])
def test_it_maps_the_real_json_ld_pages_onto_the_expected_values(name: str) -> None:
    html, expected = jobpage(name)
    assert_matches_expected(posting_of(html), expected)


def test_it_takes_page_03_as_written_and_leaves_the_company_it_does_not_state_empty() -> None:
    html, expected = jobpage("03")
    data = posting_of(html)

    assert data["company"] is None  # not in the JSON-LD: the extraction service asks the model for it
    assert_matches_expected({**data, "company": {"name": expected["company"]}}, expected)
    assert data["locations"] == [{"city": "Kirkland", "region": "WA", "country_code": None, "raw": "Kirkland, WA"}]
    assert data["salary"]["raw"] == "100000"


def test_it_keeps_page_12_facts_verbatim() -> None:
    html, _ = jobpage("12")
    data = posting_of(html)

    assert data["title"] == "Froentend Developer"  # the typo stays
    assert data["salary"]["currency"] == "USD"  # not "fixed" to INR
    assert data["locations"][0]["city"] == "Gurgaon"
    assert data["locations"][0]["country_code"] is None  # addressCountry is ""


def test_it_takes_the_hiring_organization_not_the_employment_unit() -> None:
    html, _ = jobpage("04")
    assert posting_of(html)["company"]["name"] == "ACME Corp."


def test_it_finds_a_posting_inside_a_graph_with_a_referenced_organization() -> None:
    html = page_with({
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "@id": "#org", "name": "Globex", "url": "https://globex.example"},
            {"@type": ["JobPosting"], "title": "Welder", "hiringOrganization": {"@id": "#org"},
             "employmentType": ["Full-time", "CONTRACT"], "jobLocationType": "TELECOMMUTE"},
        ],
    })
    data = posting_of(html)

    assert data["title"] == "Welder"
    assert data["company"] == {"name": "Globex", "url": "https://globex.example"}
    assert data["employment_type"] == ["FULL_TIME", "CONTRACTOR"]
    assert data["work_mode"] == "remote"


def test_it_finds_a_posting_nested_in_a_web_page_and_in_a_list() -> None:
    nested = {"@type": "WebPage", "mainEntity": {"@type": "http://schema.org/JobPosting", "title": "Baker"}}
    assert posting_of(page_with([{"@type": "BreadcrumbList"}, nested]))["title"] == "Baker"


def test_it_skips_a_broken_block_and_reads_the_next_one() -> None:
    html = page_with('{"@type": "JobPosting", "title": ', {"@type": "JobPosting", "title": "Nurse"})
    assert posting_of(html)["title"] == "Nurse"


def test_it_returns_nothing_for_a_page_without_a_job_posting() -> None:
    assert posting_of(page_with({"@type": "Organization", "name": "Initech"})) is None
    assert posting_of("<html><body><p>no json-ld</p></body></html>") is None


def test_it_reads_a_salary_range_with_its_unit_and_a_single_value_as_min_and_max() -> None:
    ranged = {"@type": "JobPosting", "title": "A", "baseSalary": {
        "@type": "MonetaryAmount", "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "minValue": "40,000", "maxValue": 55000.5, "unitText": "year"}}}
    single = {"@type": "JobPosting", "title": "B", "baseSalary": {
        "currency": "GBP", "value": {"value": 18, "unitText": "HOUR"}}}
    bare = {"@type": "JobPosting", "title": "C", "baseSalary": 52000, "salaryCurrency": "usd"}

    assert posting_of(page_with(ranged))["salary"] | {"raw": None} == {
        "currency": "EUR", "min": 40000, "max": 55000.5, "period": "YEAR", "raw": None}
    assert posting_of(page_with(single))["salary"]["min"] == posting_of(page_with(single))["salary"]["max"] == 18
    assert posting_of(page_with(bare))["salary"] | {"raw": None} == {
        "currency": "USD", "min": 52000, "max": 52000, "period": None, "raw": None}


def test_it_ignores_estimated_salary_and_invents_nothing() -> None:
    data = posting_of(page_with({"@type": "JobPosting", "title": "D", "estimatedSalary": {"value": 1}}))

    assert data["salary"] is None
    assert data["locations"] == []
    assert data["employment_type"] == []
    assert data["seniority"] is None


def test_it_keeps_the_date_part_of_date_times_as_written() -> None:
    data = posting_of(page_with({"@type": "JobPosting", "title": "E", "datePosted": "2024-03-01T23:30:00-08:00",
                                 "validThrough": "2024-04-30T00:00"}))
    assert (data["date_posted"], data["application_deadline"]) == ("2024-03-01", "2024-04-30")


def test_it_turns_an_html_description_into_text_and_lists_into_items() -> None:
    data = posting_of(page_with({
        "@type": "JobPosting", "title": "F",
        "description": "<p>Join <b>us</b> &amp; build.</p><ul><li>Python</li></ul>",
        "responsibilities": "<ul><li>Ship code</li><li>Review code</li></ul>",
        "jobLocation": [{"@type": "Place", "address": {"addressLocality": "Lyon", "addressCountry": "fr"}},
                        {"@type": "Place", "address": "Remote, EU"}],
    }))

    assert data["description_text"] == "Join us & build.\nPython"
    assert data["responsibilities"] == ["Ship code", "Review code"]
    assert data["locations"][0]["country_code"] == "FR"
    assert data["locations"][1] == {"city": None, "region": None, "country_code": None, "raw": "Remote, EU"}


HOSTILE_POSTING = (
    '{"@type": "JobPosting", "title": "Dev\\u0000eloper\\ud800", "hiringOrganization": {"name": "A\\u0000B"},'
    ' "description": "<p>x\\u0000y</p>", "skills": ["\\udfffPython"]}'
)


def test_nul_and_unpaired_surrogate_escapes_are_made_storable_text() -> None:
    # A page is untrusted: these saved as-is made the posting's INSERT fail (a 500 after the fetch).
    data = posting_of(page_with(HOSTILE_POSTING))
    assert data is not None
    assert (data["title"], data["company"]["name"]) == ("Developer\ufffd", "AB")
    assert "\x00" not in json.dumps(data, ensure_ascii=False)
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # no lone surrogate left


@pytest.mark.parametrize("depth", [900, 5_000])
def test_a_json_ld_block_nested_too_deeply_is_skipped_like_a_broken_one(depth: int) -> None:
    # json.loads (5000) or the walk over the nodes (900) raised RecursionError: a 500.
    deep = "[" * depth + '{"@type": "JobPosting", "title": "Deep"}' + "]" * depth
    assert posting_of(page_with(deep)) is None
    assert posting_of(page_with(deep, {"@type": "JobPosting", "title": "Shallow"}))["title"] == "Shallow"


def test_entities_in_a_title_or_a_company_name_are_decoded() -> None:
    data = posting_of(page_with({"@type": "JobPosting", "title": "Dev &amp;amp; Ops &#8211; Berlin",
                                 "hiringOrganization": {"name": "Harbour &amp; Finch"}}))
    assert (data["title"], data["company"]["name"]) == ("Dev & Ops \u2013 Berlin", "Harbour & Finch")


def test_an_applicant_location_that_is_a_bare_name_or_a_reference_is_read() -> None:
    data = posting_of(page_with({"@graph": [
        {"@type": "Country", "@id": "#de", "name": "Deutschland"},
        {"@type": "JobPosting", "title": "G", "jobLocationType": ["TELECOMMUTE"],
         "applicantLocationRequirements": [{"@id": "#de"}, "Österreich", {"@type": "State", "name": "Texas"}]},
    ]}, lang="de"))

    assert [(place["country_code"], place["region"]) for place in data["applicant_locations"]] == [
        ("DE", None), ("AT", None), (None, "Texas")]
    assert [place["country_code"] for place in data["locations"]] == ["DE", "AT"]
    assert data["work_mode"] == "remote"


def test_an_unknown_country_currency_amount_or_date_is_null_not_an_exception() -> None:
    data = posting_of(page_with({
        "@type": "JobPosting", "title": "H", "datePosted": "2024-99-99", "validThrough": "soon",
        "jobLocation": {"@type": "Place", "address": {"addressLocality": "Ys", "addressCountry": "Atlantis"}},
        "applicantLocationRequirements": {"@type": "Country", "name": "XX"}, "inLanguage": "Klingon",
        "baseSalary": {"currency": "XYZ", "value": {"minValue": "negotiable", "maxValue": [], "unitText": "moon"}},
    }))

    assert data["locations"] == [{"city": "Ys", "region": None, "country_code": None, "raw": "Ys, Atlantis"}]
    assert data["applicant_locations"] == [{"city": None, "region": "XX", "country_code": None, "raw": "XX"}]
    assert data["salary"] | {"raw": None} == {"currency": None, "min": None, "max": None, "period": None, "raw": None}
    assert (data["date_posted"], data["application_deadline"]) == (None, None)
    assert data["language"] == "en"  # "Klingon" is no language tag: the page's <html lang> stands


def test_min_and_max_value_win_over_value_and_a_bound_not_stated_stays_null() -> None:
    both = {"@type": "JobPosting", "title": "I", "baseSalary": {"currency": "EUR", "value": {
        "minValue": 50000, "maxValue": 60000, "value": 55000}}}
    upper = {"@type": "JobPosting", "title": "J", "baseSalary": {"currency": "EUR", "value": {"maxValue": "60k"}}}
    ranged, bounded = posting_of(page_with(both))["salary"], posting_of(page_with(upper))["salary"]

    assert (ranged["min"], ranged["max"]) == (50000, 60000)
    assert (bounded["min"], bounded["max"]) == (None, 60000)
