"""Analyses through Message Batches against the fake API on 127.0.0.1: queue, submit one batch,
poll, results JSONL with partial errors and expiry, interactive and rule-based fallbacks."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from seology_pipeline.analysis.batching import (
    BATCH_LABEL,
    collect_results,
    pending_batches,
    queue_analysis,
    queued_count,
    submit_queued,
)
from seology_pipeline.analysis.claude_api import make_client
from seology_pipeline.analysis.errors import TransientAnalysisError
from seology_pipeline.analysis.prompt import system_blocks
from seology_pipeline.db.engine import session_factory, session_scope
from seology_pipeline.db.models import (
    AnalysisRequest,
    AnalysisRequestStatus,
    Conversation,
    UsageRecord,
)
from seology_pipeline_tests.analysis.conftest import BASIC_ISSUES, NOW, claude_settings, seed_site
from seology_pipeline_tests.analysis.fake_anthropic import FakeAnthropic, fake_anthropic

OUTCOMES = {"site-ok": "succeeded", "site-err": "errored", "site-exp": "expired"}


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with fake_anthropic() as server:
        yield server


def _seed_three(session: Session) -> dict[str, int]:
    crawls = {}
    for n, site_id in enumerate(OUTCOMES):
        seeded = seed_site(
            session,
            BASIC_ISSUES,
            site_id=site_id,
            user_id=f"user-{n}",
            root_url=f"https://{site_id}.example/",
        )
        crawls[site_id] = seeded.crawl_id
    return crawls


def test_queued_analyses_go_out_in_one_batch_and_come_back_with_fallbacks(
    any_session: Session, fake: FakeAnthropic
) -> None:
    session = any_session
    settings = claude_settings(base_url=fake.base_url, max_retries=0)
    client = make_client(settings)
    assert client is not None
    crawls = _seed_three(session)
    for site_id, crawl_id in crawls.items():
        queue_analysis(session, site_id, crawl_id, NOW, run_id="run-1")
    queue_analysis(session, "site-ok", crawls["site-ok"], NOW, run_id="run-2")
    assert queued_count(session) == 3, "one queued request a site"

    submitted = submit_queued(session, settings, client, NOW, limit=100)
    assert submitted.submitted == 3 and submitted.batch_id == "msgbatch_0001"
    batch = fake.state.batches["msgbatch_0001"]
    assert len(fake.state.batches) == 1 and len(batch.requests) == 3
    assert all(r["params"]["system"] == system_blocks() for r in batch.requests)
    assert fake.state.messages == [], "nothing went to the interactive endpoint"
    assert queued_count(session) == 0 and pending_batches(session) == ["msgbatch_0001"]

    # First poll: still in progress, nothing stored.
    assert collect_results(session, settings, client, NOW, 100, 5) == []
    assert session.scalars(select(Conversation)).all() == []

    # Ended: the site whose request expired finds Claude overloaded for the interactive retry.
    id_to_site = {f"analysis-{r.id}": r.site_id for r in session.scalars(select(AnalysisRequest))}
    fake.state.batch_outcome = lambda custom_id: OUTCOMES[id_to_site[custom_id]]
    fake.state.messages_status = lambda body: 529 if "site-exp" in json.dumps(body) else 200
    # One interactive retry per call at most: the first call stores the batch's answer and
    # one fallback, the second the other fallback.
    first = collect_results(session, settings, client, NOW, limit=100, fallback_limit=1)
    assert {a.result for a in first} == {"succeeded", "expired"}
    assert pending_batches(session) == ["msgbatch_0001"]
    second = collect_results(session, settings, client, NOW, limit=100, fallback_limit=1)
    stored = {a.site_id: a for a in first + second}

    assert set(stored) == set(OUTCOMES)
    ok = stored["site-ok"].outcome
    assert ok.analyst == "claude" and ok.batched and ok.label == BATCH_LABEL
    assert ok.message_id and ok.message_id.startswith("msg_msgbatch_0001")
    interactive_price = settings.estimated_cost(
        ok.input_tokens, ok.output_tokens,
        ok.cache_creation_input_tokens, ok.cache_read_input_tokens,
    )  # fmt: skip
    assert ok.estimated_cost_usd == pytest.approx(interactive_price / 2, abs=1e-6)  # 6 digits
    assert ok.cache_creation_input_tokens + ok.cache_read_input_tokens >= 1024

    errored = stored["site-err"]
    assert errored.result == "errored" and errored.outcome.analyst == "claude"
    assert not errored.outcome.batched and "interactive" in errored.outcome.label
    assert "errored" in errored.outcome.label

    expired = stored["site-exp"]
    assert expired.result == "expired" and expired.outcome.analyst == "degraded"
    assert expired.outcome.label.startswith(
        "Rule-based analysis (not AI; the batch request expired"
    )
    assert expired.outcome.degraded_reason and "interactive retry failed" in (
        expired.outcome.degraded_reason
    )
    assert expired.outcome.estimated_cost_usd == 0

    requests = session.scalars(select(AnalysisRequest)).all()
    assert {r.status for r in requests} == {AnalysisRequestStatus.DONE}
    assert all(r.conversation_id for r in requests)
    assert pending_batches(session) == []
    assert len(fake.state.messages) == 2, "one interactive retry each for errored and expired"
    conversation = session.get(Conversation, ok.conversation_id)
    assert conversation is not None and conversation.batched
    assert conversation.result["batch"] == {
        "batch_id": "msgbatch_0001",
        "result": "succeeded",
        "fallback": None,
    }
    usage = session.scalar(select(UsageRecord).where(UsageRecord.user_id == "user-0"))
    assert usage is not None and usage.analyses == 1 and usage.ai_tokens > 0
    # A later poll finds nothing left to do.
    assert collect_results(session, settings, client, NOW, 100, 5) == []


def test_a_failed_batch_creation_leaves_every_request_queued(
    engine: Engine, fake: FakeAnthropic
) -> None:
    settings = claude_settings(base_url=fake.base_url, max_retries=0)
    client = make_client(settings)
    assert client is not None
    with session_factory(engine)() as session:  # seed_site commits
        crawls = _seed_three(session)
        for site_id, crawl_id in crawls.items():
            queue_analysis(session, site_id, crawl_id, NOW)
        session.commit()
    fake.state.batches_status = 500
    with pytest.raises(TransientAnalysisError, match="500"), session_scope(engine) as session:
        submit_queued(session, settings, client, NOW, limit=100)
    with session_scope(engine) as session:
        assert queued_count(session) == 3
        assert session.scalars(select(Conversation)).all() == []


def test_a_site_over_its_quota_is_refused_not_sent(session: Session, fake: FakeAnthropic) -> None:
    settings = claude_settings(base_url=fake.base_url, max_retries=0)
    client = make_client(settings)
    assert client is not None
    seeded = seed_site(session, BASIC_ISSUES, plan="free")
    session.add(UsageRecord(user_id=seeded.user_id, month="2026-11", analyses=4))
    queue_analysis(session, seeded.site_id, seeded.crawl_id, NOW)
    outcome = submit_queued(session, settings, client, NOW, limit=100)
    assert (outcome.submitted, outcome.refused, outcome.batch_id) == (0, 1, None)
    request = session.scalars(select(AnalysisRequest)).one()
    assert request.status == AnalysisRequestStatus.REFUSED and request.error
    assert fake.state.batches == {}
