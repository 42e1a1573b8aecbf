"""Text a page or a model writes loosely: HTML descriptions, URLs, e-mail addresses, "N/A"."""

import html
import re
from email.utils import parseaddr
from typing import Any

import lxml.html
from lxml import etree
from pydantic import HttpUrl, TypeAdapter, ValidationError

from orchestrator.normalization.places import name_key

# Written for "no value" (compared without case, accents and punctuation: "N/A" is "na", "k. A." is "ka").
ABSENT = frozenset(name_key(word) for word in (
    "", "n/a", "none", "null", "nil", "unknown", "not applicable", "not available", "not specified",
    "not provided", "not stated", "k. A.", "keine Angabe", "non renseigné", "no disponible", "không có",
))
MAX_UNESCAPE_ROUNDS = 3
_BLOCKS = ("p", "br", "li", "div", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table")
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>.]+")
_HOST_LIKE = re.compile(r"(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}(?::\d+)?(?:[/?#]\S*)?")
_http_url = TypeAdapter(HttpUrl)


def is_absent(value: Any) -> bool:
    """Whether a model or a page wrote "no value" (``None``, ``""``, ``"N/A"``, ``"-"``, ``"unknown"``…)."""
    return value is None or (isinstance(value, str) and name_key(value) in ABSENT)


def html_to_text(value: Any) -> str | None:
    """Readable text of an HTML description, also when its HTML was escaped once or twice
    (``&lt;p&gt;HR &amp;amp; payroll&lt;/p&gt;`` → ``HR & payroll``): one line per block element."""
    if not isinstance(value, str):
        return None
    text = value
    for _ in range(MAX_UNESCAPE_ROUNDS):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    if _TAG.search(text):
        try:
            fragment = lxml.html.fragment_fromstring(text, create_parent="div")
        except (etree.ParserError, ValueError):
            return None
        for element in fragment.iter("script", "style"):
            element.drop_tree()
        for block in fragment.iter(*_BLOCKS):
            block.tail = "\n" + (block.tail or "")
        text = fragment.text_content()
    lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line) or None


def web_url(value: Any) -> str | None:
    """An http(s) URL; one written without a scheme (``linkedin.com/in/ada``) gets ``https://``."""
    if not isinstance(value, str) or is_absent(value):
        return None
    text = value.strip().rstrip(".,;")
    if not re.match(r"https?://", text, re.IGNORECASE):
        if not _HOST_LIKE.fullmatch(text):
            return None
        text = f"https://{text}"
    try:
        _http_url.validate_python(text)
    except ValidationError:
        return None
    return text


def email_address(value: Any) -> str | None:
    """An e-mail address from ``ada@example.com.``, ``mailto:ada@example.com`` or ``Ada <ada@example.com>``."""
    if not isinstance(value, str) or is_absent(value):
        return None
    text = re.sub(r"^mailto:", "", value.strip(), flags=re.IGNORECASE)
    address = parseaddr(text)[1] or text
    address = address.strip().rstrip(".,;")
    return address if _EMAIL.fullmatch(address) else None
