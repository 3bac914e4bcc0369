"""The Dagster layer: jobs run in-process on real instances, schedules evaluated at real ticks."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from dagster._core.definitions.schedule_definition import ScheduleExecutionData
from sqlalchemy import Engine, select

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    AuditLog,
    Notification,
    Subscription,
    SubscriptionStatus,
    UsageRecord,
    User,
)
from seology_pipeline.definitions import defs as location_defs
from seology_pipeline.defs import maintenance
from seology_pipeline.defs.maintenance import (
    build_usage_reset,
    cleanup,
    cleanup_schedule,
    usage_reset,
    usage_reset_schedule,
)
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline_tests.maintenance.helpers import add_run

Status = dg.DagsterRunStatus


def resources(engine: Engine) -> dict[str, DatabaseResource]:
    return {"database": DatabaseResource(url=engine.url.render_as_string(hide_password=False))}


def test_location_has_both_jobs_and_schedules_on_by_default() -> None:
    repository = location_defs.get_repository_def()
    assert {"cleanup", "usage_reset"} <= set(repository.job_names)
    schedules = {s.name: s for s in repository.schedule_defs}
    daily, monthly = schedules["cleanup_daily"], schedules["usage_reset_monthly"]
    assert (daily.job_name, daily.cron_schedule) == ("cleanup", "0 0 * * *")
    assert (monthly.job_name, monthly.cron_schedule) == ("usage_reset", "0 0 1 * *")
    for schedule in (daily, monthly):
        assert schedule.execution_timezone == maintenance.SCHEDULE_TIMEZONE == "UTC"
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    for job in (cleanup, usage_reset):
        assert job.executor_def.name == "in_process"
    months = usage_reset.partitions_def
    assert isinstance(months, dg.MonthlyPartitionsDefinition) and months.timezone == "UTC"
    keys = months.get_partition_keys()
    assert keys[0] == "2024-01" and keys[-1] == datetime.now(UTC).strftime("%Y-%m")


def test_cleanup_job_deletes_old_data_and_runs_and_reports(
    engine: Engine, instance: dg.DagsterInstance
) -> None:
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        session.add(User(id="u1"))
        session.flush()
        for days, is_read in ((91, True), (91, False), (89, True)):
            session.add(
                Notification(
                    user_id="u1",
                    kind="k",
                    title=f"{days} {is_read}",
                    is_read=is_read,
                    created_at=now - timedelta(days=days),
                )
            )
        session.add(AuditLog(action="ancient", created_at=now - timedelta(days=400)))
    old_run = add_run(instance, Status.SUCCESS, now - timedelta(days=31))
    queued = add_run(instance, Status.QUEUED, now - timedelta(days=31), job_name="cleanup")

    result = cleanup.execute_in_process(instance=instance, resources=resources(engine))

    expected = {
        "rollbacksCleaned": 0,
        "jobsCleaned": 1,
        "auditLogsCleaned": 1,
        "notificationsCleaned": 1,
        "dryRun": False,
    }
    output = result.output_for_node("clean_up")
    assert {key: output[key] for key in expected} == expected
    assert output["durationSeconds"] >= 0
    [materialized] = [
        e for e in result.all_node_events if e.event_type == dg.DagsterEventType.STEP_OUTPUT
    ]
    metadata = materialized.step_output_data.metadata
    assert metadata["jobsCleaned"].value == 1 and "durationSeconds" in metadata
    assert set(instance.get_run_ids()) == {queued, result.run_id}
    assert instance.get_run_by_id(old_run) is None
    with session_scope(engine) as session:
        entry = session.scalars(
            select(AuditLog).where(AuditLog.action == "maintenance.cleanup")
        ).one()
        assert entry.run_id == result.run_id
        assert entry.details["notificationsCleaned"] == 1
        assert sorted(session.scalars(select(Notification.title))) == ["89 True", "91 False"]


def test_cleanup_job_dry_run_from_config(engine: Engine, instance: dg.DagsterInstance) -> None:
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        session.add(AuditLog(action="old", created_at=now - timedelta(days=20)))
    old_run = add_run(instance, Status.FAILURE, now - timedelta(days=10))
    config = {"days_old": 5, "completed_runs_days": 5, "audit_log_days": 5, "dry_run": True}

    result = cleanup.execute_in_process(
        instance=instance,
        resources=resources(engine),
        run_config={"ops": {"clean_up": {"config": config}}},
    )

    output = result.output_for_node("clean_up")
    assert (output["jobsCleaned"], output["auditLogsCleaned"], output["dryRun"]) == (1, 1, True)
    assert instance.get_run_by_id(old_run) is not None
    with session_scope(engine) as session:
        assert session.scalars(select(AuditLog).where(AuditLog.action == "old")).one()


@pytest.mark.parametrize("field", ["days_old", "completed_runs_days", "audit_log_days"])
def test_cleanup_job_rejects_thresholds_below_one(
    engine: Engine, instance: dg.DagsterInstance, field: str
) -> None:
    with pytest.raises(Exception, match=field) as caught:
        cleanup.execute_in_process(
            instance=instance,
            resources=resources(engine),
            run_config={"ops": {"clean_up": {"config": {field: 0}}}},
        )
    assert "greater than or equal to 1" in str(caught.value)


def subscribe(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add_all([User(id="a"), User(id="b")])
        session.flush()
        session.add(Subscription(user_id="a", plan_code="pro", status=SubscriptionStatus.ACTIVE))
        session.add(Subscription(user_id="b", plan_code="pro", status=SubscriptionStatus.CANCELED))


def test_usage_reset_job_with_month_config(engine: Engine, instance: dg.DagsterInstance) -> None:
    subscribe(engine)
    result = usage_reset.execute_in_process(
        instance=instance,
        resources=resources(engine),
        run_config={"ops": {"reset_usage": {"config": {"month": "2026-07"}}}},
    )
    assert result.output_for_node("reset_usage") == {"month": "2026-07", "usersReset": 1}
    with session_scope(engine) as session:
        assert session.execute(select(UsageRecord.user_id, UsageRecord.month)).all() == [
            ("a", "2026-07")
        ]


def test_usage_reset_job_runs_a_past_month_partition_again_with_the_same_rows(
    engine: Engine, instance: dg.DagsterInstance
) -> None:
    subscribe(engine)
    for _ in range(2):
        result = usage_reset.execute_in_process(
            instance=instance, resources=resources(engine), partition_key="2026-02"
        )
        assert result.output_for_node("reset_usage") == {"month": "2026-02", "usersReset": 1}
    with session_scope(engine) as session:
        assert session.execute(select(UsageRecord.user_id, UsageRecord.month)).all() == [
            ("a", "2026-02")
        ]


def test_usage_reset_of_the_current_month_is_refused_unless_forced(
    engine: Engine, instance: dg.DagsterInstance
) -> None:
    subscribe(engine)
    this_month = datetime.now(UTC).strftime("%Y-%m")
    with pytest.raises(dg.Failure, match=f"usage reset of {this_month} refused: .*`force: true`"):
        usage_reset.execute_in_process(
            instance=instance, resources=resources(engine), partition_key=this_month
        )
    with session_scope(engine) as session:
        assert session.scalars(select(UsageRecord)).all() == []
    with pytest.raises(dg.Failure, match="needs a month"):
        usage_reset.execute_in_process(instance=instance, resources=resources(engine))
    forced = usage_reset.execute_in_process(
        instance=instance,
        resources=resources(engine),
        partition_key=this_month,
        run_config={"ops": {"reset_usage": {"config": {"force": True}}}},
    )
    assert forced.output_for_node("reset_usage") == {"month": this_month, "usersReset": 1}


def test_the_scheduled_run_resets_the_month_it_starts(
    engine: Engine, instance: dg.DagsterInstance
) -> None:
    subscribe(engine)
    this_month = datetime.now(UTC).strftime("%Y-%m")
    result = usage_reset.execute_in_process(
        instance=instance,
        resources=resources(engine),
        partition_key=this_month,
        tags={"dagster/schedule_name": "usage_reset_monthly"},
    )
    assert result.output_for_node("reset_usage") == {"month": this_month, "usersReset": 1}


@pytest.mark.parametrize("month", ["2026-13", "2026-7", "July", "2026-07-01"])
def test_usage_reset_job_rejects_bad_months(
    engine: Engine, instance: dg.DagsterInstance, month: str
) -> None:
    subscribe(engine)
    with pytest.raises(Exception, match="month must be YYYY-MM") as caught:
        usage_reset.execute_in_process(
            instance=instance,
            resources=resources(engine),
            run_config={"ops": {"reset_usage": {"config": {"month": month}}}},
        )
    assert "month" in str(caught.value)
    with session_scope(engine) as session:
        assert session.scalars(select(UsageRecord)).all() == []


def evaluate(
    schedule: dg.ScheduleDefinition, instance: dg.DagsterInstance, tick: datetime
) -> ScheduleExecutionData:
    context = dg.build_schedule_context(instance=instance, scheduled_execution_time=tick)
    return schedule.evaluate_tick(context)


@pytest.mark.parametrize(
    ("timezone", "tick", "month"),
    [
        ("UTC", datetime(2026, 2, 1, tzinfo=UTC), "2026-02"),
        ("UTC", datetime(2026, 3, 1, tzinfo=UTC), "2026-03"),
        ("UTC", datetime(2027, 1, 1, tzinfo=UTC), "2027-01"),
        # Midnight on the 1st in the schedule's zone, still the previous month in UTC.
        ("Pacific/Auckland", datetime(2027, 1, 1, tzinfo=ZoneInfo("Pacific/Auckland")), "2027-01"),
        ("Pacific/Auckland", datetime(2026, 2, 28, 11, tzinfo=UTC), "2026-03"),
        ("Europe/Berlin", datetime(2025, 12, 31, 23, tzinfo=UTC), "2026-01"),
        ("America/New_York", datetime(2026, 2, 1, tzinfo=ZoneInfo("America/New_York")), "2026-02"),
    ],
)
def test_usage_reset_schedule_resets_the_ticks_month(
    instance: dg.DagsterInstance, timezone: str, tick: datetime, month: str
) -> None:
    schedule = usage_reset_schedule(build_usage_reset(timezone))
    assert schedule.execution_timezone == timezone
    [request] = evaluate(schedule, instance, tick).run_requests
    assert request.partition_key == request.run_key == month
    assert request.tags["dagster/schedule_name"] == "usage_reset_monthly"


@pytest.mark.parametrize("status", [Status.QUEUED, Status.STARTING, Status.STARTED])
def test_cleanup_schedule_skips_while_a_cleanup_is_queued_or_running(
    instance: dg.DagsterInstance, status: dg.DagsterRunStatus
) -> None:
    tick = datetime(2026, 5, 1, tzinfo=UTC)
    busy = add_run(instance, status, tick - timedelta(hours=1), job_name="cleanup")
    daily = cleanup_schedule("UTC")

    skipped = evaluate(daily, instance, tick)
    assert skipped.run_requests == [] and "still queued or in progress" in skipped.skip_message

    instance.run_storage.handle_run_event(
        busy,
        dg.DagsterEvent(event_type_value="PIPELINE_SUCCESS", job_name="cleanup"),
        update_timestamp=tick,
    )
    assert len(evaluate(daily, instance, tick).run_requests) == 1


def test_cleanup_schedule_requests_a_run_per_tick(instance: dg.DagsterInstance) -> None:
    schedule = cleanup_schedule("Asia/Tokyo")
    tick = datetime(2026, 12, 31, tzinfo=ZoneInfo("Asia/Tokyo"))
    [request] = evaluate(schedule, instance, tick).run_requests
    assert request.run_key == tick.isoformat()
    add_run(instance, Status.STARTED, tick, job_name="cleanup")
    assert evaluate(schedule, instance, tick).run_requests == []
