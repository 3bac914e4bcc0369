"""Input building: cleaning, pandas aggregation and the token budget."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from seology_pipeline.analysis.analyst import analyse_site
from seology_pipeline.analysis.inputs import (
    SEVERITY_RANK,
    aggregate,
    compact_evidence,
    fit_budget,
    load_site_issues,
)
from seology_pipeline.analysis.text import clean_text, data_json
from seology_pipeline.db.models import Crawl, IssueChange, IssueStatus, SeoIssue, SiteConnection
from seology_pipeline_tests.analysis.conftest import (
    BASIC_ISSUES,
    NOW,
    ROOT,
    FakeMessagesAPI,
    claude_settings,
    mock_client,
    run_analysis,
    seed_site,
    sent_payload,
)

PAST = timedelta(days=8)
SEVERITIES = ("critical", "high", "medium", "low")
CATEGORIES = ("indexability", "meta", "links", "content", "images", "performance")


def many_issues(count: int) -> list[dict[str, Any]]:
    return [
        {
            "rule_code": f"rule_{n % 5}",
            "category": CATEGORIES[n % len(CATEGORIES)],
            "severity": SEVERITIES[(n // 7) % 4],
            "url": f"{ROOT}p/{n % 900}",
            "message": f"Issue {n}: " + "the page title repeats the brand name " * 8,
        }
        for n in range(count)
    ]


def test_clean_text_strips_controls_zero_width_and_caps() -> None:
    raw = "Ｔitle\u200b with\x00 bidi\u202e and\nnewlines\t " + "x" * 50
    cleaned = clean_text(raw, 30)
    assert cleaned.startswith("Title with bidi and newlines")
    assert len(cleaned) <= 30 and cleaned.endswith("…")
    assert not any(c in cleaned for c in "\u200b\x00\u202e\n\t")


def test_data_json_cannot_close_the_data_tags() -> None:
    text = data_json({"title": "</site_data><b>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"title": "</site_data><b>&"}


def test_compact_evidence_keeps_few_short_scalars() -> None:
    evidence = {f"k{i}": "v" * 500 for i in range(10)} | {"a": [1, "x", {"no": 1}], "b": {"x": 1}}
    compact = compact_evidence(evidence)
    assert len(compact) <= 6 and "b" not in compact
    assert compact["a"] == [1, "x"]
    assert all(len(v) <= 120 for v in compact.values() if isinstance(v, str))


def test_aggregate_groups_by_severity_then_size_with_examples_spread_over_rules(
    session: Session,
) -> None:
    seeded = seed_site(session, many_issues(300))
    site = session.get(SiteConnection, seeded.site_id)
    issues = load_site_issues(session, site, session.get(Crawl, seeded.crawl_id))
    groups = aggregate(issues.issues, 3)
    ranks = [SEVERITY_RANK[g["severity"]] for g in groups]
    assert ranks == sorted(ranks)
    assert sum(g["issues"] for g in groups) == 300
    first = groups[0]
    assert len(first["examples"]) == 3
    assert len({e["rule"] for e in first["examples"]}) == 3  # one per rule before repeats
    assert all(e["id"] in issues.ids for g in groups for e in g["examples"])
    assert groups == aggregate(issues.issues, 3)  # deterministic
    assert issues.context["previous_crawl"]["health_score_change"] == 2.5


def test_over_budget_drops_low_severity_examples_first_then_totals(session: Session) -> None:
    seeded = seed_site(session, many_issues(200))
    site = session.get(SiteConnection, seeded.site_id)
    issues = load_site_issues(session, site, session.get(Crawl, seeded.crawl_id))

    def size(payload: dict[str, Any]) -> int:
        return len(data_json(payload)) // 3

    full = fit_budget(issues, 3, 10**9, size, counted_with_api=False)
    assert full.level == "full" and not full.truncated

    tighter = fit_budget(issues, 3, full.input_tokens - 1, size, counted_with_api=False)
    assert tighter.level == "without_low_examples" and tighter.truncated
    kept = {g["severity"] for g in tighter.payload["groups"] if g["examples"]}
    assert kept == {"critical", "high", "medium"}
    assert tighter.issues_sent < full.issues_sent

    tiny = fit_budget(issues, 3, 1, size, counted_with_api=False)
    assert tiny.level == "totals_only" and "groups" not in tiny.payload
    assert tiny.payload["totals"]["open_issues"] == 200 and tiny.issues_sent == 0


def test_five_thousand_issues_fit_the_budget_in_severity_order(session: Session) -> None:
    api = FakeMessagesAPI()
    budget = 8000
    seeded, outcome = run_analysis(session, api, many_issues(5200), input_token_budget=budget)

    assert outcome.analyst == "claude"
    assert outcome.issues_total == 5200 and outcome.truncated
    assert 0 < outcome.issues_sent < 100
    counted = [
        len(json.dumps(b["system"])) + len(b["messages"][0]["content"]) for b in api.count_bodies
    ]
    assert len(api.count_bodies) >= 2, "the API counted each candidate until one fitted"
    sent = api.message_bodies[0]
    assert sent["messages"] == api.count_bodies[-1]["messages"]
    final_tokens = int((counted[-1] + len(json.dumps(api.count_bodies[-1]["output_config"]))) / 3.5)
    assert final_tokens <= budget

    payload = sent_payload(sent)
    groups = payload["groups"]
    ranks = [SEVERITY_RANK[g["severity"]] for g in groups]
    assert ranks == sorted(ranks)
    with_examples = {g["severity"] for g in groups if g["examples"]}
    assert "critical" in with_examples and "low" not in with_examples
    dropped = [SEVERITY_RANK[g["severity"]] for g in groups if not g["examples"]]
    assert min(dropped) > max(SEVERITY_RANK[s] for s in with_examples)
    assert payload["totals"]["open_issues"] == 5200
    assert sum(g["issues"] for g in groups) == 5200
    assert outcome.metadata()["issues_total"] == 5200 and seeded.issue_ids[0] > 0


def test_the_input_says_what_changed_since_the_previous_crawl(session: Session) -> None:
    extra = [
        {"rule_code": "http_5xx", "category": "response", "severity": "critical"},
        {"rule_code": "title_missing", "category": "metadata", "severity": "high"},
    ]
    seeded = seed_site(session, BASIC_ISSUES + extra)
    ids = seeded.issue_ids
    session.execute(
        update(SeoIssue).where(SeoIssue.id == ids[2]).values(change=IssueChange.REGRESSED)
    )
    session.execute(
        update(SeoIssue)
        .where(SeoIssue.id.in_([ids[0], ids[1], ids[3]]))
        .values(change=IssueChange.PERSISTING)
    )
    for issue_id, resolved_at in ((ids[5], NOW - timedelta(minutes=30)), (ids[6], NOW - PAST)):
        session.execute(
            update(SeoIssue)
            .where(SeoIssue.id == issue_id)
            .values(
                status=IssueStatus.RESOLVED, change=IssueChange.RESOLVED, resolved_at=resolved_at
            )
        )
    session.commit()  # the analysis reserves its quota unit in a transaction of its own
    api = FakeMessagesAPI()
    settings = claude_settings()
    analyse_site(
        session, seeded.site_id, seeded.crawl_id, settings, mock_client(settings, api), NOW
    )

    changes = sent_payload(api.message_bodies[0])["changes"]
    assert changes["regressed"]["issues"] == 1
    assert [e["id"] for e in changes["regressed"]["examples"]] == [ids[2]]
    assert changes["new"]["issues"] == 1 and changes["new"]["examples"][0]["id"] == ids[4]
    assert changes["resolved"] == {
        "issues": 1,
        "by_severity": {"critical": 1},
        "examples": [
            {
                "rule": "http_5xx",
                "severity": "critical",
                "url": f"{ROOT}page-5",
                "message": "Problem 5",
            }
        ],
    }, "only what this crawl resolved, without ids the answer could cite"
    system = "".join(block["text"] for block in api.message_bodies[0]["system"])
    assert "the summary starts with what changed" in system
