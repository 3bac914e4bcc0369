"""Plans, monthly usage counters and quota checks shared by crawls and analyses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from seology_pipeline.db.engine import session_factory
from seology_pipeline.db.models import (
    Plan,
    Subscription,
    SubscriptionStatus,
    UsageRecord,
    utcnow,
)

ENTITLED_STATUSES = (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING)
COUNTERS = ("crawls", "pages", "analyses", "ai_tokens")


class QuotaExceededError(RuntimeError):
    """The owner's plan does not allow this work now; the message says which limit and why."""


def month_key(moment: datetime | None = None) -> str:
    """``YYYY-MM`` of ``moment`` (default now) in UTC."""
    return (moment or utcnow()).strftime("%Y-%m")


def active_plan(session: Session, user_id: str) -> Plan | None:
    """The plan of the user's active or trialing subscription (the most generous if several)."""
    plans = session.scalars(
        select(Plan)
        .join(Subscription, Subscription.plan_code == Plan.code)
        .where(Subscription.user_id == user_id, Subscription.status.in_(ENTITLED_STATUSES))
        .order_by(Plan.pages_per_crawl.desc(), Plan.crawls_per_month.desc())
    ).all()
    return plans[0] if plans else None


def usage(session: Session, user_id: str, month: str) -> UsageRecord | None:
    return session.scalar(
        select(UsageRecord).where(UsageRecord.user_id == user_id, UsageRecord.month == month)
    )


@dataclass(frozen=True, slots=True)
class CrawlAllowance:
    """What a crawl may do: ``max_pages`` after capping by the plan."""

    plan_code: str
    max_pages: int
    crawls_used: int
    crawls_limit: int


def check_crawl_quota(
    session: Session, user_id: str, requested_pages: int, month: str
) -> CrawlAllowance:
    """Raise :class:`QuotaExceededError` unless the plan allows another crawl this month.

    The requested page count is capped by the plan's pages per crawl (not refused).
    """
    plan = active_plan(session, user_id)
    if plan is None:
        raise QuotaExceededError(f"user {user_id} has no active subscription")
    record = usage(session, user_id, month)
    used = record.crawls if record else 0
    if used >= plan.crawls_per_month:
        raise QuotaExceededError(
            f"plan {plan.code!r} allows {plan.crawls_per_month} crawls a month; "
            f"{used} already used in {month}"
        )
    return CrawlAllowance(
        plan_code=plan.code,
        max_pages=min(requested_pages, plan.pages_per_crawl),
        crawls_used=used,
        crawls_limit=plan.crawls_per_month,
    )


def check_analysis_quota(session: Session, user_id: str, month: str) -> None:
    """Raise :class:`QuotaExceededError` unless the plan allows another analysis this month."""
    plan = active_plan(session, user_id)
    if plan is None:
        raise QuotaExceededError(f"user {user_id} has no active subscription")
    record = usage(session, user_id, month)
    used = record.analyses if record else 0
    if used >= plan.analyses_per_month:
        raise QuotaExceededError(
            f"plan {plan.code!r} allows {plan.analyses_per_month} analyses a month; "
            f"{used} already used in {month}"
        )


def increment_usage(session: Session, user_id: str, month: str, **deltas: int) -> None:
    """Add ``deltas`` (crawls, pages, analyses, ai_tokens) to the user's month, atomically.

    One ``INSERT … ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL alike, so concurrent runs
    never lose an increment. Does not commit.
    """
    unknown = set(deltas) - set(COUNTERS)
    if unknown:
        raise ValueError(f"unknown usage counters: {sorted(unknown)}")
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    values: dict[str, Any] = {"user_id": user_id, "month": month, "updated_at": utcnow()}
    values |= {name: deltas.get(name, 0) for name in COUNTERS}
    statement = insert(UsageRecord).values(**values)
    table = UsageRecord.__table__.c
    statement = statement.on_conflict_do_update(
        index_elements=[table.user_id, table.month],
        set_={name: table[name] + statement.excluded[name] for name in deltas}
        | {"updated_at": statement.excluded.updated_at},
    )
    session.execute(statement)


def _reserve(session: Session, user_id: str, month: str, counter: str, limit: int) -> bool:
    """Count one unit of ``counter`` if it stays within ``limit``: check and count in one statement.

    The month's row is created first, then one conditional ``UPDATE … WHERE counter < limit``
    (a row lock on PostgreSQL, the write lock on SQLite) so concurrent callers never both pass.
    """
    increment_usage(session, user_id, month)
    column = UsageRecord.__table__.c[counter]
    result = session.execute(
        update(UsageRecord)
        .where(UsageRecord.user_id == user_id, UsageRecord.month == month, column < limit)
        .values({counter: column + 1, "updated_at": utcnow()})
    )
    return result.rowcount == 1


def _release(session: Session, user_id: str, month: str, counter: str) -> None:
    """Hand back one unit of ``counter`` reserved by work that failed or was refused."""
    column = UsageRecord.__table__.c[counter]
    session.execute(
        update(UsageRecord)
        .where(UsageRecord.user_id == user_id, UsageRecord.month == month, column > 0)
        .values({counter: column - 1, "updated_at": utcnow()})
    )


def reserve_crawl(
    session: Session, user_id: str, requested_pages: int, month: str
) -> CrawlAllowance:
    """Check the crawl quota and count the crawl in one transaction (no commit).

    Raises :class:`QuotaExceededError` when the month's crawls are used up; release the
    reservation with :func:`release_crawl` if the crawl then fails.
    """
    allowance = check_crawl_quota(session, user_id, requested_pages, month)
    if not _reserve(session, user_id, month, "crawls", allowance.crawls_limit):
        raise QuotaExceededError(
            f"plan {allowance.plan_code!r} allows {allowance.crawls_limit} crawls a month; "
            f"all used or reserved in {month}"
        )
    return allowance


def release_crawl(session: Session, user_id: str, month: str) -> None:
    """Hand back the crawl counted by :func:`reserve_crawl` (no commit)."""
    _release(session, user_id, month, "crawls")


def reserve_analysis(engine: Engine, user_id: str, month: str) -> None:
    """Check the analysis quota and count the analysis, committed at once in its own transaction.

    The analysis itself may take minutes (a Claude call); reserving first keeps concurrent
    analyses within the plan without holding a lock meanwhile. Raises
    :class:`QuotaExceededError`.
    """
    with session_factory(engine).begin() as session:
        plan = active_plan(session, user_id)
        if plan is None:
            raise QuotaExceededError(f"user {user_id} has no active subscription")
        if not _reserve(session, user_id, month, "analyses", plan.analyses_per_month):
            raise QuotaExceededError(
                f"plan {plan.code!r} allows {plan.analyses_per_month} analyses a month; "
                f"all used or reserved in {month}"
            )


def release_analysis(engine: Engine, user_id: str, month: str) -> None:
    """Hand back an analysis reserved by :func:`reserve_analysis`, in its own transaction."""
    with session_factory(engine).begin() as session:
        _release(session, user_id, month, "analyses")
