"""JobPosting JSON-LD on a page → our posting schema (orchestrator.tasks.job_posting.JobPostingData).

Real pages put JSON-LD in odd shapes: a list of nodes, an ``@graph``, a posting nested under
``mainEntity``, ``@type`` as a list or a full IRI, organisations and places given by ``@id`` reference
only, a salary as a bare string beside ``salaryCurrency``. Every fact is taken as written and normalised
(orchestrator.normalization); what the JSON-LD does not state, or states in a form that cannot be
normalised, stays null — nothing is inferred (no country from a city, no period for a bare salary figure).
Each reader below says which JSON-LD shapes it takes.
"""

import json
import re
from typing import Any

import lxml.html
from lxml import etree

from core.parsers import MAX_DEPTH, nested_deeper_than
from core.text import storable
from orchestrator.normalization.languages import language_code, locale_for
from orchestrator.normalization.money import amount, currency_code
from orchestrator.normalization.places import country_code
from orchestrator.normalization.text import html_to_text
from orchestrator.tasks.job_posting import JobPostingData, normalize_employment_types

Node = dict[str, Any]


def _types(node: Node) -> set[str]:
    declared = node.get("@type", [])
    declared = declared if isinstance(declared, list) else [declared]
    return {str(t).rsplit("/", 1)[-1].rsplit("#", 1)[-1] for t in declared}


def _walk(value: Any) -> list[Node]:
    """Every dict in a JSON-LD value, depth first (covers lists, @graph and nesting)."""
    if isinstance(value, list):
        return [node for item in value for node in _walk(item)]
    if not isinstance(value, dict):
        return []
    return [value] + [node for child in value.values() for node in _walk(child)]


def _script_blocks(document: lxml.html.HtmlElement) -> list[Any]:
    """The page's JSON-LD blocks. A page is untrusted: a block nested deeper than the API takes JSON
    (``[[[[…`` raised RecursionError here or later) is skipped like a broken one, and strings are made
    storable (a NUL or a lone surrogate made the posting's save fail: a 500 after the fetch)."""
    blocks = []
    for script in document.xpath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]"):
        text = (script.text or "").strip()
        text = re.sub(r"^\s*(<!--|<!\[CDATA\[)|(-->|\]\]>)\s*$", "", text)
        try:
            block = json.loads(text, strict=False)
        except (json.JSONDecodeError, RecursionError):
            continue  # a broken block is skipped; the page may have others, or readable text
        if not nested_deeper_than(block, MAX_DEPTH):
            blocks.append(storable(block))
    return blocks


def parse_document(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def find_job_postings(document: lxml.html.HtmlElement) -> tuple[list[Node], dict[str, Node]]:
    """The JobPosting nodes of the page, and every node by ``@id`` (to resolve references)."""
    nodes = [node for block in _script_blocks(document) for node in _walk(block)]
    # A reference ({"@id": …} or {"@type": …, "@id": …}) is not the node it names.
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str) and set(node) - {"@id", "@type"}}
    return [node for node in nodes if "JobPosting" in _types(node)], by_id


def _text(value: Any) -> str | None:
    """A string, a number, the first of a list, or a typed object's ``name`` / ``@value``."""
    if isinstance(value, list):
        value = next((item for item in value if item not in (None, "")), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def _items(value: Any) -> list[str]:
    """A list of strings from a string (one item per line or bullet; HTML or escaped HTML), a list, or a
    typed object (its ``name``)."""
    values = value if isinstance(value, list) else [value]
    items: list[str] = []
    for item in values:
        text = html_to_text(_text(item))
        if text:
            items.extend(part.strip(" -•*\t") for part in re.split(r"\n|•", text) if part.strip(" -•*\t"))
    return items


def _resolve(value: Any, by_id: dict[str, Node]) -> Any:
    """A node, or the node an ``{"@id": …}`` reference names (when the page defines it)."""
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
        return by_id[value["@id"]]
    return value


def _all(value: Any, by_id: dict[str, Node]) -> list[Any]:
    """One value or a list of them, references resolved, empties dropped."""
    values = value if isinstance(value, list) else [value]
    return [_resolve(item, by_id) for item in values if item not in (None, "", {})]


def _company(node: Node, by_id: dict[str, Node]) -> dict[str, Any] | None:
    """``hiringOrganization``: an Organization (``name`` or ``legalName``; ``url`` or ``sameAs``), an
    ``@id`` reference to one, or a bare name; the first of a list."""
    organisation = next(iter(_all(node.get("hiringOrganization"), by_id)), None)
    if isinstance(organisation, str):
        return {"name": organisation.strip() or None, "url": None}
    if not isinstance(organisation, dict):
        return None
    url = _text(organisation.get("url")) or _text(organisation.get("sameAs"))
    name = html_to_text(_text(organisation.get("name")) or _text(organisation.get("legalName")))
    return {"name": name, "url": url} if name or url else None


def _location(place: Any, by_id: dict[str, Node], language: str | None) -> dict[str, Any] | None:
    """A Place whose ``address`` is a PostalAddress (``addressLocality``, ``addressRegion``, ``addressCountry``
    as a code, a name in any language or a Country object), a string, or an ``@id`` reference; a bare
    string place; a Place with only a ``name``."""
    if isinstance(place, str):
        return {"raw": place}
    if not isinstance(place, dict):
        return None
    address = _resolve(place.get("address"), by_id)
    if isinstance(address, list):
        address = next(iter(_all(address, by_id)), None)
    if isinstance(address, str):
        return {"raw": address}
    if not isinstance(address, dict):
        return {"raw": _text(place.get("name"))} if place.get("name") else None
    parts = ("streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry")
    raw = ", ".join(text for text in (_text(address.get(p)) for p in parts) if text)
    country = _resolve(address.get("addressCountry"), by_id)
    return {
        "city": _text(address.get("addressLocality")),
        "region": _text(address.get("addressRegion")),
        "country_code": country_code(_text(country), language=language),
        "raw": raw or None,
    }


def _locations(node: Node, by_id: dict[str, Node], language: str | None) -> list[dict[str, Any]]:
    """``jobLocation``: one place or a list of them (see ``_location``)."""
    places = (_location(place, by_id, language) for place in _all(node.get("jobLocation"), by_id))
    return [place for place in places if place]


def _applicant_locations(node: Node, by_id: dict[str, Node], language: str | None) -> list[dict[str, Any]]:
    """``applicantLocationRequirements``: a Country, a State or an AdministrativeArea (by ``name``), a bare
    name, or a list of them. A Country, or an area whose name is a country, gives ``country_code``; any
    other area (a State, "EMEA") gives ``region``."""
    found = []
    for area in _all(node.get("applicantLocationRequirements"), by_id):
        name = _text(area)
        if not name:
            continue
        types = _types(area) if isinstance(area, dict) else set()
        code = None if "State" in types else country_code(name, language=language)
        found.append({"country_code": code, "region": None if code else name, "raw": name})
    return found


def _figure(value: Any) -> str | None:
    return _text(value) if not isinstance(value, dict) else None


def _salary(node: Node, locale: str) -> dict[str, Any] | None:
    """``baseSalary``: a MonetaryAmount whose ``value`` is a QuantitativeValue (``minValue``/``maxValue``
    are the range and win over ``value``; a bound not stated stays null; a lone ``value`` is one figure,
    min = max; ``unitText`` the period) or a number or text; or a bare number or text beside
    ``salaryCurrency``. Amounts are read in the page's ``locale`` (orchestrator.normalization.money)."""
    salary = next(iter(_all(node.get("baseSalary"), {})), None)
    if salary is None:
        return None
    currency = _text(node.get("salaryCurrency"))
    if not isinstance(salary, dict):
        figure = amount(salary, locale=locale)
        return {"currency": currency_code(currency, locale=locale), "min": figure, "max": figure, "period": None,
                "raw": _text(salary)}
    currency = _text(salary.get("currency")) or currency
    value = salary.get("value")
    quantity = value if isinstance(value, dict) else {"value": value}
    low, high = quantity.get("minValue"), quantity.get("maxValue")
    if low in (None, "") and high in (None, ""):
        low = high = quantity.get("value")
    period = _text(quantity.get("unitText")) or _text(salary.get("unitText"))
    bounds = (_figure(quantity.get("minValue")), _figure(quantity.get("maxValue")))
    written = _figure(quantity.get("value")) or "-".join(bound for bound in bounds if bound)
    raw = " ".join(part for part in (currency, written, f"per {period}" if period else "") if part)
    return {"currency": currency_code(currency, locale=locale), "min": amount(low, locale=locale),
            "max": amount(high, locale=locale), "period": period, "raw": raw or None}


def _requirements(node: Node) -> list[str]:
    """``qualifications``, ``educationRequirements`` and ``experienceRequirements`` (text, lists, or an
    OccupationalExperienceRequirements with ``monthsOfExperience``)."""
    items = _items(node.get("qualifications")) + _items(node.get("educationRequirements"))
    experience = node.get("experienceRequirements")
    if isinstance(experience, dict) and experience.get("monthsOfExperience") is not None:
        items.append(f"{experience['monthsOfExperience']} months of experience")
    else:
        items += _items(experience)
    return items


def _language(node: Node, document: lxml.html.HtmlElement) -> str | None:
    """``inLanguage`` (a BCP 47 tag or a Language object's ``name``), else the page's ``<html lang>``."""
    return language_code(_text(node.get("inLanguage"))) or language_code(document.get("lang"))


def _remote(node: Node) -> bool:
    """``jobLocationType`` TELECOMMUTE (one value or a list)."""
    types = node.get("jobLocationType")
    return any(str(kind).strip().upper() == "TELECOMMUTE" for kind in (types if isinstance(types, list) else [types]))


def posting_from_jsonld(node: Node, by_id: dict[str, Node], document: lxml.html.HtmlElement) -> JobPostingData:
    """Map one JobPosting node onto our schema; what it does not state stays null. Amounts are read in the
    locale of the posting's language and first country (``1.234`` is 1234 in German)."""
    language = _language(node, document)
    locations = _locations(node, by_id, language)
    applicants = _applicant_locations(node, by_id, language)
    country = next((place.get("country_code") for place in locations + applicants if place.get("country_code")), None)
    apply_url = _text(node.get("url")) if node.get("directApply") is True else None
    return JobPostingData.model_validate({
        "title": html_to_text(_text(node.get("title")) or _text(node.get("name"))),
        "company": _company(node, by_id),
        "locations": locations,
        "applicant_locations": applicants,
        "work_mode": "remote" if _remote(node) else None,
        "employment_type": normalize_employment_types(node.get("employmentType")),
        "salary": _salary(node, locale_for(language=language, country=country)),
        "skills_required": _items(node.get("skills")),
        "responsibilities": _items(node.get("responsibilities")),
        "requirements": _requirements(node),
        "benefits": _items(node.get("jobBenefits")),
        "date_posted": _text(node.get("datePosted")),
        "application_deadline": _text(node.get("validThrough")),
        "apply_url": apply_url,
        "language": language,
        "description_text": html_to_text(_text(node.get("description"))),
    })


def job_posting_from_page(document: lxml.html.HtmlElement) -> JobPostingData | None:
    """The page's first JobPosting JSON-LD node that names a title, mapped; None when there is none."""
    postings, by_id = find_job_postings(document)
    for node in postings:
        posting = posting_from_jsonld(node, by_id, document)
        if posting.title or (posting.company and posting.company.name):
            return posting
    return None
