"""Asset checks of a site's crawl and audit.

The checks are declared on the crawl step (``check_specs``) and evaluated from the metadata it
materializes, in the same step: a run that ends without materializing (a refusal) evaluates none
and leaves the checks as the last crawl left them.
"""

from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg

from seology_pipeline.names import CRAWLED_PAGES, SEO_ISSUES

HOME_PAGE_OK = dg.AssetCheckSpec(
    "home_page_ok", asset=CRAWLED_PAGES, description="The home page answered 200."
)
HAS_HTML_PAGES = dg.AssetCheckSpec(
    "has_html_pages", asset=CRAWLED_PAGES, description="At least one HTML page was crawled."
)
NO_RULE_RAISED = dg.AssetCheckSpec(
    "no_rule_raised", asset=SEO_ISSUES, description="Every audit rule ran without raising."
)
CHECK_SPECS = [HOME_PAGE_OK, HAS_HTML_PAGES, NO_RULE_RAISED]


def check_results(
    crawl: Mapping[str, Any], issues: Mapping[str, Any], selected: set[dg.AssetCheckKey]
) -> Iterator[dg.AssetCheckResult]:
    """The results of the selected checks, from the crawl's and the audit's metadata."""
    status, html_pages, failed = crawl["home_status"], crawl["html_pages"], issues["failed_rules"]
    results = [
        (HOME_PAGE_OK, status == 200, {"status": status}, dg.AssetCheckSeverity.ERROR),
        (HAS_HTML_PAGES, html_pages > 0, {"html_pages": html_pages}, dg.AssetCheckSeverity.ERROR),
        (NO_RULE_RAISED, failed == "none", {"failed_rules": failed}, dg.AssetCheckSeverity.WARN),
    ]
    for spec, passed, metadata, severity in results:
        if spec.key in selected:
            yield dg.AssetCheckResult(
                asset_key=spec.asset_key,
                check_name=spec.name,
                passed=passed,
                severity=severity,
                metadata=metadata,
            )
