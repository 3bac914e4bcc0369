"""Cost of the analysis input: load, pandas aggregation, budget fitting, rule-based analyst.

Run: .venv/bin/python benchmarks/analysis_input.py [issues ...]   (default 1000 5000 50000)
Uses a temporary SQLite database and the local token estimate (no API calls).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from seology_pipeline.analysis.claude_api import estimate_request_tokens
from seology_pipeline.analysis.inputs import fit_budget, load_site_issues
from seology_pipeline.analysis.offline import rule_based_analysis
from seology_pipeline.analysis.prompt import user_message
from seology_pipeline.db.engine import make_engine, session_factory
from seology_pipeline.db.migrate import upgrade
from seology_pipeline.db.models import (
    Crawl,
    CrawlStatus,
    SeoIssue,
    SiteConnection,
    User,
)

SEVERITIES = ("critical", "high", "medium", "low")
CATEGORIES = ("indexability", "meta", "links", "content", "images", "performance", "social")


def main(sizes: list[int]) -> None:
    print(f"{'issues':>8} {'load s':>8} {'fit s':>8} {'rules s':>8} {'level':>22} {'tokens':>8}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
            upgrade(engine)
            with session_factory(engine)() as session:
                session.add(User(id="u"))
                site = SiteConnection(id="s", user_id="u", root_url="https://a.test/", name="A")
                crawl = Crawl(
                    site_id="s",
                    status=CrawlStatus.COMPLETED,
                    started_at=datetime.now(UTC),
                    max_pages=size,
                    pages_crawled=max(size // 5, 1),
                )
                session.add_all([site, crawl])
                session.flush()
                session.execute(
                    insert(SeoIssue),
                    [
                        {
                            "site_id": "s",
                            "rule_code": f"rule_{n % 23}",
                            "category": CATEGORIES[n % len(CATEGORIES)],
                            "severity": SEVERITIES[(n // 3) % 4],
                            "url": f"https://a.test/p/{n % (size // 5 + 1)}",
                            "message": f"Issue {n}: title duplicates another page's title",
                            "evidence": {"title": "Home | A shop " * 3, "length": 42},
                            "fingerprint": f"f{n}",
                        }
                        for n in range(size)
                    ],
                )
                session.flush()
                started = time.perf_counter()
                issues = load_site_issues(session, site, crawl)
                loaded = time.perf_counter()
                fitted = fit_budget(
                    issues,
                    3,
                    20_000,
                    lambda payload: estimate_request_tokens(user_message(payload)),
                    counted_with_api=False,
                )
                fitted_at = time.perf_counter()
                rule_based_analysis(issues)
                done = time.perf_counter()
            engine.dispose()
        print(
            f"{size:>8} {loaded - started:>8.3f} {fitted_at - loaded:>8.3f} "
            f"{done - fitted_at:>8.3f} {fitted.level:>22} {fitted.input_tokens:>8}"
        )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 5000, 50000])
