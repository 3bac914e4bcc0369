"""The floor under ``seology crawl``: a bare Dagster job on the same kind of instance, no work.

Imports what the crawl command cannot do without (Dagster, pandas, SQLAlchemy's ORM), opens the
Dagster instance whose ``dagster.yaml`` is given (``crawl_overhead.py`` passes a copy of the
product's embedded one, with its own storage folder), and runs in process a job shaped like
``crawl_and_analyse``: one step materializing two assets of a dynamic partition, one asset check,
and a downstream asset. Every op body is empty. The garbage collector is set as the ``seology``
console script sets it. What this takes is paid by any in-process Dagster run of that shape on
that instance, whatever the project does.

Usage: ``python benchmarks/dagster_floor.py DAGSTER_HOME`` (prints its seconds, one phase each).
"""

from __future__ import annotations

import gc
import sys
import time

started = time.perf_counter()
gc.set_threshold(100_000)

import dagster as dg  # noqa: E402
import pandas  # noqa: E402, F401
import sqlalchemy.orm  # noqa: E402, F401

imported = time.perf_counter()
SITES = dg.DynamicPartitionsDefinition(name="sites")


@dg.multi_asset(
    specs=[dg.AssetSpec("pages"), dg.AssetSpec("issues", deps=["pages"])],
    partitions_def=SITES,
)
def crawl() -> tuple[dg.MaterializeResult, dg.MaterializeResult]:
    """Stands for ``crawled_pages`` and ``seo_issues``."""
    return dg.MaterializeResult(asset_key="pages"), dg.MaterializeResult(asset_key="issues")


@dg.asset_check(asset="pages")
def pages_ok() -> dg.AssetCheckResult:
    """Stands for the crawl's checks."""
    return dg.AssetCheckResult(passed=True)


@dg.asset(partitions_def=SITES, deps=["issues"])
def analysis() -> None:
    """Stands for ``site_analysis``."""


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: python benchmarks/dagster_floor.py DAGSTER_HOME")
    job = dg.Definitions(
        assets=[crawl, analysis],
        asset_checks=[pages_ok],
        jobs=[dg.define_asset_job("floor", partitions_def=SITES)],
    ).resolve_job_def("floor")
    with dg.DagsterInstance.from_config(sys.argv[1]) as instance:
        opened = time.perf_counter()
        instance.add_dynamic_partitions("sites", ["docs"])
        result = job.execute_in_process(instance=instance, partition_key="docs")
        ran = time.perf_counter()
    assert result.success
    print(f"import {imported - started:.3f} open {opened - imported:.3f} run {ran - opened:.3f}")
    gc.freeze()


if __name__ == "__main__":
    main()
