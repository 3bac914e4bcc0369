"""Asset checks of a site's crawl and audit.

Each check is a step of its own that reads the materialization it checks, so a run that ends
without materializing (a refusal) evaluates none and leaves the checks as the last crawl left them.
"""

from typing import Any

import dagster as dg

from seology_pipeline.names import CRAWLED_PAGES, PARTITION_TAG, SEO_ISSUES


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


@dg.asset_check(asset=CRAWLED_PAGES, description="The home page answered 200.")
def home_page_ok(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    """The home page answered 200."""
    status = _metadata(context, CRAWLED_PAGES)["home_status"]
    return dg.AssetCheckResult(passed=status == 200, metadata={"status": status})


@dg.asset_check(asset=CRAWLED_PAGES, description="At least one HTML page was crawled.")
def has_html_pages(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    """At least one HTML page was crawled."""
    html_pages = _metadata(context, CRAWLED_PAGES)["html_pages"]
    return dg.AssetCheckResult(passed=html_pages > 0, metadata={"html_pages": html_pages})


@dg.asset_check(asset=SEO_ISSUES, description="Every audit rule ran without raising.")
def no_rule_raised(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    """Every audit rule ran without raising."""
    failed = _metadata(context, SEO_ISSUES)["failed_rules"]
    return dg.AssetCheckResult(
        passed=failed == "none",
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"failed_rules": failed},
    )


CHECKS = [home_page_ok, has_html_pages, no_rule_raised]
