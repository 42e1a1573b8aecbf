"""Language codes (``langcodes``) and the locale a page's numbers are written in (``babel``)."""

import re
from typing import Any

import langcodes
from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages

DEFAULT_LOCALE = "en"


def language_code(value: Any) -> str | None:
    """The ISO 639 language of a BCP 47 tag: ``"en-US"`` → en, ``"DE"`` → de, ``"deu"`` → de, ``"iw"`` → he.
    A language name (``"German"``), ``"und"`` or a tag no registry knows (``"xx"``) is null."""
    if not isinstance(value, str) or not value.strip():
        return None
    tag = value.strip().replace("_", "-")
    if not langcodes.tag_is_valid(tag):
        return None
    language = langcodes.Language.get(tag).language
    return language if language and language != "und" and re.fullmatch(r"[a-z]{2,3}", language) else None


def _known(identifier: str) -> str | None:
    try:
        Locale.parse(identifier)
    except (UnknownLocaleError, ValueError):
        return None
    return identifier


def locale_for(*, language: str | None, country: str | None) -> str:
    """The CLDR locale for reading numbers: the language in the country (``en_IN`` writes ``1,00,000`` and
    ``lakh``), else the language, else the country's first official language, else English."""
    candidates = []
    if language and country:
        candidates.append(f"{language}_{country}")
    if language:
        candidates.append(language)
    if country:
        candidates += [f"{official}_{country}" for official in get_official_languages(country)[:1]]
    return next((found for found in map(_known, candidates) if found), DEFAULT_LOCALE)
