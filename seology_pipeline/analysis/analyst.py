"""The entry point of a site analysis: quota, input, reuse, Claude or rule-based, storage.

:func:`analyse_site` works inside the caller's session and never commits: the conversation, its
messages, the usage counters, the audit entry and the notification land in one transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from seology_pipeline.accounts import (
    increment_usage,
    month_key,
    release_analysis,
    reserve_analysis,
)
from seology_pipeline.activity import notify, record_audit
from seology_pipeline.analysis.claude_api import (
    ClaudeReply,
    count_request_tokens,
    estimate_request_tokens,
    request_analysis,
)
from seology_pipeline.analysis.errors import AnalysisConfigError
from seology_pipeline.analysis.inputs import (
    LEVELS,
    FittedInput,
    SiteIssues,
    aggregate,
    fit_budget,
    input_hash,
    load_site_issues,
    payload_at_level,
)
from seology_pipeline.analysis.offline import LABEL as OFFLINE_LABEL
from seology_pipeline.analysis.offline import OFFLINE_VERSION, rule_based_analysis
from seology_pipeline.analysis.prompt import PROMPT_VERSION, SYSTEM_PROMPT, user_message
from seology_pipeline.analysis.schema import (
    SiteAnalysis,
    render_markdown,
    site_hosts,
    validate_analysis,
)
from seology_pipeline.analysis.settings import AnalysisSettings
from seology_pipeline.analysis.text import data_json
from seology_pipeline.db.models import Conversation, Crawl, Message, MessageRole, SiteConnection
from seology_pipeline.wording import without_label

if TYPE_CHECKING:
    import anthropic

CLAUDE_LABEL = "AI analysis (Claude)"
DEGRADED_LABEL = "Rule-based analysis (not AI; Claude's answer was unusable)"
OFFLINE_SYSTEM = (
    f"{OFFLINE_LABEL}, {OFFLINE_VERSION}: one action per audit rule, ranked by severity weight "
    "× share of crawled pages affected ÷ typical effort of the category."
)
SENT_IDS_STORED = 500


@dataclass(frozen=True, slots=True)
class AnalysisOutcome:
    """What one analysis did; :meth:`metadata` is ready for Dagster materialization metadata."""

    analyst: str  # claude | offline | degraded | skipped
    reused: bool
    conversation_id: int | None
    issues_analyzed: int
    label: str = ""
    summary: str = ""
    actions: int = 0
    model: str | None = None
    message_id: str | None = None
    stop_reason: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    estimated_cost_usd: float = 0.0
    prompt_version: str | None = None
    input_hash: str | None = None
    issues_sent: int = 0
    issues_total: int = 0
    truncated: bool = False
    degraded_reason: str | None = None
    batched: bool = False

    def metadata(self) -> dict[str, Any]:
        """JSON-safe values (strings, numbers, booleans, None), old result fields included."""
        values = asdict(self)
        values["conversationId"] = self.conversation_id
        values["issuesAnalyzed"] = self.issues_analyzed
        return values

    def markdown(self) -> str:
        """A short Markdown summary for the Dagster UI."""
        if self.analyst == "skipped":
            return "Analysis skipped (`SEOLOGY_ANALYSIS_MODE=skip`)."
        lines = [
            f"**{self.label}**{' (reused)' if self.reused else ''}",
            "",
            self.summary,
            "",
            f"- actions: {self.actions}; issues sent/total: {self.issues_sent}/"
            f"{self.issues_total}{' (truncated)' if self.truncated else ''}",
        ]
        if self.model:
            lines.append(
                f"- model `{self.model}`, tokens in/out {self.input_tokens}/{self.output_tokens}"
                f", cache write/read {self.cache_creation_input_tokens}/"
                f"{self.cache_read_input_tokens}, ~${self.estimated_cost_usd:.4f}"
                f"{' (Message Batch, half price)' if self.batched else ''}"
            )
        if self.degraded_reason:
            lines.append(f"- Claude's answer was not used: {self.degraded_reason}")
        return "\n".join(lines)


def analyse_site(
    session: Session,
    site_id: str,
    crawl_id: int,
    settings: AnalysisSettings,
    client: anthropic.Anthropic | None,
    now: datetime,
    run_id: str | None = None,
) -> AnalysisOutcome:
    """Analyse the open issues of ``site_id`` after crawl ``crawl_id``; store it; no commit.

    An identical stored analysis (same site, crawl, prompt version, model and issues) is
    reused without any API call and without counting against the quota. Otherwise one analysis
    of the plan's monthly limit is reserved and committed first (``QuotaExceededError`` when
    none is left) and handed back if the analysis fails.
    Raises :class:`TransientAnalysisError` (retry later) or :class:`AnalysisConfigError`.
    """
    site = session.get(SiteConnection, site_id)
    if site is None:
        raise ValueError(f"site {site_id!r} does not exist")
    crawl = session.get(Crawl, crawl_id)
    if crawl is None or crawl.site_id != site_id:
        raise ValueError(f"crawl {crawl_id} does not belong to site {site_id!r}")
    if settings.analyst == "skip":
        return AnalysisOutcome(
            analyst="skipped", reused=False, conversation_id=None, issues_analyzed=0
        )
    if settings.analyst == "claude" and client is None:
        raise AnalysisConfigError("Claude analysis needs a client; set ANTHROPIC_API_KEY")

    issues = load_site_issues(session, site, crawl)
    conversation, stored = find_or_start(session, site, issues, settings, now)
    if stored is not None:
        return _outcome(stored, reused=True)

    # Reserved (and committed) before the call, so concurrent analyses stay within the plan;
    # handed back if the analysis fails.
    month = month_key(now)
    engine = session.get_bind()
    reserve_analysis(engine, site.user_id, month)
    try:
        if conversation.model is not None:
            assert client is not None
            fitted, prompt = fit_claude_input(issues, settings, client)
            reply = request_analysis(client, settings, prompt)
            apply_claude_reply(conversation, issues, fitted, prompt, reply, settings, now)
        else:
            _run_offline(conversation, issues, settings, now)
        return store_analysis(session, site, conversation, run_id, reserved=True)
    except BaseException:
        release_analysis(engine, site.user_id, month)
        raise


def find_or_start(
    session: Session,
    site: SiteConnection,
    issues: SiteIssues,
    settings: AnalysisSettings,
    now: datetime,
) -> tuple[Conversation, Conversation | None]:
    """A new, empty conversation for ``issues`` and the stored identical analysis, if any.

    The new conversation's ``model`` is None when the rule-based analyst answers (no issues, or
    settings without Claude).
    """
    use_claude = settings.analyst == "claude" and issues.total > 0
    model = settings.model if use_claude else None
    prompt_version = PROMPT_VERSION if use_claude else OFFLINE_VERSION
    digest = input_hash(
        issues, prompt_version, model, settings.input_token_budget, settings.examples_per_group
    )
    stored = session.scalar(
        select(Conversation)
        .where(
            Conversation.site_id == site.id,
            Conversation.crawl_id == issues.crawl_id,
            Conversation.prompt_version == prompt_version,
            Conversation.model.is_(None) if model is None else Conversation.model == model,
            Conversation.input_hash == digest,
        )
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    conversation = Conversation(
        site_id=site.id,
        user_id=site.user_id,
        crawl_id=issues.crawl_id,
        created_at=now,
        model=model,
        prompt_version=prompt_version,
        input_hash=digest,
        issues_total=issues.total,
        input_tokens=0,
        output_tokens=0,
        cache_creation_input_tokens=0,
        cache_read_input_tokens=0,
        estimated_cost_usd=0.0,
        batched=False,
    )
    return conversation, stored


def store_analysis(
    session: Session,
    site: SiteConnection,
    conversation: Conversation,
    run_id: str | None,
    *,
    reserved: bool = False,
) -> AnalysisOutcome:
    """Add a completed conversation; count its usage (the analysis itself unless ``reserved``
    already counted it), audit it and notify the owner."""
    session.add(conversation)
    session.flush()
    tokens = (
        conversation.input_tokens
        + conversation.output_tokens
        + conversation.cache_creation_input_tokens
        + conversation.cache_read_input_tokens
    )
    increment_usage(
        session,
        site.user_id,
        month_key(conversation.created_at),
        analyses=0 if reserved else 1,
        ai_tokens=tokens,
    )
    outcome = _outcome(conversation, reused=False)
    record_audit(
        session,
        "analysis.completed",
        user_id=site.user_id,
        site_id=site.id,
        run_id=run_id,
        **{
            key: outcome.metadata()[key]
            for key in ("conversation_id", "analyst", "model", "degraded_reason", "batched")
        },
        tokens=tokens,
        estimated_cost_usd=conversation.estimated_cost_usd,
    )
    notify(
        session,
        "analysis_ready",
        f"SEO analysis ready for {site.name}",
        f"{outcome.label}. {without_label(outcome.summary, OFFLINE_LABEL)}"[:2000],
        user_id=site.user_id,
        site_id=site.id,
    )
    return outcome


def fit_claude_input(
    issues: SiteIssues, settings: AnalysisSettings, client: anthropic.Anthropic
) -> tuple[FittedInput, str]:
    """The payload fitted to the input token budget and the user message that carries it."""

    def count(payload: dict[str, Any]) -> int:
        text = user_message(payload)
        if settings.count_tokens:
            return count_request_tokens(client, settings, text)
        return estimate_request_tokens(text)

    fitted = fit_budget(
        issues,
        settings.examples_per_group,
        settings.input_token_budget,
        count,
        counted_with_api=settings.count_tokens,
    )
    return fitted, user_message(fitted.payload)


def apply_claude_reply(
    conversation: Conversation,
    issues: SiteIssues,
    fitted: FittedInput,
    prompt: str,
    reply: ClaudeReply | None,
    settings: AnalysisSettings,
    now: datetime,
    *,
    batched: bool = False,
    label: str = CLAUDE_LABEL,
    problem: str | None = None,
) -> None:
    """Fill ``conversation`` from Claude's reply: the validated analysis, or the rule-based one
    labelled as such when the reply is unusable or missing (then ``problem`` says why)."""
    hosts = site_hosts(issues.root_url)
    validation: dict[str, Any] | None = None
    if reply is not None and reply.output is not None:
        analysis, report = validate_analysis(reply.output, set(fitted.sent_ids), hosts)
        validation = report.as_dict()
        analyst = "claude"
        assistant_text = render_markdown(analysis, label)
        assistant_json: dict[str, Any] = analysis.model_dump(mode="json")
    else:
        problem = reply.problem if reply is not None else problem
        analysis, _ = validate_analysis(rule_based_analysis(issues), issues.ids, hosts)
        analyst, label = "degraded", DEGRADED_LABEL if reply is not None else label
        assistant_text = (reply.text if reply is not None else "") or "(no text)"
        assistant_json = {"usable": False, "reason": problem}
    conversation.analyst = analyst
    conversation.batched = batched
    if reply is not None:
        conversation.message_id = reply.message_id
        conversation.stop_reason = reply.stop_reason
        _set_usage(conversation, reply, settings, batched)
    conversation.issues_sent = fitted.issues_sent
    conversation.truncated = fitted.truncated
    conversation.result = _result(analysis, analyst, label, fitted, validation, problem)
    conversation.messages = [
        Message(
            position=0,
            role=MessageRole.SYSTEM,
            content=SYSTEM_PROMPT,
            content_json={"prompt_version": PROMPT_VERSION, "cache_control": "ephemeral"},
            created_at=now,
        ),
        Message(
            position=1,
            role=MessageRole.USER,
            content=prompt,
            content_json=fitted.payload,
            created_at=now,
        ),
        Message(
            position=2,
            role=MessageRole.ASSISTANT,
            content=assistant_text,
            content_json=assistant_json,
            created_at=now,
        ),
    ]


def _set_usage(
    conversation: Conversation, reply: ClaudeReply, settings: AnalysisSettings, batched: bool
) -> None:
    conversation.input_tokens = reply.input_tokens
    conversation.output_tokens = reply.output_tokens
    conversation.cache_creation_input_tokens = reply.cache_creation_input_tokens
    conversation.cache_read_input_tokens = reply.cache_read_input_tokens
    conversation.estimated_cost_usd = settings.estimated_cost(
        reply.input_tokens,
        reply.output_tokens,
        reply.cache_creation_input_tokens,
        reply.cache_read_input_tokens,
        batched=batched,
    )


def _run_offline(
    conversation: Conversation, issues: SiteIssues, settings: AnalysisSettings, now: datetime
) -> None:
    groups = aggregate(issues.issues, settings.examples_per_group)
    payload = payload_at_level(issues, groups, LEVELS[0])
    fitted = FittedInput(
        payload=payload,
        level="full",
        input_tokens=0,
        counted_with_api=False,
        sent_ids=frozenset(issues.ids),
        issues_total=issues.total,
    )
    analysis, report = validate_analysis(
        rule_based_analysis(issues), issues.ids, site_hosts(issues.root_url)
    )
    conversation.analyst = "offline"
    conversation.issues_sent = issues.total
    conversation.truncated = False
    conversation.result = _result(
        analysis, "offline", OFFLINE_LABEL, fitted, report.as_dict(), None
    )
    conversation.messages = [
        Message(position=0, role=MessageRole.SYSTEM, content=OFFLINE_SYSTEM, created_at=now),
        Message(
            position=1,
            role=MessageRole.USER,
            content=data_json(payload),
            content_json=payload,
            created_at=now,
        ),
        Message(
            position=2,
            role=MessageRole.ASSISTANT,
            content=render_markdown(analysis, OFFLINE_LABEL),
            content_json=analysis.model_dump(mode="json"),
            created_at=now,
        ),
    ]


def _result(
    analysis: SiteAnalysis,
    analyst: str,
    label: str,
    fitted: FittedInput,
    validation: dict[str, Any] | None,
    problem: str | None,
) -> dict[str, Any]:
    return {
        "analyst": analyst,
        "label": label,
        "ai_generated": analyst == "claude",
        "degraded_reason": problem,
        "analysis": analysis.model_dump(mode="json"),
        "validation": validation,
        "input": {
            "level": fitted.level,
            "truncated": fitted.truncated,
            "input_tokens": fitted.input_tokens,
            "counted_with_api": fitted.counted_with_api,
            "groups": len(fitted.payload.get("groups", [])),
            "issues_sent": fitted.issues_sent,
            "issues_total": fitted.issues_total,
            "sent_issue_ids": sorted(fitted.sent_ids)[:SENT_IDS_STORED],
        },
    }


def _outcome(conversation: Conversation, reused: bool) -> AnalysisOutcome:
    result = conversation.result or {}
    analysis = result.get("analysis") or {}
    return AnalysisOutcome(
        analyst=conversation.analyst,
        reused=reused,
        conversation_id=conversation.id,
        issues_analyzed=conversation.issues_total,
        label=result.get("label", ""),
        summary=analysis.get("summary", ""),
        actions=len(analysis.get("actions", [])),
        model=conversation.model,
        message_id=conversation.message_id,
        stop_reason=conversation.stop_reason,
        input_tokens=conversation.input_tokens,
        output_tokens=conversation.output_tokens,
        cache_creation_input_tokens=conversation.cache_creation_input_tokens,
        cache_read_input_tokens=conversation.cache_read_input_tokens,
        estimated_cost_usd=conversation.estimated_cost_usd,
        prompt_version=conversation.prompt_version,
        input_hash=conversation.input_hash,
        issues_sent=conversation.issues_sent,
        issues_total=conversation.issues_total,
        truncated=conversation.truncated,
        degraded_reason=result.get("degraded_reason"),
        batched=conversation.batched,
    )
