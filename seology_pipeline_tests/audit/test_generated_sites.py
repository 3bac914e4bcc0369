"""Regression corpus: sites built by real generators (MkDocs Material, Pelican), served on
loopback, crawled and audited end to end. Planted defects must be reported; clean pages must
stay clean of the false alarms real themes used to trigger."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from seology_pipeline.audit.engine import AuditResult, run_audit
from seology_pipeline.crawl.records import PageRecord, SiteFacts
from seology_pipeline.db.models import Severity
from seology_pipeline_tests.crawl.conftest import crawl, settings_for
from seology_pipeline_tests.generated_sites import (
    MKDOCS_CLEAN,
    MKDOCS_DEFECTS,
    PELICAN_CLEAN,
    PELICAN_DEFECTS,
    build_mkdocs_site,
    build_pelican_site,
)
from seology_pipeline_tests.sites import Site, folder_routes, serve_site

# Rules that fired falsely on real themes: on a clean page they must stay silent.
FALSE_ALARM_RULES = frozenset(
    {
        "empty_anchor_text",
        "non_crawlable_link",
        "mixed_content",
        "insecure_form",
        "duplicate_content",
        "thin_content",
        "image_missing_alt",
        "noindex_linked",
        "canonical_target_invalid",
        "broken_internal_link",
        "http_4xx",
        "slow_response",
        "near_duplicate",
    }
)
# Rules whose every finding on these sites is a planted defect (precision).
PLANTED_ONLY_RULES = frozenset(
    {
        "broken_internal_link",
        "http_4xx",
        "non_crawlable_link",
        "empty_anchor_text",
        "mixed_content",
        "insecure_form",
        "image_missing_alt",
        "canonical_target_invalid",
    }
)


@dataclass
class Audited:
    site: Site
    records: dict[str, PageRecord]
    facts: SiteFacts
    result: AuditResult

    def found(self) -> set[tuple[str, str]]:
        return {
            (f.rule_code, (f.url or "").removeprefix(self.site.url)) for f in self.result.issues
        }

    def audit_again(self) -> AuditResult:
        records, facts = crawl(settings_for(self.site))
        return run_audit(records.values(), facts)


def _served(tmp: Path, build) -> Iterator[Audited]:
    with serve_site({}) as site:
        site.routes.update(folder_routes(build(tmp, site.url + "/")))
        records, facts = crawl(settings_for(site))
        yield Audited(site, records, facts, run_audit(records.values(), facts))


@pytest.fixture(scope="module")
def mkdocs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Audited]:
    yield from _served(tmp_path_factory.mktemp("mkdocs"), build_mkdocs_site)


@pytest.fixture(scope="module")
def pelican(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Audited]:
    yield from _served(tmp_path_factory.mktemp("pelican"), build_pelican_site)


CORPUS = {
    "mkdocs": (MKDOCS_DEFECTS, MKDOCS_CLEAN),
    "pelican": (PELICAN_DEFECTS, PELICAN_CLEAN),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_planted_defects_are_reported(name: str, request: pytest.FixtureRequest) -> None:
    audited: Audited = request.getfixturevalue(name)
    defects, _clean = CORPUS[name]
    assert not audited.result.failed_rules
    assert defects - audited.found() == set()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_clean_pages_stay_clean(name: str, request: pytest.FixtureRequest) -> None:
    audited: Audited = request.getfixturevalue(name)
    _defects, clean = CORPUS[name]
    assert all(audited.records[path].status == 200 for path in clean)
    false_alarms = {(rule, path) for rule, path in audited.found() if path in clean}
    assert false_alarms & {(rule, path) for rule in FALSE_ALARM_RULES for path in clean} == set()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_rules_fire_only_where_defects_were_planted(
    name: str, request: pytest.FixtureRequest
) -> None:
    audited: Audited = request.getfixturevalue(name)
    defects, _clean = CORPUS[name]
    planted = {(rule, path) for rule, path in audited.found() if rule in PLANTED_ONLY_RULES}
    assert planted == {(rule, path) for rule, path in defects if rule in PLANTED_ONLY_RULES}


def test_no_critical_finding_beyond_plain_http(mkdocs: Audited) -> None:
    critical = {f.rule_code for f in mkdocs.result.issues if f.severity is Severity.CRITICAL}
    assert critical == {"site_not_https"}  # served on loopback over http: a true finding


def test_identical_crawls_give_identical_findings(mkdocs: Audited) -> None:
    first = sorted((f.fingerprint, f.severity) for f in mkdocs.result.issues)
    again = sorted((f.fingerprint, f.severity) for f in mkdocs.audit_again().issues)
    assert again == first
