import csv
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.usage import test_selectors

pytestmark = pytest.mark.django_db


# The rows whose figures the selector tests pin (today: gemini, 4 attempts by alice, 3 ok, one unpriced
# error, latencies 100 to 400, $1.75; yesterday: openai, one $2 call by bob and one quota refusal;
# 40 days ago: $100): the report must print those same figures.
known_rows = test_selectors.known_rows


def report(*args: str) -> str:
    out = StringIO()
    call_command("usage_report", *args, stdout=out)
    return out.getvalue()


def section(text: str, title: str) -> list[list[str]]:
    """The rows of one table of the text report, split on runs of spaces."""
    block = text.split(f"\n{title}\n", 1)[1].split("\n\n", 1)[0]
    return [line.split() for line in block.splitlines()[1:]]


def test_the_text_report_shows_the_known_figures_by_provider_and_model(known_rows):
    text = report()
    assert text.startswith(f"Usage report {timezone.localdate() - timedelta(days=29):%Y-%m-%d} to ")
    assert section(text, "By model") == [
        ["gemini", "gemini-2.5-flash", "4", "75.0%", "0", "600", "1.750000", "1", "250", "385"],
        ["openai", "gpt-5-mini", "2", "100.0%", "1", "1500", "2.000000", "0", "1000", "1000"],
        ["Total", "6", "80.0%", "1", "2100", "3.750000", "1", "300", "880"],
    ]
    assert [row[:3] for row in section(text, "By provider")] == [
        ["gemini", "4", "75.0%"],
        ["openai", "2", "100.0%"],
        ["Total", "6", "80.0%"],
    ]
    assert section(text, "Top users by cost") == [["bob", "2", "1500", "2.000000"], ["alice", "4", "600", "1.750000"]]


def test_the_csv_report_is_one_table_told_apart_by_section(known_rows):
    rows = list(csv.DictReader(StringIO(report("--format", "csv"))))
    assert [row["section"] for row in rows] == ["provider", "provider", "model", "model", "total", "user", "user"]
    gemini = rows[2]
    assert (gemini["provider_type"], gemini["model"], gemini["calls"], gemini["attempts"]) == (
        "gemini",
        "gemini-2.5-flash",
        "4",
        "4",
    )
    assert float(gemini["success_rate"]) == pytest.approx(0.75)
    assert Decimal(gemini["cost_usd"]) == Decimal("1.75")
    assert gemini["unpriced_calls"] == "1"
    assert (float(gemini["latency_p50_ms"]), float(gemini["latency_p95_ms"])) == (250.0, 385.0)
    total = rows[4]
    assert (total["calls"], total["quota_exceeded"], total["total_tokens"]) == ("6", "1", "2100")
    assert Decimal(total["cost_usd"]) == Decimal("3.75")
    assert [(row["user"], Decimal(row["cost_usd"])) for row in rows[5:]] == [("bob", 2), ("alice", Decimal("1.75"))]
    assert rows[5]["success_rate"] == ""


def test_the_range_can_be_days_or_from_and_to(known_rows):
    today = timezone.localdate()
    assert [row[0] for row in section(report("--days", "1"), "By provider")] == ["gemini", "Total"]
    yesterday = (today - timedelta(days=1)).isoformat()
    by_model = section(report("--from", yesterday, "--to", yesterday), "By model")
    assert [row[:3] for row in by_model] == [["openai", "gpt-5-mini", "2"], ["Total", "2", "100.0%"]]
    with_old_rows = section(report("--from", (today - timedelta(days=45)).isoformat()), "By model")
    assert with_old_rows[-1][:2] == ["Total", "7"]


def test_an_empty_range_reports_zero_and_no_users():
    text = report("--days", "7")
    assert section(text, "By model") == [["Total", "0", "-", "0", "0", "0.000000", "0", "-", "-"]]
    assert text.rstrip().endswith("Top users by cost\n(no usage)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-03-10", "--to", "2026-03-01"], "The start must not be after the end."),
        (["--from", "2024-01-01", "--to", "2026-01-01"], "The range may span at most 366 days."),
        (["--days", "0"], "--days must be at least 1."),
        (["--days", "3", "--from", "2026-03-01"], "not allowed with argument"),
        (["--from", "yesterday"], "is not a date (YYYY-MM-DD)"),
    ],
)
def test_it_refuses_a_bad_range(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        report(*args)
