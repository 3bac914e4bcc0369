"""The rule-based analyst, the auto/offline/skip modes and a site without issues."""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seology_pipeline.analysis.analyst import analyse_site
from seology_pipeline.analysis.inputs import load_site_issues
from seology_pipeline.analysis.offline import OFFLINE_VERSION, rule_based_analysis
from seology_pipeline.analysis.ranking import importance, rank_rules
from seology_pipeline.analysis.settings import AnalysisSettings
from seology_pipeline.db.models import Conversation, Crawl, SiteConnection, UsageRecord
from seology_pipeline.settings import load_settings
from seology_pipeline_tests.analysis.conftest import (
    API_KEY,
    BASIC_ISSUES,
    NOW,
    ROOT,
    FakeMessagesAPI,
    claude_settings,
    mock_client,
    seed_site,
)

RANKING_ISSUES = [
    # a low-severity issue on many pages
    *({"rule_code": "missing_alt", "category": "images", "severity": "low", "url": f"{ROOT}a{n}"}
      for n in range(30)),
    # a critical issue on one page
    {"rule_code": "noindex_page", "category": "indexability", "severity": "critical"},
    # a high-severity issue on half the site, raised to critical on the home page
    *({"rule_code": "missing_title", "category": "meta", "severity": "high", "url": f"{ROOT}t{n}"}
      for n in range(25)),
    {"rule_code": "missing_title", "category": "meta", "severity": "critical", "url": ROOT},
    # a critical issue of a costly category on two pages
    *({"rule_code": "slow_page", "category": "performance", "severity": "critical",
       "url": f"{ROOT}s{n}"} for n in range(2)),
]  # fmt: skip


def test_rule_based_ranking_is_one_action_per_rule_by_impact(session: Session) -> None:
    seeded = seed_site(session, RANKING_ISSUES)
    site = session.get(SiteConnection, seeded.site_id)
    issues = load_site_issues(session, site, session.get(Crawl, seeded.crawl_id))

    analysis = rule_based_analysis(issues)
    titles = [a.title for a in analysis.actions]
    # severity × share × importance (no page rows: importance 1): title 8 × 26/50 = 4.16,
    # alt 1 × 30/50 = 0.6, slow 8 × 2/50 = 0.32, noindex 8 × 1/50 = 0.16.
    assert [t.split("”")[0].split("“")[1] for t in titles] == [
        "missing title",
        "missing alt",
        "slow page",
        "noindex page",
    ]
    assert [a.severity for a in analysis.actions] == ["critical", "low", "critical", "critical"]
    title = analysis.actions[0]
    assert title.effort == "low" and title.impact == "high"
    assert len(title.issue_ids) == 26 and len(title.affected_urls) == 10
    assert "fixes 26 pages (52% of crawled pages)" in title.rationale
    assert [w.title for w in analysis.quick_wins] == titles[:2]
    assert analysis.summary.startswith("Rule-based analysis (not AI)")
    assert rule_based_analysis(issues) == analysis  # deterministic


def test_important_pages_weigh_more(session: Session) -> None:
    assert importance(0, 40, True) > importance(3, 1, False) > importance(None, 0, False)
    frame = pd.DataFrame(
        [
            {"rule_code": "home_only", "category": "meta", "severity": "medium", "url": ROOT},
            {"rule_code": "deep_only", "category": "meta", "severity": "medium", "url": "x"},
        ]
    )
    weights = {ROOT: importance(0, 40, True), "x": importance(None, 0, False)}
    assert [r.rule_code for r in rank_rules(frame, weights, 10)] == ["home_only", "deep_only"]


def test_offline_analysis_is_deterministic_stored_and_labelled(session: Session) -> None:
    seeded = seed_site(session, BASIC_ISSUES)
    settings = AnalysisSettings(mode="offline", api_key=API_KEY)
    first = analyse_site(session, seeded.site_id, seeded.crawl_id, settings, None, NOW)
    assert first.analyst == "offline" and first.model is None
    assert first.prompt_version == OFFLINE_VERSION and first.input_tokens == 0
    assert first.issues_sent == first.issues_total == 5 and not first.truncated
    stored = session.get(Conversation, first.conversation_id)
    assert stored.result["ai_generated"] is False and "not AI" in stored.messages[2].content
    session.commit()  # each analysis is its own transaction, as in the asset

    again = analyse_site(session, seeded.site_id, seeded.crawl_id, settings, None, NOW)
    assert again.reused and again.conversation_id == first.conversation_id

    # A fresh database with the same data gives byte-identical output.
    session.delete(stored)
    session.commit()
    fresh = analyse_site(session, seeded.site_id, seeded.crawl_id, settings, None, NOW)
    rerun = session.get(Conversation, fresh.conversation_id)
    assert json.dumps(rerun.result, sort_keys=True) == json.dumps(stored.result, sort_keys=True)
    assert rerun.input_hash == stored.input_hash
    usage = session.scalar(select(UsageRecord))
    assert (usage.analyses, usage.ai_tokens) == (2, 0)


def test_auto_mode_without_a_key_is_offline_and_with_a_key_calls_claude(session: Session) -> None:
    seeded = seed_site(session, BASIC_ISSUES)
    keyless = load_settings({}).analysis_settings()
    assert analyse_site(session, seeded.site_id, seeded.crawl_id, keyless, None, NOW).analyst == (
        "offline"
    )
    session.commit()  # each analysis is its own transaction, as in the asset
    api = FakeMessagesAPI()
    keyed = claude_settings(mode="auto")
    outcome = analyse_site(
        session, seeded.site_id, seeded.crawl_id, keyed, mock_client(keyed, api), NOW
    )
    assert outcome.analyst == "claude" and len(api.message_bodies) == 1


def test_skip_mode_stores_nothing(session: Session) -> None:
    seeded = seed_site(session, BASIC_ISSUES)
    settings = AnalysisSettings(mode="skip")
    outcome = analyse_site(session, seeded.site_id, seeded.crawl_id, settings, None, NOW)
    assert outcome.analyst == "skipped" and outcome.conversation_id is None
    assert session.scalar(select(func.count()).select_from(Conversation)) == 0
    assert "skipped" in outcome.markdown()


def test_a_site_without_issues_gets_no_api_call(session: Session) -> None:
    seeded = seed_site(session, [])
    api = FakeMessagesAPI()
    settings = claude_settings()
    outcome = analyse_site(
        session, seeded.site_id, seeded.crawl_id, settings, mock_client(settings, api), NOW
    )
    assert outcome.analyst == "offline" and outcome.issues_total == 0
    assert api.requests == []
    assert "no open SEO issues" in outcome.summary


def test_actions_are_titled_with_the_audit_catalogue(session: Session) -> None:
    seeded = seed_site(
        session,
        [
            {"rule_code": "http_5xx", "category": "response", "severity": "critical"},
            {"rule_code": "title_missing", "category": "metadata", "severity": "high"},
            {"rule_code": "title_missing", "category": "metadata", "severity": "high"},
        ],
    )
    site = session.get(SiteConnection, seeded.site_id)
    issues = load_site_issues(session, site, session.get(Crawl, seeded.crawl_id))
    actions = rule_based_analysis(issues).actions
    titles = [a.title for a in actions]
    # equal impact (8 × 1/50 = 4 × 2/50): more pages first
    assert titles == [
        "Fix “Title missing or empty” (2 issues)",
        "Fix “Server error (5xx)” (1 issue)",
    ]
    assert actions[1].impact == "medium"  # critical, on one page of many
