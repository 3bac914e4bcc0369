"""The Dagster side of batches, on a real instance and real HTTP to the fake API on 127.0.0.1:
a scheduled re-crawl's analysis is queued, submitted by the job, and lands as a ``site_analysis``
materialization recorded by the results sensor; a crawl a person launched is analysed at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import Engine, select

from seology_pipeline.db.engine import session_factory, session_scope
from seology_pipeline.db.models import AnalysisRequest, AnalysisRequestStatus, Crawl, utcnow
from seology_pipeline.defs.analysis_batches import (
    analysis_batch_results,
    analysis_batch_schedule,
    submit_analysis_batch_job,
)
from seology_pipeline.defs.assets import site_analysis
from seology_pipeline.defs.claude import ClaudeResource
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.names import (
    AUTOMATION_TRIGGER,
    RECRAWL_TRIGGER,
    SITE_ANALYSIS,
    SITES_PARTITIONS,
    TRIGGER_TAG,
)
from seology_pipeline_tests.analysis.conftest import API_KEY, BASIC_ISSUES, seed_site
from seology_pipeline_tests.analysis.fake_anthropic import FakeAnthropic, fake_anthropic


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAnthropic]:
    with fake_anthropic() as server:
        monkeypatch.setenv("SEOLOGY_TEST_CLAUDE_KEY", API_KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
        monkeypatch.setenv("SEOLOGY_ANALYSIS_MODE", "claude")
        monkeypatch.setenv("SEOLOGY_CLAUDE_MAX_RETRIES", "0")
        monkeypatch.setenv("SEOLOGY_ANALYSIS_BATCH", "scheduled")
        yield server


@dg.asset
def crawl_stand_in() -> None:
    """Stands for the crawl run whose trigger tag decides about batching."""


def _crawled_by(engine: Engine, instance: dg.DagsterInstance, site_id: str, trigger: str) -> None:
    run = dg.materialize([crawl_stand_in], instance=instance, tags={TRIGGER_TAG: trigger})
    with session_scope(engine) as session:
        crawl = session.scalars(
            select(Crawl).where(Crawl.site_id == site_id, Crawl.is_current)
        ).one()
        crawl.run_id = run.run_id


def _analyse(
    instance: dg.DagsterInstance, site_id: str, resources: dict[str, Any]
) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [site_analysis],
        partition_key=site_id,
        instance=instance,
        resources=resources,
        tags={TRIGGER_TAG: AUTOMATION_TRIGGER},
    )


def test_a_scheduled_recrawl_is_analysed_through_a_batch(
    engine: Engine, fake: FakeAnthropic
) -> None:
    resources = {
        "database": DatabaseResource(url=engine.url.render_as_string(hide_password=False)),
        "claude": ClaudeResource(api_key_env_var="SEOLOGY_TEST_CLAUDE_KEY"),
    }
    with session_factory(engine)() as session:  # seed_site commits
        seed_site(session, BASIC_ISSUES, site_id="site-1", user_id="user-1")
        seed_site(session, BASIC_ISSUES, site_id="site-2", user_id="user-2")
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(SITES_PARTITIONS, ["site-1", "site-2"])
        _crawled_by(engine, instance, "site-1", RECRAWL_TRIGGER)
        _crawled_by(engine, instance, "site-2", "cli")

        queued = _analyse(instance, "site-1", resources)
        assert queued.success and queued.asset_materializations_for_node(SITE_ANALYSIS) == []
        at_once = _analyse(instance, "site-2", resources)
        [event] = at_once.asset_materializations_for_node(SITE_ANALYSIS)
        assert event.metadata["analyst"].value == "claude"
        assert event.metadata["batched"].value is False
        assert fake.state.batches == {} and len(fake.state.messages) == 1

        with dg.build_schedule_context(
            instance=instance, resources=resources, scheduled_execution_time=utcnow()
        ) as context:
            request = analysis_batch_schedule(context)
        assert isinstance(request, dg.RunRequest)
        submitted = submit_analysis_batch_job.execute_in_process(
            instance=instance, resources=resources
        )
        assert (
            submitted.success
            and submitted.output_for_node("submit_queued_analyses") == "msgbatch_0001"
        )
        assert len(fake.state.batches["msgbatch_0001"].requests) == 1

        def tick() -> dg.SensorResult | dg.SkipReason:
            with dg.build_sensor_context(instance=instance, resources=resources) as context:
                return analysis_batch_results(context)

        assert isinstance(tick(), dg.SkipReason), "the batch is still in progress"
        result = tick()
        assert isinstance(result, dg.SensorResult)
        [landed] = result.asset_events
        assert isinstance(landed, dg.AssetMaterialization)
        assert landed.asset_key == dg.AssetKey(SITE_ANALYSIS) and landed.partition == "site-1"
        assert landed.metadata["batched"].value is True
        assert landed.metadata["batch_result"].value == "succeeded"
        assert landed.metadata["analyst"].value == "claude"
        assert landed.metadata["estimated_cost_usd"].value > 0
        assert len(fake.state.messages) == 1, "no interactive request for the batched site"

        instance.report_runless_asset_event(landed)
        stored = instance.get_latest_materialization_event(dg.AssetKey(SITE_ANALYSIS))
        assert stored is not None and stored.asset_materialization is not None
        assert stored.asset_materialization.partition == "site-1"
        assert isinstance(tick(), dg.SkipReason), "each result is recorded once"
    with session_scope(engine) as session:
        request_row = session.scalars(select(AnalysisRequest)).one()
        assert request_row.status == AnalysisRequestStatus.DONE
