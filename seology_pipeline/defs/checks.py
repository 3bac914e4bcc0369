"""Asset checks of a site's crawl and audit.

The three checks are one step that runs after the crawl and reads the materializations it checks,
so a run that ends without materializing (a refusal) evaluates none and leaves the checks as the
last crawl left them. One step, not three: each step costs a run a dozen events to write.
"""

from collections.abc import Iterator
from typing import Any

import dagster as dg

from seology_pipeline.names import CRAWLED_PAGES, PARTITION_TAG, SEO_ISSUES

HOME_PAGE_OK = dg.AssetCheckSpec(
    "home_page_ok", asset=CRAWLED_PAGES, description="The home page answered 200."
)
HAS_HTML_PAGES = dg.AssetCheckSpec(
    "has_html_pages", asset=CRAWLED_PAGES, description="At least one HTML page was crawled."
)
NO_RULE_RAISED = dg.AssetCheckSpec(
    "no_rule_raised", asset=SEO_ISSUES, description="Every audit rule ran without raising."
)


def _metadata(context: dg.AssetCheckExecutionContext, asset: str) -> dict[str, Any]:
    """The metadata of the site's latest ``asset`` materialization (this run's)."""
    records = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(
            asset_key=dg.AssetKey(asset), asset_partitions=[context.run.tags[PARTITION_TAG]]
        ),
        limit=1,
    ).records
    materialization = records[0].asset_materialization
    metadata = materialization.metadata if materialization else {}
    return {key: getattr(value, "value", value) for key, value in metadata.items()}


@dg.multi_asset_check(
    specs=[HOME_PAGE_OK, HAS_HTML_PAGES, NO_RULE_RAISED],
    description="The crawl reached the home page and HTML pages; every audit rule ran.",
)
def crawl_checks(context: dg.AssetCheckExecutionContext) -> Iterator[dg.AssetCheckResult]:
    """Evaluate the three checks of the run's crawl and audit."""
    crawl = _metadata(context, CRAWLED_PAGES)
    status, html_pages = crawl["home_status"], crawl["html_pages"]
    yield dg.AssetCheckResult(
        asset_key=CRAWLED_PAGES,
        check_name=HOME_PAGE_OK.name,
        passed=status == 200,
        metadata={"status": status},
    )
    yield dg.AssetCheckResult(
        asset_key=CRAWLED_PAGES,
        check_name=HAS_HTML_PAGES.name,
        passed=html_pages > 0,
        metadata={"html_pages": html_pages},
    )
    failed = _metadata(context, SEO_ISSUES)["failed_rules"]
    yield dg.AssetCheckResult(
        asset_key=SEO_ISSUES,
        check_name=NO_RULE_RAISED.name,
        passed=failed == "none",
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"failed_rules": failed},
    )


CHECKS = [crawl_checks]
