"""Severity in context, rule failures, fingerprints, duplicate groups, health score, config."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from seology_pipeline.audit import engine
from seology_pipeline.audit.base import Category, Rule, Scope
from seology_pipeline.audit.checks import per_page
from seology_pipeline.audit.config import AuditConfig
from seology_pipeline.audit.neardup import near_duplicate_groups, near_duplicate_pairs
from seology_pipeline.audit.rules import RULE_CODES, RULES, catalogue, site_config
from seology_pipeline.crawl.records import PageRecord, TagText
from seology_pipeline.db.models import Severity
from seology_pipeline_tests.audit.conftest import ROOT, Site, make_site, url


def _severity(site: Site, code: str, page_url: str, config: AuditConfig | None = None) -> str:
    result = site.audit(config)
    (finding,) = [f for f in result.issues if f.rule_code == code and f.url == page_url]
    return finding.severity.value


def _no_h1(site: Site, *numbers: int) -> None:
    for n in numbers:
        site.page(n).heading_counts = {}
        site.page(n).h1_texts = []


# -- severity in context -----------------------------------------------------------------------


def test_base_severity_on_an_ordinary_page(site: Site) -> None:
    _no_h1(site, 1)
    assert _severity(site, "h1_missing", url(1)) == "medium"


def test_home_page_escalates_one_level(site: Site) -> None:
    _no_h1(site, 0)
    result = site.audit()
    (finding,) = [f for f in result.issues if f.rule_code == "h1_missing"]
    assert finding.severity is Severity.HIGH
    assert finding.evidence["severity_context"] == {"base": "medium", "reasons": ["home page"]}


def test_prevalence_over_ten_percent_escalates_every_hit() -> None:
    site = make_site(total=25)
    _no_h1(site, 1, 2, 3)  # 3 of 25 indexable pages = 12 %
    result = site.audit()
    severities = {f.url: f.severity.value for f in result.issues if f.rule_code == "h1_missing"}
    assert severities == {url(1): "high", url(2): "high", url(3): "high"}


def test_prevalence_below_threshold_or_too_few_pages_does_not_escalate() -> None:
    site = make_site(total=25)
    _no_h1(site, 1, 2)  # 8 %
    assert _severity(site, "h1_missing", url(1)) == "medium"
    small = make_site(total=5)
    _no_h1(small, 1, 2)  # 40 %, but fewer than prevalence_min_pages (3)
    assert _severity(small, "h1_missing", url(1)) == "medium"
    assert _severity(small, "h1_missing", url(1), AuditConfig(prevalence_min_pages=2)) == "high"


def test_noindex_page_de_escalates_page_rules_but_not_indexing_rules(site: Site) -> None:
    page = site.page(1)
    page.meta_robots = ["noindex"]
    _no_h1(site, 1)
    page.titles = [TagText("Page not found")]
    result = site.audit()
    by_code = {f.rule_code: f for f in result.issues if f.url == url(1)}
    assert by_code["h1_missing"].severity is Severity.LOW
    assert "noindex" in by_code["h1_missing"].evidence["severity_context"]["reasons"][0]
    assert by_code["soft_404"].severity is Severity.HIGH  # scope "indexing": kept
    assert by_code["noindex_linked"].severity is Severity.HIGH  # in the sitemap, 1 of 5 noindex


def test_canonicalised_page_de_escalates(site: Site) -> None:
    site.page(1).canonicals = [TagText(url(2))]
    site.page(1).viewport = None
    assert _severity(site, "viewport_missing", url(1)) == "low"


def test_home_and_noindex_cancel_out_and_levels_are_clamped(site: Site) -> None:
    home = site.page(0)
    home.meta_robots = ["noindex"]
    home.viewport = None
    home.status = 200
    assert _severity(site, "viewport_missing", ROOT) == "medium"
    other = make_site()
    other.page(0).status = 500
    assert _severity(other, "http_5xx", ROOT) == "critical"  # already the top level


def test_site_rules_are_never_adjusted(site: Site) -> None:
    site.facts.ai_bots_blocked = ["GPTBot"]
    assert _severity(site, "ai_crawlers_blocked", f"{ROOT}robots.txt") == "low"


def test_overrides_and_disabled_rules(site: Site) -> None:
    _no_h1(site, 1)
    site.page(2).viewport = None
    config = AuditConfig(
        severity_overrides={"h1_missing": "low"}, disabled_rules={"viewport_missing"}
    )
    result = site.audit(config)
    assert {f.rule_code: f.severity.value for f in result.issues} == {"h1_missing": "low"}
    assert "viewport_missing" not in {r.code for r in catalogue(config)}
    assert "viewport_missing" not in result.rule_seconds


# -- robustness, fingerprints, summary ---------------------------------------------------------


def test_a_failing_rule_is_recorded_and_the_audit_goes_on(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(ctx):
        raise RuntimeError("boom")

    def fragile(ctx, i, page):
        if page.url == url(2):
            raise KeyError("odd page")

    extra = (
        Rule("exploding", Category.CONTENT, Severity.LOW, "x", "x", explode),
        Rule("fragile", Category.CONTENT, Severity.LOW, "x", "x", per_page(fragile)),
    )
    monkeypatch.setattr(engine, "RULES", (*extra, *RULES))
    _no_h1(site, 1)
    result = site.audit()
    failures = {f.rule_code: f for f in result.failed_rules}
    assert failures["exploding"].error == "RuntimeError: boom"
    assert failures["exploding"].pages_failed == 0
    assert failures["fragile"].pages_failed == 1 and url(2) in failures["fragile"].error
    assert [f.rule_code for f in result.issues] == ["h1_missing"]
    assert gc.isenabled()  # paused during the audit only


def test_fingerprints_are_stable_across_crawls_and_measurements() -> None:
    first, second = make_site(), make_site(seed=99)
    first.page(1).titles = [TagText("t" * 70)]
    second.page(1).titles = [TagText("t" * 90)]  # other length, same problem
    a = {f.rule_code: f for f in first.audit().issues}
    b = {f.rule_code: f for f in second.audit().issues}
    assert a["title_length"].fingerprint == b["title_length"].fingerprint
    assert a["title_length"].evidence["length"] == 70
    fingerprints = [f.fingerprint for f in first.audit().issues]
    assert len(set(fingerprints)) == len(fingerprints)


def test_security_headers_fingerprint_per_header(site: Site) -> None:
    for page in site.pages:
        page.headers.pop("content-security-policy")
        page.headers.pop("x-content-type-options")
    hits = [f for f in site.audit().issues if f.rule_code == "security_headers_missing"]
    assert sorted(f.evidence["header"] for f in hits) == [
        "content-security-policy",
        "x-content-type-options",
    ]
    assert len({f.fingerprint for f in hits}) == 2
    assert hits[0].evidence["pages"] == 5


def test_duplicate_groups_list_members_among_indexable_pages() -> None:
    site = make_site(total=8)
    for n in (1, 2, 3):
        site.page(n).titles = [TagText("Spades and  rakes for every garden")]
    for n in (4, 5):
        site.page(n).titles = [TagText("SPADES AND RAKES FOR EVERY GARDEN")]
    site.page(6).titles = [TagText("Spades and rakes for every garden")]
    site.page(6).meta_robots = ["noindex"]  # not indexable: outside the group
    hits = {f.url: f for f in site.audit().issues if f.rule_code == "duplicate_title"}
    assert sorted(hits) == [url(n) for n in (1, 2, 3, 4, 5)]
    assert hits[url(1)].evidence["group_size"] == 5
    assert sorted(hits[url(4)].evidence["urls"]) == [url(n) for n in (1, 2, 3, 4, 5)]


def test_exact_duplicates_are_not_also_near_duplicates(site: Site) -> None:
    for n in (1, 2):
        site.page(n).content_hash = "f" * 64
        site.page(n).simhash = site.page(1).simhash
    codes = [f.rule_code for f in site.audit().issues]
    assert codes.count("duplicate_content") == 2 and "near_duplicate" not in codes


def test_health_score_formula(site: Site) -> None:
    assert site.audit().summary.health_score == 100.0
    site.page(1).status = 503  # one of five pages critical: that page scores 0
    assert site.audit().summary.health_score == 80.0
    site.facts.robots_disallows_all = True  # site-wide critical: -25 %
    assert site.audit().summary.health_score == 60.0
    empty = Site([], site.facts)
    assert empty.audit().summary.health_score == 0.0


def test_summary_counts_and_json(site: Site) -> None:
    _no_h1(site, 1, 2)
    site.page(3).word_count = 10
    result = site.audit()
    summary = result.summary
    assert summary.pages_audited == 5 and summary.indexable_pages == 5
    assert summary.by_severity == {"critical": 0, "high": 0, "medium": 3, "low": 0}
    assert summary.by_category == {"content": 3}
    assert summary.by_rule == {"h1_missing": 2, "thin_content": 1}
    assert json.loads(json.dumps(result.to_dict()))["summary"]["issues"] == 3


def test_external_records_are_not_audited_as_site_pages(site: Site) -> None:
    from seology_pipeline.crawl.records import PageRecord

    site.extra.append(PageRecord(url="https://cdn.example/x", status=500))
    result = site.audit()
    assert result.summary.pages_audited == 5 and result.summary.external_checked == 1
    assert result.issues == []


# -- catalogue and config ----------------------------------------------------------------------


def test_catalogue_is_complete_and_printable() -> None:
    infos = catalogue()
    assert len(infos) == len(RULES) >= 45
    assert {i.severity for i in infos} == {"critical", "high", "medium", "low"}
    fields = set(AuditConfig.model_fields)
    for rule in RULES:
        assert rule.title and rule.description and set(rule.thresholds) <= fields
    assert json.dumps([i.thresholds for i in infos])
    by_code = {i.code: i for i in infos}
    assert by_code["title_length"].thresholds == {"title_min_chars": 30, "title_max_chars": 60}
    assert by_code["sitemap_missing"].scope == Scope.SITE


def test_config_from_site_settings() -> None:
    config = site_config(
        {
            "crawl": {"max_depth": 3},
            "audit": {"title_max_chars": 70, "disabled_rules": ["deep_page"]},
        }
    )
    assert config.title_max_chars == 70 and config.disabled_rules == {"deep_page"}
    assert site_config({}) == AuditConfig()
    assert site_config(None).near_duplicate_max_distance == 6


@pytest.mark.parametrize(
    ("audit", "message"),
    [
        ({"disabled_rules": ["no_such_rule"]}, "audit.disabled_rules: Value error, unknown rule"),
        ({"title_min_chars": 80}, "title_min_chars (80) exceeds title_max_chars (60)"),
        ({"thin_content_words": -1}, "audit.thin_content_words"),
        ({"tilte_max_chars": 60}, "audit.tilte_max_chars: Extra inputs are not permitted"),
        ({"severity_overrides": {"h1_missing": "urgent"}}, "audit.severity_overrides.h1_missing"),
        ("strict", "site setting 'audit' must be a JSON object"),
    ],
)
def test_bad_site_settings_get_clear_errors(audit, message: str) -> None:
    with pytest.raises(ValueError) as info:
        site_config({"audit": audit})
    assert message in str(info.value)
    assert not isinstance(info.value, ValidationError)


def test_similarity_to_hamming_distance_mapping() -> None:
    assert AuditConfig(near_duplicate_similarity=0.90).near_duplicate_max_distance == 6
    assert AuditConfig(near_duplicate_similarity=0.95).near_duplicate_max_distance == 3
    assert AuditConfig(near_duplicate_similarity=1.0).near_duplicate_max_distance == 0
    assert {"near_duplicate", "duplicate_content"} <= RULE_CODES


# -- near-duplicate search ---------------------------------------------------------------------


def test_banded_search_matches_brute_force() -> None:
    rng = np.random.default_rng(3)
    hashes = rng.integers(0, 2**63, size=1500, dtype=np.int64).astype(np.uint64) << np.uint64(1)
    for i in range(0, 300, 3):  # plant near-duplicates at distances 0..8
        flips = rng.choice(64, size=int(rng.integers(0, 9)), replace=False)
        hashes[i + 1] = hashes[i] ^ np.uint64(sum(1 << int(b) for b in flips))
    found = {tuple(p) for p in near_duplicate_pairs(hashes, 6, window=10_000).tolist()}
    distance = np.bitwise_count(hashes[:, None] ^ hashes[None, :])
    expected = {(int(i), int(j)) for i, j in zip(*np.nonzero(distance <= 6), strict=True) if i < j}
    assert found == expected and len(expected) > 50


def test_groups_collapse_identical_hashes() -> None:
    a = 0x0123_4567_89AB_CDEF
    b = a ^ 0xFFFF_FFFF  # 32 bits away from a
    c = a ^ 0xFFFF_FFFF_0000_0000  # 32 bits away from a and 64 from b
    hashes = np.array([a, a, a, b, b ^ 0b101, c], dtype=np.uint64)
    groups = sorted(near_duplicate_groups(hashes, 6))
    assert groups == [[0, 1, 2], [3, 4]]


# -- canonical trust and noindex severity --------------------------------------------------------


def test_canonical_to_a_404_is_reported_and_not_trusted(site: Site) -> None:
    missing = "https://shop.example/gone"
    for n in (1, 2, 3):
        page = site.page(n)
        page.canonicals = [TagText(missing)]
        page.meta_descriptions = [TagText("One description shared by every page of this theme.")]
    site.extra.append(PageRecord(url=missing, status=404, content_type="text/html", depth=-1))
    result = site.audit()
    rules = {(f.rule_code, f.url) for f in result.issues}
    assert {("canonical_target_invalid", url(n)) for n in (1, 2, 3)} <= rules
    assert ("http_4xx", missing) in rules
    assert not {code for code, _ in rules if code == "canonicalised"}
    dup = {u for code, u in rules if code == "duplicate_meta_description"}
    assert dup == {url(1), url(2), url(3)}  # still indexable, so still compared


def test_noindex_severity_follows_where_the_page_is_referenced() -> None:
    site = make_site(total=10)
    site.page(3).meta_robots = ["noindex"]  # in the sitemap: conflicting signals
    site.page(4).meta_robots = ["noindex"]
    site.page(4).in_sitemap = False
    site.facts.sitemap_pages.remove(url(4))  # only linked: an archive page
    site.page(0).meta_robots = ["noindex"]  # the home page
    got = {f.url: f.severity for f in site.audit().issues if f.rule_code == "noindex_linked"}
    assert got == {url(3): Severity.HIGH, url(4): Severity.LOW, url(0): Severity.CRITICAL}
    for n in range(5, 10):
        site.page(n).meta_robots = ["noindex"]  # 7 of 9 sitemap URLs
    got = {f.url: f.severity for f in site.audit().issues if f.rule_code == "noindex_linked"}
    assert got[url(3)] == Severity.CRITICAL and got[url(4)] == Severity.LOW


def test_readme_lists_every_rule_with_its_standard() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for info in catalogue():
        row = f"| `{info.code}` | {info.severity} | {info.title} | {info.standard} |"
        assert row in readme, f"README rules table is out of date for {info.code}"
    assert f"detects SEO issues ({len(RULES)} rules)" in readme
