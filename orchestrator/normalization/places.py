"""Countries to ISO 3166-1 alpha-2, from a code or a name in any language.

A code is checked against ISO 3166-1 (``pycountry``): ``"de"`` → DE, ``"DEU"`` → DE, ``"U.S."`` → US;
``"UK"`` and ``"EL"`` are ISO's exceptionally reserved codes for GB and GR; a code ISO does not assign
(``"XX"``, ``"XK"``) is null. A name is looked up among ISO's English names and the territory names CLDR
gives in every language (``babel``): ``"Brasil"``, ``"Việt Nam"``, ``"Deutschland"``, ``"United Kingdom"``.
Names are compared case-, accent- and punctuation-insensitively; a name two languages give to different
countries is ambiguous and null.
"""

import re
import unicodedata
from functools import cache
from typing import Any

import pycountry
from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers

# ISO 3166/MA "exceptionally reserved" codes still written for these countries.
EXCEPTIONALLY_RESERVED = {"UK": "GB", "EL": "GR"}
_AMBIGUOUS = ""


def name_key(text: str) -> str:
    """A name as compared: NFKD without accents, casefolded, punctuation and spacing removed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\W_]+", "", stripped.casefold())


def _add(names: dict[str, str], name: str, code: str) -> None:
    key = name_key(name)
    if key and names.get(key, code) != code:
        names[key] = _AMBIGUOUS
    elif key:
        names[key] = code


@cache
def _iso_codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


@cache
def _names_in(language: str) -> dict[str, str]:
    """Country names in one CLDR locale ("de", "vi", "pt_BR"), by name key."""
    names: dict[str, str] = {}
    try:
        territories = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError, TypeError):
        return names
    for code, name in territories.items():
        if code in _iso_codes():
            _add(names, name, code)
    return names


@cache
def _all_names() -> dict[str, str]:
    """ISO's English names and every CLDR language's names (built once, on the first unknown name)."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            if hasattr(country, attribute):
                _add(names, getattr(country, attribute), country.alpha_2)
    for identifier in locale_identifiers():
        if "_" not in identifier:
            for key, code in _names_in(identifier).items():
                _add(names, key, code)  # an ambiguous key ("") stays ambiguous
    return names


def _from_code(text: str) -> str | None:
    code = re.sub(r"[.\s]", "", text).upper()
    if not code.isascii() or not code.isalpha():
        return None
    if len(code) == 2:
        code = EXCEPTIONALLY_RESERVED.get(code, code)
        return code if code in _iso_codes() else None
    if len(code) == 3:
        country = pycountry.countries.get(alpha_3=code)
        return country.alpha_2 if country else None
    return None


def country_code(value: Any, *, language: str | None = None) -> str | None:
    """ISO 3166-1 alpha-2 of a country code or name; ``language`` (the page's) is searched first."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("identifier") or value.get("@id")
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and len(re.sub(r"[.\s]", "", text)) <= 3:
        return _from_code(text)
    key = name_key(text)
    for names in (lambda: _names_in(language or "en"), lambda: _names_in("en"), _all_names):
        found = names().get(key)
        if found is not None:
            return found or None
    return None
