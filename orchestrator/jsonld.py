"""JobPosting JSON-LD on a page → our posting schema (orchestrator.tasks.job_posting.JobPostingData).

Real pages put JSON-LD in odd shapes: a list of nodes, an ``@graph``, a posting nested under
``mainEntity``, ``@type`` as a list or a full IRI, organisations given by ``@id`` reference only,
a salary as a bare string beside ``salaryCurrency``. Every fact is taken as written; what the
JSON-LD does not state stays null — nothing is inferred (no country from a city, no period for a
bare salary figure).
"""

import json
import re
from typing import Any

import lxml.html
from lxml import etree

from core.parsers import MAX_DEPTH, nested_deeper_than
from core.text import storable
from orchestrator.tasks.job_posting import JobPostingData, normalize_employment_types

Node = dict[str, Any]
_NUMBER = re.compile(r"-?\d[\d,\s]*(?:\.\d+)?")


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
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str) and len(node) > 1}
    return [node for node in nodes if "JobPosting" in _types(node)], by_id


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((item for item in value if item not in (None, "")), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def _html_to_text(value: Any) -> str | None:
    text = _text(value)
    if not text or "<" not in text:
        return text
    fragment = lxml.html.fragment_fromstring(text, create_parent="div")
    for br in fragment.iter("br", "p", "li", "div"):
        br.tail = "\n" + (br.tail or "")
    return re.sub(r"\n\s*\n+", "\n", fragment.text_content()).strip() or None


def _items(value: Any) -> list[str]:
    """A list of strings from a string (one item per line or bullet), a list, or a typed object."""
    values = value if isinstance(value, list) else [value]
    items: list[str] = []
    for item in values:
        text = _html_to_text(item)
        if text:
            items.extend(part.strip(" -•*\t") for part in re.split(r"\n|•", text) if part.strip(" -•*\t"))
    return items


def _resolve(value: Any, by_id: dict[str, Node]) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
        return by_id[value["@id"]]
    return value


def _company(node: Node, by_id: dict[str, Node]) -> dict[str, Any] | None:
    organisation = _resolve(node.get("hiringOrganization"), by_id)
    if isinstance(organisation, str):
        return {"name": organisation.strip() or None, "url": None}
    if not isinstance(organisation, dict):
        return None
    url = _text(organisation.get("url")) or _text(organisation.get("sameAs"))
    name = _text(organisation.get("name")) or _text(organisation.get("legalName"))
    return {"name": name, "url": url} if name or url else None


def _location(place: Any, by_id: dict[str, Node]) -> dict[str, Any] | None:
    place = _resolve(place, by_id)
    if isinstance(place, str):
        return {"raw": place}
    if not isinstance(place, dict):
        return None
    address = _resolve(place.get("address"), by_id)
    if isinstance(address, str):
        return {"raw": address}
    if not isinstance(address, dict):
        return {"raw": _text(place.get("name"))} if place.get("name") else None
    parts = ("streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry")
    raw = ", ".join(text for text in (_text(address.get(p)) for p in parts) if text)
    country = _text(address.get("addressCountry"))
    return {
        "city": _text(address.get("addressLocality")),
        "region": _text(address.get("addressRegion")),
        "country_code": country if country and len(country) == 2 else None,
        "raw": raw or None,
    }


def _locations(node: Node, by_id: dict[str, Node]) -> list[dict[str, Any]]:
    places = node.get("jobLocation")
    places = places if isinstance(places, list) else [places]
    return [location for location in (_location(p, by_id) for p in places if p) if location]


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str) and (match := _NUMBER.search(value)):
        number = float(re.sub(r"[,\s]", "", match.group()))
        return int(number) if number.is_integer() else number
    return None


def _salary(node: Node) -> dict[str, Any] | None:
    """From ``baseSalary`` only: a MonetaryAmount, or a bare number/string (then min = max)."""
    amount = node.get("baseSalary")
    if amount is None or amount == "":
        return None
    currency = _text(node.get("salaryCurrency"))
    if not isinstance(amount, dict):
        value = _number(_text(amount))
        return {"currency": currency, "min": value, "max": value, "period": None, "raw": _text(amount)}
    currency = _text(amount.get("currency")) or currency
    value = amount.get("value")
    if not isinstance(value, dict):
        figure = _number(value)
        return {"currency": currency, "min": figure, "max": figure, "period": None, "raw": _text(value)}
    low = _number(value.get("minValue", value.get("value")))
    high = _number(value.get("maxValue", value.get("value")))
    period = _text(value.get("unitText"))
    figures = "-".join(dict.fromkeys(str(figure) for figure in (low, high) if figure is not None))
    raw = " ".join(part for part in (currency, figures, f"per {period}" if period else "") if part)
    return {"currency": currency, "min": low, "max": high, "period": period, "raw": raw or None}


def _requirements(node: Node) -> list[str]:
    items = _items(node.get("qualifications")) + _items(node.get("educationRequirements"))
    experience = node.get("experienceRequirements")
    if isinstance(experience, dict) and experience.get("monthsOfExperience") is not None:
        items.append(f"{experience['monthsOfExperience']} months of experience")
    else:
        items += _items(experience)
    return items


def _language(node: Node, document: lxml.html.HtmlElement) -> str | None:
    language = _text(node.get("inLanguage")) or document.get("lang")
    return language.split("-")[0].lower() if language else None


def posting_from_jsonld(node: Node, by_id: dict[str, Node], document: lxml.html.HtmlElement) -> JobPostingData:
    """Map one JobPosting node onto our schema; what it does not state stays null."""
    location_type = _text(node.get("jobLocationType")) or ""
    apply_url = _text(node.get("url")) if node.get("directApply") is True else None
    return JobPostingData.model_validate({
        "title": _text(node.get("title")) or _text(node.get("name")),
        "company": _company(node, by_id),
        "locations": _locations(node, by_id),
        "work_mode": "remote" if location_type.upper() == "TELECOMMUTE" else None,
        "employment_type": normalize_employment_types(node.get("employmentType")),
        "salary": _salary(node),
        "skills_required": _items(node.get("skills")),
        "responsibilities": _items(node.get("responsibilities")),
        "requirements": _requirements(node),
        "benefits": _items(node.get("jobBenefits")),
        "date_posted": _text(node.get("datePosted")),
        "application_deadline": _text(node.get("validThrough")),
        "apply_url": apply_url,
        "language": _language(node, document),
        "description_text": _html_to_text(node.get("description")),
    })


def job_posting_from_page(document: lxml.html.HtmlElement) -> JobPostingData | None:
    """The page's first JobPosting JSON-LD node that names a title, mapped; None when there is none."""
    postings, by_id = find_job_postings(document)
    for node in postings:
        posting = posting_from_jsonld(node, by_id, document)
        if posting.title or (posting.company and posting.company.name):
            return posting
    return None
