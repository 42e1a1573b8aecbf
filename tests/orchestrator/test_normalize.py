"""orchestrator.normalization: every kind of value a job page or a model writes, to its standard form or null."""

from typing import Any

import pytest

from orchestrator.normalization.dates import calendar_date, partial_date
from orchestrator.normalization.languages import language_code, locale_for
from orchestrator.normalization.money import amount, currency_code
from orchestrator.normalization.places import country_code
from orchestrator.normalization.text import email_address, html_to_text, is_absent, web_url

ODD_VALUES = [None, "", "   ", 0, 12.5, True, [], ["DE"], {}, {"x": 1}, "\x00", "\ud800", "?" * 500]


@pytest.mark.parametrize(("value", "expected"), [
    ("DE", "DE"), ("de", "DE"), ("DEU", "DE"), ("USA", "US"), ("U.S.", "US"), ("UK", "GB"), ("EL", "GR"),
    ("United Kingdom", "GB"), ("Brasil", "BR"), ("Việt Nam", "VN"), ("Viet Nam", "VN"), ("Deutschland", "DE"),
    ("Allemagne", "DE"), ("España", "ES"), ("Polska", "PL"), ("日本", "JP"), ("भारत", "IN"), ("Österreich", "AT"),
    ("United States of America", "US"), ({"@type": "Country", "name": "Kenya"}, "KE"),
    ("XX", None), ("XK", None), ("ZZZ", None), ("Atlantis", None), ("Remote", None), ("Korea", None),
])
def test_it_turns_country_codes_and_names_in_any_language_into_iso_3166_alpha_2(value: Any, expected: Any) -> None:
    assert country_code(value) == expected


def test_it_reads_a_country_name_in_the_page_language_first() -> None:
    assert country_code("Niemcy", language="pl") == "DE"
    assert country_code("Alemania", language="es") == "DE"


@pytest.mark.parametrize(("value", "locale", "expected"), [
    ("EUR", None, "EUR"), ("usd", None, "USD"), ("€", "de", "EUR"), ("£", "en_GB", "GBP"), ("₫", "vi", "VND"),
    ("zł", "pl", "PLN"), ("US dollars", "en", "USD"), ("$", "en_AU", "AUD"),
    ("XYZ", None, None), ("dollars", "en", None), ("money", None, None),
])
def test_it_turns_currency_codes_symbols_and_names_into_iso_4217(value: str, locale: str | None, expected: Any) -> None:
    assert currency_code(value, locale=locale) == expected


@pytest.mark.parametrize(("value", "locale", "expected"), [
    (52000, None, 52000), (55000.5, None, 55000.5), ("100000", "en", 100000),
    ("70.000", "de", 70000), ("70.000", "en", 70000), ("40,000", "de", 40000), ("1.234,56", "de", 1234.56),
    ("1.234,56", "en", 1234.56), ("1,234.56", "de", 1234.56), ("55000.5", "de", 55000.5), ("12,5", "en", 12.5),
    ("35\u202f000 €", "fr", 35000), ("1 234,50 €", "fr", 1234.5), ("R$ 5.000,00", "pt_BR", 5000),
    ("$100,000", "en", 100000), ("50000 USD", "en", 50000), ("1,00,000", "en_IN", 100000),
    ("80k", "en", 80000), ("80K", "de", 80000), ("1.5M", "en", 1500000), ("1,2 Mio.", "de", 1200000),
    ("1,2 Mio. €", "de", 1200000), ("2 Millionen", "de", 2000000), ("8 triệu", "vi", 8000000),
    ("2 lakh", "en", 200000), ("3 crore", "en", 30000000), ("25万円", "ja", 250000), ("15 tys. zł", "pl", 15000),
    ("Trên 8 triệu", "vi", None), ("50-60k", "en", None), ("up to 60k", "en", None), ("negotiable", "en", None),
    ("5 5", "en", None), (-5, None, None), (float("nan"), None, None), (True, None, None),
])
def test_it_reads_an_amount_in_the_page_locale_with_its_magnitude_word(value: Any, locale: str, expected: Any) -> None:
    assert amount(value, locale=locale) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("en-US", "en"), ("DE", "de"), ("deu", "de"), ("iw", "he"), ("zh-Hant-TW", "zh"), ("pt_BR", "pt"),
    ("German", None), ("und", None), ("xx", None),
])
def test_it_keeps_the_iso_639_language_of_a_tag(value: str, expected: Any) -> None:
    assert language_code(value) == expected


def test_it_picks_the_locale_numbers_are_read_in() -> None:
    assert locale_for(language="en", country="IN") == "en_IN"
    assert locale_for(language="de", country=None) == "de"
    assert locale_for(language=None, country="VN") == "vi_VN"
    assert locale_for(language=None, country=None) == "en"


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-03-01", "2024-03-01"), ("2024-03-01T23:30:00-08:00", "2024-03-01"), ("2024-04-30T00:00", "2024-04-30"),
    ("2024/03/01", "2024-03-01"), ("13/02/2024", "2024-02-13"), ("15 March 2021", "2021-03-15"),
    ("2024-99-99", None), ("2023-02-29", None), ("01/02/2024", None), ("2024-03", None), ("next Friday", None),
])
def test_a_calendar_date_is_a_real_unambiguous_day(value: str, expected: Any) -> None:
    assert calendar_date(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2020", "2020"), ("2020-03", "2020-03"), ("2020/03", "2020-03"), ("2020.03", "2020-03"), ("03/2020", "2020-03"),
    ("Jan 2020", "2020-01"), ("Sept. 2019", "2019-09"), ("Januar 2021", "2021-01"), ("mars 2020", "2020-03"),
    ("tháng 3 năm 2020", "2020-03"), ("2020年3月", "2020-03"), ("15.03.2020", "2020-03-15"),
])
def test_a_cv_date_keeps_the_precision_it_is_written_with(value: str, expected: str) -> None:
    assert partial_date(value) == (expected, False)


@pytest.mark.parametrize("value", ["Present", "present ", "Current", "now", "Heute", "bis heute", "aujourd'hui",
                                   "actualidad", "hiện tại", "現在", "по настоящее время"])
def test_ongoing_words_mean_an_open_end(value: str) -> None:
    assert partial_date(value) == (None, True)


@pytest.mark.parametrize("value", ["Spring 2020", "Q1 2020", "last year", "2 years ago", "2020 - 2021", "01/02/2020",
                                   "2020-13", "since 2020", "N/A"])
def test_a_date_that_is_not_one_is_not_understood(value: str) -> None:
    assert not partial_date(value).understood


@pytest.mark.parametrize(("value", "expected"), [
    ("<p>Join <b>us</b> &amp; build.</p><ul><li>Python</li></ul>", "Join us & build.\nPython"),
    ("&lt;p&gt;Deliver HR &amp;amp; payroll&lt;/p&gt;", "Deliver HR & payroll"),
    ("&amp;lt;ul&amp;gt;&amp;lt;li&amp;gt;One&amp;lt;/li&amp;gt;&amp;lt;li&amp;gt;Two&amp;lt;/li&amp;gt;", "One\nTwo"),
    ("<script>alert(1)</script><p>Text</p>", "Text"), ("Salary &lt; 50k", "Salary < 50k"), ("plain", "plain"),
])
def test_an_html_description_escaped_once_or_twice_becomes_readable_text(value: str, expected: str) -> None:
    assert html_to_text(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("linkedin.com/in/ada", "https://linkedin.com/in/ada"), ("https://ada.dev", "https://ada.dev"),
    ("www.ada.dev.", "https://www.ada.dev"), ("N/A", None), ("ada", None), ("ftp://x.example", None),
])
def test_a_url_without_a_scheme_gets_https(value: str, expected: Any) -> None:
    assert web_url(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("ada@example.com.", "ada@example.com"), ("mailto:ada@example.com", "ada@example.com"),
    ("Ada <ada@example.com>", "ada@example.com"), ("ada at example", None), ("N/A", None),
])
def test_an_email_address_is_taken_in_its_plain_form(value: str, expected: Any) -> None:
    assert email_address(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("N/A", True), ("n/a", True), ("-", True), ("Unknown", True),
                                                 ("k. A.", True), (None, True), ("Ada", False), ("0", False)])
def test_it_knows_the_ways_of_writing_no_value(value: Any, expected: bool) -> None:
    assert is_absent(value) is expected


@pytest.mark.parametrize("value", ODD_VALUES)
def test_a_value_that_cannot_be_normalised_is_null_never_an_exception(value: Any) -> None:
    assert country_code(value) is None
    assert currency_code(value) is None
    assert language_code(value) is None
    assert calendar_date(value) is None
    assert not partial_date(value).understood
    assert web_url(value) is None
    assert email_address(value) is None
    assert amount(value) in (None, 0, 12.5)  # a JSON number is an amount as it is
