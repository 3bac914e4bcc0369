"""Deleting old Dagster runs from real SQLite and PostgreSQL instances."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from sqlalchemy import Engine, MetaData, create_engine, func, select

from seology_pipeline.defs.maintenance import BULK_DELETE_VERIFIED_VERSION, InstanceRunStore
from seology_pipeline.maintenance.cleanup import purge_runs
from seology_pipeline_tests.maintenance.helpers import EVENTS_PER_RUN, add_run, dagster_instance

Status = dg.DagsterRunStatus


def run_ids(instance: dg.DagsterInstance) -> set[str]:
    return set(instance.get_run_ids())


def test_purge_deletes_only_completed_runs_past_the_cutoff(instance: dg.DagsterInstance) -> None:
    cutoff = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)
    second = timedelta(seconds=1)
    gone = {
        add_run(instance, Status.SUCCESS, cutoff - second),
        add_run(instance, Status.FAILURE, cutoff - timedelta(days=1)),
        add_run(instance, Status.CANCELED, cutoff - timedelta(days=300)),
    }
    kept = {
        add_run(instance, Status.SUCCESS, cutoff),
        add_run(instance, Status.FAILURE, cutoff + second),
        add_run(instance, Status.QUEUED, cutoff - timedelta(days=10)),
        add_run(instance, Status.STARTING, cutoff - timedelta(days=10)),
        add_run(instance, Status.STARTED, cutoff - timedelta(days=10)),
    }
    store = InstanceRunStore(instance)

    assert purge_runs(store, cutoff, dry_run=True) == 3
    assert run_ids(instance) == gone | kept
    assert purge_runs(store, cutoff, batch_size=2) == 3

    assert run_ids(instance) == kept
    for run_id in gone:
        assert instance.all_logs(run_id) == []
    for run_id in kept:
        assert len(instance.all_logs(run_id)) == EVENTS_PER_RUN
    assert purge_runs(store, cutoff) == 0


def test_purge_takes_cutoffs_in_any_timezone(instance: dg.DagsterInstance) -> None:
    finished = datetime.now(UTC).replace(microsecond=0) - timedelta(days=40)
    run_id = add_run(instance, Status.SUCCESS, finished)
    at_finish_in_tokyo = finished.astimezone(ZoneInfo("Asia/Tokyo"))
    store = InstanceRunStore(instance)
    assert purge_runs(store, at_finish_in_tokyo) == 0
    assert purge_runs(store, at_finish_in_tokyo + timedelta(seconds=1)) == 1
    assert run_id not in run_ids(instance)


@pytest.fixture(scope="module")
def pg_instance() -> Iterator[dg.DagsterInstance]:
    with dagster_instance("postgresql") as instance:
        yield instance


def row_counts(engine: Engine) -> dict[str, int]:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(table))
            for name, table in metadata.tables.items()
        }


@dg.asset
def tagged_asset() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 1}, data_version=dg.DataVersion("v1"))


def test_bulk_delete_matches_delete_run_of_the_installed_dagster(
    pg_instance: dg.DagsterInstance,
) -> None:
    """Guard for the storage internals the bulk delete uses: re-verify before changing Dagster."""
    assert dg.__version__ == BULK_DELETE_VERIFIED_VERSION, (
        "Dagster changed: compare InstanceRunStore.delete_runs with DagsterInstance.delete_run "
        "of the new release, then update BULK_DELETE_VERIFIED_VERSION"
    )
    store = InstanceRunStore(pg_instance)
    assert store.bulk_delete_supported
    pg_instance.wipe()
    runs = [
        dg.materialize([tagged_asset], instance=pg_instance, tags={"site": "s1"}).run_id
        for _ in range(2)
    ]
    engine = create_engine(pg_instance.run_storage.postgres_url)
    try:
        before = row_counts(engine)
        assert before["asset_event_tags"] > 0 and before["run_tags"] > 0
        store.delete_runs([runs[0]])
        middle = row_counts(engine)
        pg_instance.delete_run(runs[1])
        after = row_counts(engine)
    finally:
        engine.dispose()
    bulk = {name: before[name] - middle[name] for name in before}
    public = {name: middle[name] - after[name] for name in before}
    assert bulk == public
    assert bulk["runs"] == 1 and bulk["event_logs"] > 0 and bulk["asset_event_tags"] > 0
    assert run_ids(pg_instance) == set()
    assert pg_instance.all_logs(runs[0]) == []


def test_bulk_delete_frees_concurrency_slots_a_finished_run_still_holds(
    pg_instance: dg.DagsterInstance,
) -> None:
    pg_instance.wipe()
    events = pg_instance.event_log_storage
    events.set_concurrency_slots("browser", 1)
    old = datetime.now(UTC) - timedelta(days=60)
    holder = add_run(pg_instance, Status.FAILURE, old)
    waiting = add_run(pg_instance, Status.STARTED, old)
    assert events.claim_concurrency_slot("browser", holder, "crawl").is_claimed
    assert not events.claim_concurrency_slot("browser", waiting, "crawl").is_claimed

    assert purge_runs(InstanceRunStore(pg_instance), datetime.now(UTC)) == 1

    assert events.get_concurrency_info("browser").claimed_slots == []
    assert holder not in events.get_concurrency_run_ids()
    assert events.claim_concurrency_slot("browser", waiting, "crawl").is_claimed
    assert run_ids(pg_instance) == {waiting}
