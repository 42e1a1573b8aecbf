"""Dates: a posting's calendar dates, and the partial dates a CV is written in.

Understood, each checked against the calendar (``2024-99-99`` and ``2023-02-30`` are no date):
- ISO 8601 dates and date-times (the date part as written, no time-zone conversion);
- ``YYYY``, ``YYYY-MM`` / ``YYYY/MM`` / ``YYYY.MM``, ``MM/YYYY``, ``YYYY/MM/DD``;
- ``DD/MM/YYYY`` or ``MM/DD/YYYY`` only when the order is unambiguous (a part over 12, or both equal);
- a month or a day named in words in one of ``DATE_LANGUAGES`` (``dateparser``: ``Jan 2020``, ``März 2021``,
  ``tháng 3 năm 2020``, ``15 March 2021``), with a year; relative dates (``last year``) are not.
"Ongoing" words (``Present``, ``current``, ``now``, ``heute``, ``aujourd'hui``, ``hiện tại``…) mean an
open end: no date.
"""

import datetime as dt
import re
from functools import cache
from typing import Any, NamedTuple

from dateparser.date import DateDataParser

from orchestrator.normalization.places import name_key

ONGOING = frozenset(name_key(word) for word in (
    "present", "current", "currently", "now", "today", "ongoing", "to date", "till date", "to present",
    "until now", "till now", "present day", "heute", "bis heute", "aktuell", "derzeit", "jetzt", "laufend",
    "présent", "à présent", "aujourd'hui", "actuel", "actuellement", "en cours", "à ce jour", "presente",
    "actualidad", "la actualidad", "actual", "actualmente", "hoy", "en curso", "atual", "atualmente", "hoje",
    "o momento", "em andamento", "oggi", "attuale", "in corso", "heden", "tot heden", "huidig", "nu",
    "obecnie", "teraz", "do dziś", "nadal", "hiện tại", "hiện nay", "nay", "đến nay", "現在", "至今", "目前",
    "今", "настоящее время", "по настоящее время", "сейчас", "н.в.", "pågående", "halen", "günümüz",
))
# The languages month names are read in: the widely written ones. Trying all of dateparser's ~200 made the
# first unreadable date of a process take 6 s (these: 1 s).
DATE_LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "nl", "pl", "cs", "sv", "da", "nb", "fi", "hu", "ro", "tr",
                  "ru", "uk", "el", "vi", "id", "ja", "zh", "ko", "hi", "ar", "he")
_ISO_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}\S*)?")
_YEAR_FIRST = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_PRECISIONS = {"year": 1, "month": 2, "day": 3}


class DateReading(NamedTuple):
    """``value``: YYYY, YYYY-MM or YYYY-MM-DD; ``ongoing``: an open end; ``understood``: either of them."""

    value: str | None
    ongoing: bool = False

    @property
    def understood(self) -> bool:
        return self.value is not None or self.ongoing


def _formatted(year: int, month: int | None = None, day: int | None = None) -> str | None:
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    if year < 1000:
        return None
    parts = [f"{year:04d}", *(f"{part:02d}" for part in (month, day) if part is not None)]
    return "-".join(parts)


def _numeric(text: str) -> str | None:
    if match := _ISO_DATETIME.fullmatch(text):
        return _formatted(*map(int, match.groups()))
    if match := _YEAR_FIRST.fullmatch(text):
        year, month, day = (int(part) if part else None for part in match.groups())
        return _formatted(year, month, day)  # type: ignore[arg-type]
    if match := _MONTH_YEAR.fullmatch(text):
        return _formatted(int(match.group(2)), int(match.group(1)))
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        first, second, year = map(int, match.groups())
        if first > 12 >= second or first == second:
            return _formatted(year, second, first)
        if second > 12 >= first:
            return _formatted(year, first, second)
    return None


@cache
def _parser() -> DateDataParser:
    # Only absolute dates: "last year" or "2 months ago" depend on the day they are read.
    return DateDataParser(languages=list(DATE_LANGUAGES), settings={
        "PARSERS": ["absolute-time"], "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    })


def _in_words(text: str) -> str | None:
    if not re.search(r"[^\W\d_]", text) or not re.search(r"\d{4}", text) or len(text) > 40:
        return None
    reading = _parser().get_date_data(text)
    precision = _PRECISIONS.get(reading.period or "")
    if reading.date_obj is None or precision is None:
        return None
    parts = (reading.date_obj.year, reading.date_obj.month, reading.date_obj.day)[:precision]
    return _formatted(*parts)


def partial_date(value: Any) -> DateReading:
    """A CV date as YYYY, YYYY-MM or YYYY-MM-DD, or "ongoing"; ``understood`` is false for anything else."""
    if not isinstance(value, str) or not value.strip():
        return DateReading(None)
    text = re.sub(r"\s+", " ", value.strip())
    if name_key(text) in ONGOING:
        return DateReading(None, ongoing=True)
    return DateReading(_numeric(text) or _in_words(text))


def calendar_date(value: Any) -> str | None:
    """A day of the calendar as YYYY-MM-DD (from any form above that names the day); else null."""
    reading = partial_date(value)
    return reading.value if reading.value and len(reading.value) == 10 else None
