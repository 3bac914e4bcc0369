"""Monthly usage reset: every entitled user starts the month at zero.

Counting stops being reversible once a month is under way: the counters of the current (or a
future) month are never zeroed unless an operator forces it, so a reset cannot hand quotas back
mid-month. Without force, such a month is only *opened*: missing records are created at zero and
existing counters kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from seology_pipeline.accounts import COUNTERS, ENTITLED_STATUSES, month_key
from seology_pipeline.activity import record_audit
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Subscription, UsageRecord, utcnow
from seology_pipeline.maintenance.timing import month_has_ended, parse_month


class OpenMonthError(ValueError):
    """A reset of a month that has not ended, without the operator's ``force`` flag."""


def check_month_resettable(month: str, now: datetime, timezone: str, *, force: bool) -> str:
    """``month`` if its usage may be reset at ``now``: it has ended in ``timezone``, or ``force``.

    A reset hands every user's quota back, so a month still running is refused with
    :class:`OpenMonthError` unless an operator forces it.
    """
    month = parse_month(month)
    if not (force or month_has_ended(month, now, timezone)):
        raise OpenMonthError(
            f"usage reset of {month} refused: the month has not ended ({timezone}); "
            "an operator may force it"
        )
    return month


def reset_usage(
    engine: Engine,
    month: str,
    *,
    now: datetime | None = None,
    run_id: str | None = None,
    force: bool = False,
) -> int:
    """Create or zero ``month``'s usage record of every user with an active or trialing plan.

    A past month (before ``now``'s UTC month) is zeroed; the current or a future month only with
    ``force`` (an operator's decision), else its missing records are created and existing
    counters kept. One ``INSERT … SELECT … ON CONFLICT (user_id, month)`` (SQLite and
    PostgreSQL), so a second run gives the same rows; other months and unentitled users are
    untouched. Records an audit entry ``usage.reset`` in the same transaction. Returns the
    number of users whose record was created or zeroed.
    """
    month = parse_month(month)
    now = now or utcnow()
    zero = force or month < month_key(now)
    entitled_users = (
        select(
            Subscription.user_id,
            literal(month).label("month"),
            *(literal(0).label(name) for name in COUNTERS),
            literal(now, UsageRecord.updated_at.type).label("updated_at"),
        )
        .where(Subscription.status.in_(ENTITLED_STATUSES))
        .distinct()
    )
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(UsageRecord).from_select(
        ["user_id", "month", *COUNTERS, "updated_at"], entitled_users
    )
    keys = [UsageRecord.user_id, UsageRecord.month]
    if zero:
        statement = statement.on_conflict_do_update(
            index_elements=keys,
            set_={name: 0 for name in COUNTERS} | {"updated_at": statement.excluded.updated_at},
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    statement = statement.returning(UsageRecord.id)  # rowcount is -1 for INSERT … SELECT (psycopg)
    with session_scope(engine) as session:
        users_reset = len(session.execute(statement).all())
        record_audit(
            session,
            "usage.reset",
            run_id=run_id,
            month=month,
            usersReset=users_reset,
            mode="zeroed" if zero else "opened",
            forced=force,
        )
    return users_reset
