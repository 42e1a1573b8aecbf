"""Currencies (ISO 4217) and amounts of money as a page writes them (``babel``'s CLDR data).

An amount is one number, in the page's locale, with at most a currency and a magnitude word around it:
``"70.000"`` (de) → 70000, ``"1.234,56"`` → 1234.56, ``"1,2 Mio."`` (de) → 1200000, ``"8 triệu"`` (vi) →
8000000, ``"2 lakh"`` (en_IN) → 200000, ``"80k"`` → 80000, ``"$100,000"`` → 100000. Magnitude words are
CLDR's compact number words of the page's language, English and Indian English. Anything else around
the number (``"Trên 8 triệu"``, "over 8 million"; ``"50-60k"``; ``"negotiable"``) makes it no amount: null.
A number whose only separator is followed by exactly three digits (``"70.000"``, ``"40,000"``) is a
thousands grouping in every locale: an amount of money is not written with three decimals.
"""

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import pycountry
from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, get_currency_name, parse_decimal

from orchestrator.normalization.languages import DEFAULT_LOCALE
from orchestrator.normalization.places import name_key

# Locales whose magnitude words are read on every page besides the page's own ("80k", "2 lakh").
COMMON_MAGNITUDE_LOCALES = ("en", "en_IN")
_NUMBER = re.compile(r"\d(?:[\d.,'\u2019\u00a0\u202f ]*\d)?")
_GROUP_SPACE = re.compile(r"(?<=\d)['\u2019\u00a0\u202f ](?=\d{3}(?!\d))")
_THOUSANDS = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")


def _locale(identifier: str | None) -> Locale | None:
    try:
        return Locale.parse(identifier or DEFAULT_LOCALE)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@cache
def _currency_words(identifier: str) -> dict[str, str]:
    """Symbols and names of currencies in one locale (``"£"`` in en_GB, ``"₫"`` in vi), by name key; a
    symbol two currencies share in that locale is left out."""
    locale = _locale(identifier)
    if locale is None:
        return {}
    words: dict[str, str] = {}
    symbols = [(symbol, code) for code, symbol in locale.currency_symbols.items()]
    for symbol, code in symbols:
        if sum(1 for other, _ in symbols if other == symbol) == 1:
            words[symbol.casefold()] = code
    for code in locale.currencies:
        for count in (1, 2):
            words.setdefault(name_key(get_currency_name(code, count=count, locale=locale)), code)
    return words


def currency_code(value: Any, *, locale: str | None = None) -> str | None:
    """ISO 4217 of a code (``"eur"`` → EUR), or of a symbol or name in the page's ``locale`` or English
    (``"€"``, ``"₫"``, ``"US dollars"``); an unknown code (``"XYZ"``) or an ambiguous symbol is null."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"[A-Za-z]{3}", text):
        currency = pycountry.currencies.get(alpha_3=text.upper())
        return currency.alpha_3 if currency else None
    for identifier in dict.fromkeys((locale or DEFAULT_LOCALE, DEFAULT_LOCALE)):
        words = _currency_words(identifier)
        found = words.get(text.casefold()) or words.get(name_key(text))
        if found:
            return found
    return None


@cache
def _magnitudes(identifier: str) -> dict[str, int]:
    """CLDR's compact-number words of a locale with their factor: de "Mio." → 10**6, vi "triệu" → 10**6,
    en_IN "lakh" → 10**5 (a pattern "00 lakh" at 1,000,000 means the number is counted in 100,000s)."""
    locale = _locale(identifier)
    words: dict[str, int] = {}
    for by_plural in (locale.compact_decimal_formats.values() if locale else ()):
        for patterns in by_plural.values():
            for magnitude, pattern in patterns.items():
                text = str(pattern.pattern if hasattr(pattern, "pattern") else pattern)
                word = re.sub(r"[0\s']", "", text).replace("\u00a0", "").casefold()
                if word and "0" in text:
                    words.setdefault(word, int(magnitude) // 10 ** (text.count("0") - 1))
    return words


def _magnitude_words(locale: str | None) -> list[tuple[str, int]]:
    merged: dict[str, int] = {}
    for identifier in (locale or DEFAULT_LOCALE, *COMMON_MAGNITUDE_LOCALES):
        for word, factor in _magnitudes(identifier).items():
            merged.setdefault(word, factor)
    return sorted(merged.items(), key=lambda item: -len(item[0]))


def _decimal(number: str, locale: str | None) -> Decimal | None:
    """The number in the page's locale; else in the other common convention (a page may quote either)."""
    number = _GROUP_SPACE.sub("", number.strip(" .,"))
    if number.isdigit():
        return Decimal(number)
    if _THOUSANDS.fullmatch(number):
        return Decimal(re.sub(r"[.,]", "", number))
    for identifier in dict.fromkeys((locale or DEFAULT_LOCALE, "en", "de")):
        try:
            return parse_decimal(number, locale=identifier, strict=True)
        except (NumberFormatError, InvalidOperation, UnknownLocaleError, ValueError):
            continue
    return None


def _is_currency_only(text: str, locale: str | None) -> bool:
    """Whether ``text`` (what surrounds the number) is nothing but white space and currency marks."""
    for token in re.split(r"\s+", text.strip()):
        if token and not all(unicodedata.category(char) == "Sc" for char in token) and not currency_code(
            token, locale=locale
        ):
            return False
    return True


def _factor(rest: str, locale: str | None) -> tuple[int, str] | None:
    """The magnitude word at the start of ``rest`` and what follows it; (1, rest) when there is none."""
    folded = rest.casefold()
    for word, factor in _magnitude_words(locale):
        if folded.startswith(word) and not (word[-1].isascii() and folded[len(word):][:1].isalpha()):
            return factor, rest[len(word):]
    return 1, rest


def amount(value: Any, *, locale: str | None = None) -> int | float | None:
    """A JSON number, or text holding one amount as described in the module docstring; else null."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value if math.isfinite(value) and value >= 0 else None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    match = _NUMBER.search(text)
    number = _decimal(match.group(), locale) if match else None
    if number is None:
        return None
    factor, after = _factor(text[match.end():].lstrip(), locale)
    if not _is_currency_only(text[: match.start()] + " " + after, locale):
        return None
    total = number * factor
    return int(total) if total == total.to_integral_value() else float(round(total, 2))
