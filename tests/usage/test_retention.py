"""``usage_prune``: old raw rows go (archived first when asked), in batches; the dashboard keeps their figures."""

import gzip
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from orchestrator.models import JobPosting
from tests.factories import UsageLogFactory
from usage.models import AIProviderUsageLog, UsageRollupDay
from usage.rollup import day_bounds
from usage.selectors import UsageFilters, usage_stats

pytestmark = pytest.mark.django_db


def log(days_ago: int, **fields) -> AIProviderUsageLog:
    start, end = day_bounds(timezone.localdate() - timedelta(days=days_ago))
    return UsageLogFactory(created_at=start + (end - start) / 2, **fields)


@pytest.fixture
def old_and_new_rows():
    old = [log(days_ago, cost_usd=Decimal("0.0000000001") * days_ago) for days_ago in (40, 40, 35, 31)]
    new = [log(days_ago) for days_ago in (30, 29, 0)]
    return old, new


def test_it_deletes_the_days_before_the_last_n_in_batches(old_and_new_rows, capsys):
    _, new = old_and_new_rows
    call_command("usage_prune", older_than_days=30, batch_size=3)
    out = capsys.readouterr().out
    assert "Deleted 4 usage rows" in out
    assert "in 2 batch(es)" in out
    assert set(AIProviderUsageLog.objects.values_list("id", flat=True)) == {row.id for row in new}
    pruned = set(UsageRollupDay.objects.filter(pruned_at__isnull=False).values_list("day", flat=True))
    assert pruned == {timezone.localdate() - timedelta(days=n) for n in range(31, 41)}


def test_pruned_days_keep_their_figures_on_the_dashboard(old_and_new_rows):
    filters = UsageFilters.last_days(45)
    before = usage_stats(filters=filters, group_by=["day"])
    call_command("usage_prune", older_than_days=30)
    assert usage_stats(filters=filters, group_by=["day"]) == before
    (total,) = usage_stats(filters=filters)
    assert total["calls"] == 7
    assert total["cost_usd"] == Decimal("0.0000000146")


def test_it_archives_every_row_before_deleting_it(old_and_new_rows, tmp_path):
    old, _ = old_and_new_rows
    archive = tmp_path / "usage.jsonl.gz"
    call_command("usage_prune", older_than_days=30, batch_size=2, archive=archive)
    with gzip.open(archive, "rt", encoding="utf-8") as lines:
        archived = [json.loads(line) for line in lines]
    assert sorted(row["id"] for row in archived) == sorted(row.id for row in old)
    by_id = {row["id"]: row for row in archived}
    first = old[0]
    assert by_id[first.id]["request_id"] == str(first.request_id)
    assert Decimal(by_id[first.id]["cost_usd"]) == first.cost_usd
    call_command("usage_prune", older_than_days=30, archive=archive)  # nothing left: the archive is kept
    with gzip.open(archive, "rt", encoding="utf-8") as lines:
        assert len(lines.readlines()) == len(old)


def test_a_plain_archive_file_is_appended_to(old_and_new_rows, tmp_path):
    archive = tmp_path / "usage.jsonl"
    archive.write_text('{"earlier": true}\n')
    call_command("usage_prune", older_than_days=30, archive=str(archive))  # as the command line gives it
    assert len(archive.read_text().splitlines()) == 1 + 4


def test_it_keeps_at_least_today_and_yesterday(old_and_new_rows):
    with pytest.raises(CommandError, match="at least one day"):
        call_command("usage_prune", older_than_days=0)
    with pytest.raises(CommandError, match="batch-size"):
        call_command("usage_prune", older_than_days=3, batch_size=0)
    assert AIProviderUsageLog.objects.count() == 7


def test_the_rollup_command_reports_what_it_did(old_and_new_rows, capsys):
    call_command("usage_rollup")
    assert "Rolled up 41 day(s)" in capsys.readouterr().out  # 40 complete days and today so far
    call_command("usage_rollup")
    again = capsys.readouterr().out  # today again, if the minute turned meanwhile
    assert "No day to roll up" in again or f"Rolled up 1 day(s), {timezone.localdate()}" in again
    day = (timezone.localdate() - timedelta(days=35)).isoformat()
    call_command("usage_rollup", rebuild=[timezone.localdate() - timedelta(days=35)])
    assert f"Rolled up 1 day(s), {day}: 1 raw rows" in capsys.readouterr().out


def test_a_job_posting_of_a_pruned_call_is_kept_without_its_usage_row(old_and_new_rows):
    old, new = old_and_new_rows
    posting = JobPosting.objects.create(owner=old[0].user, source=JobPosting.Source.TEXT, usage_log=old[0])
    kept = JobPosting.objects.create(owner=new[0].user, source=JobPosting.Source.TEXT, usage_log=new[0])
    call_command("usage_prune", older_than_days=30)
    posting.refresh_from_db()
    kept.refresh_from_db()
    assert (posting.usage_log_id, kept.usage_log_id) == (None, new[0].id)
