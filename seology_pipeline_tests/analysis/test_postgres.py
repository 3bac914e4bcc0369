"""Storage and idempotency on PostgreSQL (JSONB, the upsert of usage counters, one transaction)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest
from sqlalchemy import Engine, func, select

from seology_pipeline.analysis.analyst import analyse_site
from seology_pipeline.analysis.errors import TransientAnalysisError
from seology_pipeline.db.engine import session_factory, session_scope
from seology_pipeline.db.models import Conversation, Message, UsageRecord
from seology_pipeline_tests.analysis.conftest import (
    BASIC_ISSUES,
    NOW,
    FakeMessagesAPI,
    claude_settings,
    mock_client,
    seed_site,
)
from seology_pipeline_tests.databases import migrated_engine, temporary_pg_database


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    with temporary_pg_database("seology_analysis") as url, migrated_engine(url) as engine:
        yield engine


def test_analysis_is_stored_once_and_reused_across_transactions(pg_engine: Engine) -> None:
    with session_factory(pg_engine)() as session:  # seed_site commits
        seeded = seed_site(session, BASIC_ISSUES)
    api = FakeMessagesAPI()
    settings = claude_settings()
    client = mock_client(settings, api)

    with session_scope(pg_engine) as session:
        first = analyse_site(session, seeded.site_id, seeded.crawl_id, settings, client, NOW)
    with session_scope(pg_engine) as session:
        second = analyse_site(session, seeded.site_id, seeded.crawl_id, settings, client, NOW)

    assert first.analyst == "claude" and not first.reused
    assert second.reused and second.conversation_id == first.conversation_id
    assert len(api.message_bodies) == 1
    with session_scope(pg_engine) as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 1
        assert session.scalar(select(func.count()).select_from(Message)) == 3
        stored = session.get(Conversation, first.conversation_id)
        assert stored.result["analysis"]["actions"][0]["issue_ids"] == seeded.issue_ids[:2]
        assert stored.messages[1].content_json["totals"]["open_issues"] == 5
        usage = session.scalar(select(UsageRecord))
        assert (usage.analyses, usage.ai_tokens) == (1, 2300)


def test_a_failed_call_leaves_no_partial_rows(pg_engine: Engine) -> None:
    with session_factory(pg_engine)() as session:  # seed_site commits
        seeded = seed_site(session, BASIC_ISSUES)

    def overloaded(body: dict, attempt: int) -> httpx2.Response:
        return httpx2.Response(529, headers={"retry-after-ms": "1"}, json={"type": "error"})

    settings = claude_settings(max_retries=0)
    client = mock_client(settings, FakeMessagesAPI(respond=overloaded))
    with pytest.raises(TransientAnalysisError), session_scope(pg_engine) as session:
        analyse_site(session, seeded.site_id, seeded.crawl_id, settings, client, NOW)
    with session_scope(pg_engine) as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0
        assert session.scalar(select(UsageRecord)).analyses == 0  # reservation handed back
