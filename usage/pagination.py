"""Paging a table of millions of rows without counting them all.

An unfiltered ``COUNT(*)`` over a million usage rows is a full scan on PostgreSQL (hundreds of
milliseconds, growing with the table). For an unfiltered list the planner's estimate
(``pg_class.reltuples``, kept fresh by autovacuum) is good enough to size the pager; a filtered list,
any other database, or a small or never-analysed table gets the exact count.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

ESTIMATE_FROM_ROWS = 100_000


def table_row_estimate(queryset: QuerySet) -> int | None:
    """The planner's row estimate for an unfiltered queryset's table on PostgreSQL, else None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or queryset.query.where or queryset.query.distinct:
        return None
    with connection.cursor() as cursor:
        table = queryset.model._meta.db_table
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] >= 0 else None


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            estimate = table_row_estimate(self.object_list)
            if estimate is not None and estimate >= ESTIMATE_FROM_ROWS:
                return estimate
        return super().count
