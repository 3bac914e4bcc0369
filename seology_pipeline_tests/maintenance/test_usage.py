"""Monthly usage reset on SQLite and PostgreSQL."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from seology_pipeline.accounts import increment_usage
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    AuditLog,
    Subscription,
    SubscriptionStatus,
    UsageRecord,
    User,
)
from seology_pipeline.maintenance.usage import reset_usage

MONTH = "2026-03"


def subscribe(engine: Engine, *plans: tuple[str, SubscriptionStatus]) -> None:
    with session_scope(engine) as session:
        for user_id in sorted({user_id for user_id, _ in plans}):
            session.add(User(id=user_id, email=f"{user_id}@example.com"))
        session.flush()
        for user_id, status in plans:
            session.add(Subscription(user_id=user_id, plan_code="pro", status=status))


def rows(engine: Engine) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    with session_scope(engine) as session:
        return {
            (r.user_id, r.month): (r.crawls, r.pages, r.analyses, r.ai_tokens)
            for r in session.scalars(select(UsageRecord))
        }


def test_reset_zeroes_entitled_users_and_leaves_the_rest(engine: Engine) -> None:
    subscribe(
        engine,
        ("active", SubscriptionStatus.ACTIVE),
        ("trial", SubscriptionStatus.TRIALING),
        ("two_plans", SubscriptionStatus.ACTIVE),
        ("two_plans", SubscriptionStatus.TRIALING),
        ("canceled", SubscriptionStatus.CANCELED),
        ("late", SubscriptionStatus.PAST_DUE),
    )
    with session_scope(engine) as session:
        for user_id in ("active", "two_plans", "canceled", "late"):
            increment_usage(session, user_id, MONTH, crawls=3, pages=120, analyses=1, ai_tokens=9)
            increment_usage(session, user_id, "2026-02", crawls=5)

    assert reset_usage(engine, MONTH, now=datetime(2026, 4, 1, tzinfo=UTC), run_id="r1") == 3

    assert rows(engine) == {
        ("active", MONTH): (0, 0, 0, 0),
        ("trial", MONTH): (0, 0, 0, 0),
        ("two_plans", MONTH): (0, 0, 0, 0),
        ("canceled", MONTH): (3, 120, 1, 9),
        ("late", MONTH): (3, 120, 1, 9),
        ("active", "2026-02"): (5, 0, 0, 0),
        ("two_plans", "2026-02"): (5, 0, 0, 0),
        ("canceled", "2026-02"): (5, 0, 0, 0),
        ("late", "2026-02"): (5, 0, 0, 0),
    }
    with session_scope(engine) as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "usage.reset")).one()
        assert (entry.run_id, entry.details) == (
            "r1",
            {"month": MONTH, "usersReset": 3, "mode": "zeroed", "forced": False},
        )


@pytest.mark.parametrize(
    "now", [datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 2, 28, tzinfo=UTC)]
)
def test_the_current_or_a_future_month_is_only_opened_unless_forced(
    engine: Engine, now: datetime
) -> None:
    subscribe(engine, ("a", SubscriptionStatus.ACTIVE), ("b", SubscriptionStatus.ACTIVE))
    with session_scope(engine) as session:
        increment_usage(session, "a", MONTH, crawls=3, analyses=1)

    # Mid-month (or ahead of it) nothing is handed back: only b's missing record is created.
    assert reset_usage(engine, MONTH, now=now) == 1
    assert rows(engine) == {("a", MONTH): (3, 0, 1, 0), ("b", MONTH): (0, 0, 0, 0)}

    assert reset_usage(engine, MONTH, now=now, force=True) == 2  # an operator's decision
    assert rows(engine) == {("a", MONTH): (0, 0, 0, 0), ("b", MONTH): (0, 0, 0, 0)}
    with session_scope(engine) as session:
        modes = [
            (e.details["mode"], e.details["forced"])
            for e in session.scalars(select(AuditLog).order_by(AuditLog.id))
        ]
    assert modes == [("opened", False), ("zeroed", True)]


def test_reset_is_idempotent(engine: Engine) -> None:
    subscribe(engine, ("a", SubscriptionStatus.ACTIVE), ("b", SubscriptionStatus.TRIALING))
    with session_scope(engine) as session:
        increment_usage(session, "a", MONTH, crawls=2)

    assert reset_usage(engine, MONTH) == 2
    first = rows(engine)
    with session_scope(engine) as session:
        ids = sorted(session.scalars(select(UsageRecord.id)))
    assert reset_usage(engine, MONTH) == 2

    assert rows(engine) == first == {("a", MONTH): (0, 0, 0, 0), ("b", MONTH): (0, 0, 0, 0)}
    with session_scope(engine) as session:
        assert sorted(session.scalars(select(UsageRecord.id))) == ids


def test_reset_without_subscribers_touches_nothing(engine: Engine) -> None:
    subscribe(engine, ("gone", SubscriptionStatus.CANCELED))
    assert reset_usage(engine, MONTH) == 0
    assert rows(engine) == {}


@pytest.mark.parametrize("month", ["2026-13", "2026-3", "March", ""])
def test_reset_rejects_bad_months_before_touching_data(engine: Engine, month: str) -> None:
    subscribe(engine, ("a", SubscriptionStatus.ACTIVE))
    with pytest.raises(ValueError, match="month must be YYYY-MM"):
        reset_usage(engine, month)
    assert rows(engine) == {}
