"""Token quotas: reserve before a provider call, settle after it (docs/architecture.md, "Quotas").

Periods are UTC: the daily counter starts at midnight UTC, the monthly one on the 1st of the month at
midnight UTC, whatever the user's time zone.

Counters change only through single conditional ``UPDATE``s, never read-modify-write, so the limit
holds under concurrency on PostgreSQL (an ``UPDATE``'s ``WHERE`` is re-checked against the row a
concurrent transaction committed). They are plain parameterised SQL (see ``_HOLD_SQL``: the ORM's
query building cost ten times the statement on this hot path):

- reserve: ``reserved += n WHERE used + reserved + n <= limit`` on the day row, then the same on the
  month row; when the month row refuses, the day's reservation is released again
  (``reserved -= n``) and the call is refused with ``QuotaExceeded``;
- settle: ``reserved -= n, used += actual`` on both rows in one ``UPDATE``.

Every reservation is also a row of ``QuotaReservation`` (the ledger), inserted once both counters hold it and
deleted by the settle. A process killed mid-call (SIGKILL, OOM) never settles: ``quota_reclaim`` (the
``quota_reclaim`` command, run periodically) gives back the reservations older than any call can last.
Whoever deletes the ledger row releases the tokens — the settle or the reclaim, never both: a call that
outlives the reclaim still counts what it used, but releases nothing twice. What a killed call may have been
billed by the vendor is unknown and is not counted. A process killed in the microseconds between the
reserving ``UPDATE``s and the ledger ``INSERT`` leaves a reservation no one reclaims; it goes with its period.

Every statement is its own autocommit transaction that locks one row. Why not one transaction around
the two reserving ``UPDATE``s: it would hold the day row's lock while waiting for the month row's, so
a settle that locked the two rows in the other order could deadlock with it, and it costs a ``BEGIN``
and a ``COMMIT`` per call. Without it no statement ever waits while holding a lock (no deadlock is
possible), and after every statement each row satisfies ``used + reserved <= limit``. The price: while
a month refusal releases its day reservation, a concurrent call of the same user may see that day
reservation for a moment, i.e. be refused early, never admitted past the limit.

A null limit is unlimited: the reservation always succeeds and usage is still counted. The counter
rows of a period are created on the first reservation that misses them (``INSERT … ON CONFLICT DO
NOTHING``), so the warm path is two ``UPDATE``s and an ``INSERT`` to reserve, and to settle one statement
on PostgreSQL (the ledger ``DELETE`` in a CTE of the ``UPDATE``) or a ``DELETE`` and an ``UPDATE`` on SQLite.
"""

import logging
import math
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from subscriptions.errors import QuotaExceeded
from subscriptions.models import QuotaCounter, QuotaReservation
from subscriptions.selectors import PlanInfo, plan_for_user

__all__ = [
    "PeriodQuota",
    "PlanInfo",
    "QuotaStatus",
    "Reservation",
    "plan_for_user",
    "quota_reclaim",
    "quota_reserve",
    "quota_settle",
    "quota_status",
]

logger = logging.getLogger(__name__)

DAY = QuotaCounter.Period.DAY
MONTH = QuotaCounter.Period.MONTH
PERIODS = (DAY, MONTH)
PERIOD_LABEL = {DAY: "daily", MONTH: "monthly"}


@dataclass(frozen=True)
class Reservation:
    """Tokens held on the user's day and month counters until ``quota_settle``."""

    user_id: int
    day_start: date
    month_start: date
    tokens: int
    ledger_id: int | None = None  # its QuotaReservation row; None until both counters hold it

    def start_of(self, period: str) -> date:
        return self.day_start if period == DAY else self.month_start


@dataclass(frozen=True)
class PeriodQuota:
    period: str  # "day" | "month"
    limit: int | None  # None = unlimited
    used: int
    reserved: int
    remaining: int | None  # None = unlimited
    resets_at: datetime


@dataclass(frozen=True)
class QuotaStatus:
    plan: PlanInfo
    daily: PeriodQuota
    monthly: PeriodQuota


def period_starts(now: datetime) -> tuple[date, date]:
    today = now.astimezone(UTC).date()
    return today, today.replace(day=1)


def period_resets_at(period: str, start: date) -> datetime:
    if period == DAY:
        return datetime.combine(start, time.min, tzinfo=UTC) + timedelta(days=1)
    next_month = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return datetime.combine(next_month, time.min, tzinfo=UTC)


def _limit(plan: PlanInfo, period: str) -> int | None:
    return plan.daily_token_limit if period == DAY else plan.monthly_token_limit


def _counter(reservation: Reservation, period: str) -> QuerySet[QuotaCounter]:
    return QuotaCounter.objects.filter(
        user_id=reservation.user_id, period=period, period_start=reservation.start_of(period)
    )


def quota_reserve(*, user: AbstractBaseUser, plan: PlanInfo, tokens: int, now: datetime | None = None) -> Reservation:
    """Hold ``tokens`` on both counters, or raise ``QuotaExceeded`` (Retry-After: until the reset)."""
    now = now or timezone.now()
    reservation = Reservation(user.pk, *period_starts(now), tokens)
    refused = _try_reserve(reservation, plan)
    if refused is not None:
        # Either the limit is reached or a counter row of this period does not exist yet.
        _create_counters(reservation)
        refused = _try_reserve(reservation, plan)
    if refused is not None:
        raise _refusal(reservation, plan, refused, now)
    return _record(reservation)


def _try_reserve(reservation: Reservation, plan: PlanInfo) -> str | None:
    """Reserve on the day then the month row; the period that refused, or None."""
    if not _hold(reservation, DAY, _limit(plan, DAY)):
        return DAY
    if not _hold(reservation, MONTH, _limit(plan, MONTH)):
        _change(reservation, DAY, reserved=-reservation.tokens, used=0)
        return MONTH
    return None


# The four statements of every call are written as SQL: the ORM spent ~280 µs building each of them
# (the statement itself runs in ~25 µs on SQLite), most of the orchestrator's overhead budget.
_HOLD_SQL = (
    'UPDATE "subscriptions_quotacounter" SET "reserved" = "reserved" + %s '
    'WHERE "user_id" = %s AND "period" = %s AND "period_start" = %s'
)
_WITHIN_LIMIT_SQL = ' AND "used" + "reserved" + %s <= %s'
_CHANGE_SQL = (
    'UPDATE "subscriptions_quotacounter" SET "reserved" = "reserved" + %s, "used" = "used" + %s '
    'WHERE "user_id" = %s AND "period" = %s AND "period_start" = %s'
)


_RECORD_SQL = (
    'INSERT INTO "subscriptions_quotareservation" ("user_id", "day_start", "month_start", "tokens", "created_at") '
    'VALUES (%s, %s, %s, %s, %s) RETURNING "id"'
)
# PostgreSQL: the ledger row's DELETE and both counters' UPDATE in one statement; released only if deleted here.
_SETTLE_SQL_POSTGRESQL = (
    'WITH "released" AS (DELETE FROM "subscriptions_quotareservation" WHERE "id" = %s RETURNING "tokens") '
    'UPDATE "subscriptions_quotacounter" '
    'SET "reserved" = "reserved" - COALESCE((SELECT "tokens" FROM "released"), 0), "used" = "used" + %s '
    'WHERE "user_id" = %s AND (("period" = \'day\' AND "period_start" = %s) '
    'OR ("period" = \'month\' AND "period_start" = %s)) '
    'RETURNING (SELECT COUNT(*) FROM "released")'
)
_UNLEDGER_SQL = 'DELETE FROM "subscriptions_quotareservation" WHERE "id" = %s'
_SETTLE_SQL = (
    'UPDATE "subscriptions_quotacounter" SET "reserved" = "reserved" - %s, "used" = "used" + %s '
    'WHERE "user_id" = %s AND (("period" = \'day\' AND "period_start" = %s) '
    'OR ("period" = \'month\' AND "period_start" = %s))'
)


def _record(reservation: Reservation) -> Reservation:
    """The ledger row of a reservation both counters hold (what ``quota_reclaim`` finds after a crash)."""
    ops = connection.ops
    params = [
        reservation.user_id,
        ops.adapt_datefield_value(reservation.day_start),
        ops.adapt_datefield_value(reservation.month_start),
        reservation.tokens,
        ops.adapt_datetimefield_value(timezone.now()),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_RECORD_SQL, params)
        return replace(reservation, ledger_id=cursor.fetchone()[0])


def _row_params(reservation: Reservation, period: str) -> list:
    start = connection.ops.adapt_datefield_value(reservation.start_of(period))
    return [reservation.user_id, period, start]


def _hold(reservation: Reservation, period: str, limit: int | None) -> bool:
    """``reserved += n`` if ``used + reserved + n <= limit`` (always when unlimited); True if held."""
    n = reservation.tokens
    sql, params = _HOLD_SQL, [n, *_row_params(reservation, period)]
    if limit is not None:
        sql, params = sql + _WITHIN_LIMIT_SQL, [*params, n, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def _change(reservation: Reservation, period: str, *, reserved: int, used: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_CHANGE_SQL, [reserved, used, *_row_params(reservation, period)])


def _create_counters(reservation: Reservation) -> None:
    QuotaCounter.objects.bulk_create(
        [QuotaCounter(user_id=reservation.user_id, period=p, period_start=reservation.start_of(p)) for p in PERIODS],
        ignore_conflicts=True,
    )


def _refusal(reservation: Reservation, plan: PlanInfo, period: str, now: datetime) -> QuotaExceeded:
    limit = _limit(plan, period)
    row = _counter(reservation, period).values("used", "reserved").first() or {"used": 0, "reserved": 0}
    resets_at = period_resets_at(period, reservation.start_of(period))
    label = PERIOD_LABEL[period]
    return QuotaExceeded(
        f"Your {label} token quota ({limit} tokens on the {plan.code} plan) is used up; it resets at "
        f"{resets_at:%Y-%m-%d %H:%M} UTC.",
        details={
            "limit": label,
            "plan": plan.code,
            "limit_tokens": limit,
            "used_tokens": row["used"],
            "reserved_tokens": row["reserved"],
            "requested_tokens": reservation.tokens,
            "resets_at": resets_at.isoformat(),
        },
        retry_after=max(1, math.ceil((resets_at - now).total_seconds())),
    )


def quota_settle(*, reservation: Reservation, actual_tokens: int) -> bool:
    """Release the reservation and count what was actually billed (0 when nothing reached a provider).

    False when ``quota_reclaim`` released it first (the call outlived the reclaim timeout): the billed tokens
    are still counted, nothing is released twice."""
    ops = connection.ops
    rows = [reservation.user_id, ops.adapt_datefield_value(reservation.day_start),
            ops.adapt_datefield_value(reservation.month_start)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_SETTLE_SQL_POSTGRESQL, [reservation.ledger_id, actual_tokens, *rows])
            return bool(cursor.fetchone()[0])
        cursor.execute(_UNLEDGER_SQL, [reservation.ledger_id])
        released = cursor.rowcount == 1
        cursor.execute(_SETTLE_SQL, [reservation.tokens if released else 0, actual_tokens, *rows])
        return released


@dataclass(frozen=True)
class Reclaimed:
    reservations: int
    tokens: int


def quota_reclaim(*, older_than: timedelta, now: datetime | None = None) -> Reclaimed:
    """Give back the reservations held longer than ``older_than``: their process died before settling.

    ``older_than`` must exceed the longest call (every fallback provider's timeout in turn, plus a page fetch),
    or a live call's reservation is released early (it still counts its usage when it settles)."""
    cutoff = (now or timezone.now()) - older_than
    stale = QuotaReservation.objects.filter(created_at__lt=cutoff).order_by("id")
    reservations = tokens = 0
    for row in stale.values("id", "user_id", "day_start", "month_start", "tokens").iterator():
        reservation = Reservation(row["user_id"], row["day_start"], row["month_start"], row["tokens"], row["id"])
        if quota_settle(reservation=reservation, actual_tokens=0):
            logger.warning("quota reservation reclaimed: user %s, %s tokens held since before %s",
                           reservation.user_id, reservation.tokens, cutoff.isoformat(timespec="seconds"))
            reservations, tokens = reservations + 1, tokens + reservation.tokens
    return Reclaimed(reservations=reservations, tokens=tokens)


def quota_status(*, user: AbstractBaseUser, plan: PlanInfo | None = None, now: datetime | None = None) -> QuotaStatus:
    """Limits, usage, what remains and when each period resets (for ``GET /api/v1/usage/me``)."""
    plan = plan or plan_for_user(user=user)
    now = now or timezone.now()
    starts = dict(zip(PERIODS, period_starts(now), strict=True))
    rows = QuotaCounter.objects.filter(
        Q(period=DAY, period_start=starts[DAY]) | Q(period=MONTH, period_start=starts[MONTH]), user_id=user.pk
    ).values("period", "used", "reserved")
    by_period = {row["period"]: row for row in rows}
    daily, monthly = (_period_quota(plan, p, starts[p], by_period.get(p)) for p in PERIODS)
    return QuotaStatus(plan=plan, daily=daily, monthly=monthly)


def _period_quota(plan: PlanInfo, period: str, start: date, row: dict | None) -> PeriodQuota:
    used, reserved = (row["used"], row["reserved"]) if row else (0, 0)
    limit = _limit(plan, period)
    remaining = None if limit is None else max(limit - used - reserved, 0)
    return PeriodQuota(period, limit, used, reserved, remaining, period_resets_at(period, start))
