"""Analyses nobody waits for, through the Message Batches API at half price.

Three steps, each in the caller's session (no commit): :func:`queue_analysis` notes a site's
crawl for analysis; :func:`submit_queued` fits every queued site's input and sends them all in one
batch; :func:`collect_results` reads each ended batch and stores every site's analysis. A request
that errored, expired or was canceled falls back to an interactive request, and when Claude is
unavailable to the rule-based analyst; either way the stored analysis is labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seology_pipeline.accounts import QuotaExceededError, check_analysis_quota, month_key
from seology_pipeline.activity import record_audit
from seology_pipeline.analysis.analyst import (
    AnalysisOutcome,
    apply_claude_reply,
    find_or_start,
    fit_claude_input,
    store_analysis,
)
from seology_pipeline.analysis.batch_api import BatchItem, batch_ended, batch_results, create_batch
from seology_pipeline.analysis.claude_api import (
    ClaudeReply,
    reply_from_message,
    request_analysis,
    request_params,
)
from seology_pipeline.analysis.errors import AnalysisError
from seology_pipeline.analysis.inputs import FittedInput, load_site_issues
from seology_pipeline.analysis.settings import AnalysisSettings
from seology_pipeline.db.models import (
    AnalysisRequest,
    AnalysisRequestStatus,
    Conversation,
    Crawl,
    SiteConnection,
)

if TYPE_CHECKING:
    import anthropic

BATCH_LABEL = "AI analysis (Claude, Message Batch)"
CUSTOM_ID_PREFIX = "analysis-"


@dataclass(frozen=True, slots=True)
class SubmitOutcome:
    """What one submit step did."""

    batch_id: str | None
    submitted: int
    reused: int
    refused: int


@dataclass(frozen=True, slots=True)
class BatchedAnalysis:
    """One analysis stored from a batch (or its fallback), for the site's materialization."""

    site_id: str
    batch_id: str
    result: str  # succeeded | errored | expired | canceled | missing
    outcome: AnalysisOutcome


def queue_analysis(
    session: Session, site_id: str, crawl_id: int, now: datetime, run_id: str | None = None
) -> AnalysisRequest:
    """Queue the analysis of ``crawl_id``; a site has at most one queued request (the newest
    crawl wins)."""
    request = session.scalar(
        select(AnalysisRequest).where(
            AnalysisRequest.site_id == site_id,
            AnalysisRequest.status == AnalysisRequestStatus.QUEUED,
        )
    )
    if request is None:
        request = AnalysisRequest(site_id=site_id, status=AnalysisRequestStatus.QUEUED)
        session.add(request)
    request.crawl_id = crawl_id
    request.queued_at = now
    request.run_id = run_id
    session.flush()
    return request


def queued_count(session: Session) -> int:
    """How many analyses wait to be submitted."""
    return (
        session.scalar(
            select(func.count()).where(AnalysisRequest.status == AnalysisRequestStatus.QUEUED)
        )
        or 0
    )


def _refuse(session: Session, request: AnalysisRequest, reason: str, now: datetime) -> None:
    request.status = AnalysisRequestStatus.REFUSED
    request.error = reason
    request.finished_at = now
    site = session.get(SiteConnection, request.site_id)
    record_audit(
        session,
        "analysis.refused",
        user_id=site.user_id if site else None,
        site_id=request.site_id,
        run_id=request.run_id,
        reason=reason,
    )


def submit_queued(
    session: Session,
    settings: AnalysisSettings,
    client: anthropic.Anthropic,
    now: datetime,
    limit: int,
) -> SubmitOutcome:
    """Fit the input of up to ``limit`` queued analyses and send them in one Message Batch.

    A site whose identical analysis is already stored is done at once; one over its plan's
    analysis quota is refused. If the batch cannot be created the error propagates and, the
    caller's transaction rolled back, every request stays queued.
    """
    queued = session.scalars(
        select(AnalysisRequest)
        .where(AnalysisRequest.status == AnalysisRequestStatus.QUEUED)
        .order_by(AnalysisRequest.id)
        .limit(limit)
    ).all()
    batch_requests: list[dict[str, Any]] = []
    sent: list[AnalysisRequest] = []
    reused = refused = 0
    for request in queued:
        site = session.get(SiteConnection, request.site_id)
        crawl = session.get(Crawl, request.crawl_id) if request.crawl_id is not None else None
        if site is None or not site.is_active or crawl is None:
            _refuse(session, request, "the site or its crawl is gone or inactive", now)
            refused += 1
            continue
        issues = load_site_issues(session, site, crawl)
        conversation, stored = find_or_start(session, site, issues, settings, now)
        if stored is not None or conversation.model is None:
            # Stored already, or nothing for Claude to analyse: the interactive path answers.
            request.status = AnalysisRequestStatus.DONE
            request.conversation_id = stored.id if stored is not None else None
            request.finished_at = now
            reused += 1
            continue
        try:
            check_analysis_quota(session, site.user_id, month_key(now))
        except QuotaExceededError as exc:
            _refuse(session, request, str(exc), now)
            refused += 1
            continue
        fitted, prompt = fit_claude_input(issues, settings, client)
        request.request = {
            "model": settings.model,
            "prompt_version": conversation.prompt_version,
            "input_hash": conversation.input_hash,
            "prompt": prompt,
            "fitted": _fitted_record(fitted),
        }
        batch_requests.append(
            {
                "custom_id": f"{CUSTOM_ID_PREFIX}{request.id}",
                "params": request_params(settings, prompt),
            }
        )
        sent.append(request)
    batch_id = create_batch(client, batch_requests) if batch_requests else None
    for request in sent:
        request.status = AnalysisRequestStatus.SUBMITTED
        request.batch_id = batch_id
        request.submitted_at = now
    session.flush()
    return SubmitOutcome(batch_id=batch_id, submitted=len(sent), reused=reused, refused=refused)


def _fitted_record(fitted: FittedInput) -> dict[str, Any]:
    return {
        "payload": fitted.payload,
        "level": fitted.level,
        "input_tokens": fitted.input_tokens,
        "counted_with_api": fitted.counted_with_api,
        "sent_ids": sorted(fitted.sent_ids),
        "issues_total": fitted.issues_total,
    }


def _fitted(record: dict[str, Any]) -> FittedInput:
    return FittedInput(
        payload=record["payload"],
        level=record["level"],
        input_tokens=record["input_tokens"],
        counted_with_api=record["counted_with_api"],
        sent_ids=frozenset(record["sent_ids"]),
        issues_total=record["issues_total"],
    )


def pending_batches(session: Session) -> list[str]:
    """Ids of the batches that still owe results."""
    return list(
        session.scalars(
            select(AnalysisRequest.batch_id)
            .where(
                AnalysisRequest.status == AnalysisRequestStatus.SUBMITTED,
                AnalysisRequest.batch_id.is_not(None),
            )
            .distinct()
            .order_by(AnalysisRequest.batch_id)
        )
    )


def collect_results(
    session: Session,
    settings: AnalysisSettings,
    client: anthropic.Anthropic,
    now: datetime,
    limit: int,
    fallback_limit: int,
    run_id: str | None = None,
) -> list[BatchedAnalysis]:
    """Store up to ``limit`` analyses of ended batches, at most ``fallback_limit`` of them by an
    interactive retry; the rest stay submitted for the next call (results stay readable for 29
    days). Batches still in progress are left alone."""
    stored: list[BatchedAnalysis] = []
    fallbacks = 0
    for batch_id in pending_batches(session):
        if len(stored) >= limit:
            break
        if not batch_ended(client, batch_id):
            continue
        requests = {
            f"{CUSTOM_ID_PREFIX}{request.id}": request
            for request in session.scalars(
                select(AnalysisRequest).where(
                    AnalysisRequest.batch_id == batch_id,
                    AnalysisRequest.status == AnalysisRequestStatus.SUBMITTED,
                )
            )
        }
        items = [item for item in batch_results(client, batch_id) if item.custom_id in requests]
        answered = {item.custom_id for item in items}
        items += [BatchItem(key, "missing") for key in requests if key not in answered]
        for item in items:
            if len(stored) >= limit:
                break
            if item.message is None:
                if fallbacks >= fallback_limit:
                    continue
                fallbacks += 1
            analysis = _store_result(
                session, requests[item.custom_id], item, settings, client, now, run_id
            )
            if analysis is not None:
                stored.append(analysis)
    return stored


def _store_result(
    session: Session,
    request: AnalysisRequest,
    item: BatchItem,
    settings: AnalysisSettings,
    client: anthropic.Anthropic,
    now: datetime,
    run_id: str | None,
) -> BatchedAnalysis | None:
    site = session.get(SiteConnection, request.site_id)
    crawl = session.get(Crawl, request.crawl_id) if request.crawl_id is not None else None
    if site is None or crawl is None or request.request is None:
        _refuse(session, request, "the site or its crawl is gone", now)
        return None
    record = request.request
    issues = load_site_issues(session, site, crawl)
    fitted = _fitted(record["fitted"])
    prompt: str = record["prompt"]
    conversation = Conversation(
        site_id=site.id,
        user_id=site.user_id,
        crawl_id=crawl.id,
        created_at=now,
        model=record["model"],
        prompt_version=record["prompt_version"],
        input_hash=record["input_hash"],
        issues_total=issues.total,
        input_tokens=0,
        output_tokens=0,
        cache_creation_input_tokens=0,
        cache_read_input_tokens=0,
        estimated_cost_usd=0.0,
    )
    fallback: str | None = None
    if item.message is not None:
        reply: ClaudeReply | None = reply_from_message(item.message)
        apply_claude_reply(
            conversation,
            issues,
            fitted,
            prompt,
            reply,
            settings,
            now,
            batched=True,
            label=BATCH_LABEL,
        )
    else:
        why = f"the batch request {item.state}" + (f" ({item.error})" if item.error else "")
        try:
            reply = request_analysis(client, settings, prompt)
            fallback = "interactive"
            label = f"AI analysis (Claude, interactive: {why})"
            problem = None
        except AnalysisError as exc:
            reply, fallback = None, "rule-based"
            label = f"Rule-based analysis (not AI; {why} and Claude was unavailable)"
            problem = f"{why}; interactive retry failed: {exc}"
        apply_claude_reply(
            conversation, issues, fitted, prompt, reply, settings, now, label=label, problem=problem
        )
    conversation.result = conversation.result | {
        "batch": {"batch_id": request.batch_id, "result": item.state, "fallback": fallback}
    }
    outcome = store_analysis(session, site, conversation, run_id or request.run_id)
    request.status = AnalysisRequestStatus.DONE
    request.conversation_id = outcome.conversation_id
    request.finished_at = now
    request.error = item.error
    return BatchedAnalysis(
        site_id=site.id, batch_id=request.batch_id or "", result=item.state, outcome=outcome
    )
