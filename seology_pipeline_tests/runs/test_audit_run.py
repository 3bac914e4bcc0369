"""The crawl → audit path: a site's own audit settings (thresholds, disabled rules) apply, and an
interrupted crawl is recorded with what stopped it."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Crawl, CrawlStatus, SeoIssue, SiteConnection
from seology_pipeline.runs import site_run
from seology_pipeline.runs.crawl_run import plan_crawl
from seology_pipeline.runs.site_run import crawl_and_audit
from seology_pipeline_tests.crawl.conftest import settings_for
from seology_pipeline_tests.factories import add_customer
from seology_pipeline_tests.sites import page, serve_site

MONTH = "2026-11"
HOME = (
    "<html lang='en'><head><title>Short</title></head>"
    "<body><main><h1>Home</h1><p>Bread and cakes.</p><a href='/about'>About us</a></main></body>"
    "</html>"
)
ABOUT = (
    "<html lang='en'><head><title>About the bakery on the corner</title></head>"
    "<body><main><h1>About</h1><p>Since 1950.</p><a href='/'>Home</a></main></body></html>"
)


def _crawl_and_audit(engine: Engine, site_settings: dict) -> set[tuple[str, str]]:
    with serve_site({"/": page(HOME), "/about": page(ABOUT)}) as site:
        add_customer(engine, site.url + "/")
        with session_scope(engine) as session:
            session.get(SiteConnection, "site-1").settings = site_settings
        with session_scope(engine) as session:
            plan = plan_crawl(session, "site-1", max_pages=None, user_id=None, month=MONTH)
        crawl_and_audit(engine, plan, settings_for(site), month=MONTH, run_id="run-1")
        with session_scope(engine) as session:
            issues = session.scalars(select(SeoIssue).where(SeoIssue.site_id == "site-1"))
            return {(i.rule_code, (i.url or "").removeprefix(site.url)) for i in issues}


def test_defaults_flag_short_title_and_thin_content(app_engine: Engine) -> None:
    found = _crawl_and_audit(app_engine, {})
    assert ("title_length", "/") in found
    assert ("thin_content", "/about") in found


def test_site_thresholds_and_disabled_rules_apply(app_engine: Engine) -> None:
    settings = {"audit": {"title_min_chars": 5, "disabled_rules": ["thin_content"]}}
    found = _crawl_and_audit(app_engine, settings)
    assert ("title_length", "/") not in found
    assert not {rule for rule, _ in found if rule == "thin_content"}
    assert ("meta_description_missing", "/") in found  # the other rules still run


def test_an_interrupted_crawl_records_what_happened(
    app_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An interrupt carries no message; the failed crawl still says what stopped it."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(site_run, "crawl_site", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _crawl_and_audit(app_engine, {})
    with session_scope(app_engine) as session:
        crawl = session.scalars(select(Crawl)).one()
        assert crawl.status == CrawlStatus.FAILED
        assert crawl.error == (
            "KeyboardInterrupt: interrupted before the crawl ended (its process stopped or run"
            " canceled)"
        )
