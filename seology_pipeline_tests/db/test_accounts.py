"""Plan quotas and usage counters."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from seology_pipeline.accounts import (
    QuotaExceededError,
    check_analysis_quota,
    check_crawl_quota,
    increment_usage,
)
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Subscription, SubscriptionStatus, UsageRecord, User

MONTH = "2026-11"


def _user(engine: Engine, status: SubscriptionStatus = SubscriptionStatus.ACTIVE) -> None:
    with session_scope(engine) as session:
        session.add(User(id="u1"))
        session.flush()
        session.add(Subscription(user_id="u1", plan_code="free", status=status))


def test_increments_accumulate_in_one_row(app_engine: Engine) -> None:
    _user(app_engine)
    for _ in range(3):
        with session_scope(app_engine) as session:
            increment_usage(session, "u1", MONTH, crawls=1, pages=40)
    with session_scope(app_engine) as session:
        increment_usage(session, "u1", MONTH, ai_tokens=1234)
        row = session.scalars(select(UsageRecord)).one()
    assert (row.crawls, row.pages, row.ai_tokens, row.analyses) == (3, 120, 1234, 0)


def test_unknown_counter_is_rejected(app_engine: Engine) -> None:
    with (
        pytest.raises(ValueError, match="unknown usage counters"),
        session_scope(app_engine) as session,
    ):
        increment_usage(session, "u1", MONTH, bananas=1)


def test_crawl_quota_caps_pages_and_refuses_past_the_limit(app_engine: Engine) -> None:
    _user(app_engine)
    with session_scope(app_engine) as session:
        allowance = check_crawl_quota(session, "u1", 5000, MONTH)
        assert allowance.max_pages == 100 and allowance.plan_code == "free"
        increment_usage(session, "u1", MONTH, crawls=4)
    with (
        pytest.raises(QuotaExceededError, match="4 crawls a month"),
        session_scope(app_engine) as session,
    ):
        check_crawl_quota(session, "u1", 10, MONTH)
    with session_scope(app_engine) as session:
        assert check_crawl_quota(session, "u1", 10, "2026-12").crawls_used == 0


def test_analysis_quota(app_engine: Engine) -> None:
    _user(app_engine)
    with session_scope(app_engine) as session:
        check_analysis_quota(session, "u1", MONTH)
        increment_usage(session, "u1", MONTH, analyses=4)
    with pytest.raises(QuotaExceededError, match="analyses"), session_scope(app_engine) as session:
        check_analysis_quota(session, "u1", MONTH)


def test_no_active_subscription_means_no_quota(app_engine: Engine) -> None:
    _user(app_engine, SubscriptionStatus.CANCELED)
    with (
        pytest.raises(QuotaExceededError, match="no active subscription"),
        session_scope(app_engine) as session,
    ):
        check_crawl_quota(session, "u1", 10, MONTH)
