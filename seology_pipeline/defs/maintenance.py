"""Scheduled upkeep: the ``cleanup`` job (daily) and the ``usage_reset`` job (monthly).

Both run in-process (a process per step costs ~40 s here), on schedules in the
``SEOLOGY_SCHEDULE_TIMEZONE`` zone that are on by default. ``usage_reset`` is partitioned by month
(``YYYY-MM`` keys in that zone, the current month included), so each month is visible,
backfillable and idempotent; its schedule runs the month that starts at the tick. The cleanup
schedule skips a tick while a cleanup run is still queued or in progress. The work itself is in
:mod:`seology_pipeline.maintenance`.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import dagster as dg
from pydantic import Field, field_validator
from sqlalchemy import select, union

from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.run_config import parse_config
from seology_pipeline.maintenance.cleanup import CleanupPolicy, clean_up
from seology_pipeline.maintenance.timing import (
    parse_month,
    schedule_timezone,
)
from seology_pipeline.maintenance.usage import OpenMonthError, check_month_resettable, reset_usage
from seology_pipeline.names import (
    DEFAULT_PRIORITY,
    FIRST_USAGE_MONTH,
    MAX_AGE_DAYS,
    MIN_AGE_DAYS,
    SCHEDULE_NAME_TAG,
    USAGE_RESET_JOB,
    USAGE_RESET_SCHEDULE,
    priority_tags,
)

COMPLETED_STATUSES = (
    dg.DagsterRunStatus.SUCCESS,
    dg.DagsterRunStatus.FAILURE,
    dg.DagsterRunStatus.CANCELED,
)
BUSY_STATUSES = (
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.SUSPENDED,
    dg.DagsterRunStatus.CANCELING,
)
# The bulk run deletion below mirrors DagsterInstance.delete_run of this release (read from its
# source); seology_pipeline_tests/maintenance/test_runs.py checks it against the installed one.
BULK_DELETE_VERIFIED_VERSION = "1.13.27"
ASSET_EVENT_TYPES = (
    dg.DagsterEventType.ASSET_MATERIALIZATION.value,
    dg.DagsterEventType.ASSET_OBSERVATION.value,
)


class InstanceRunStore:
    """The Dagster instance's run history as a :class:`~seology_pipeline.maintenance.RunStore`.

    ``delete_run`` one by one opens several connections a run (~0.05–0.15 s a run on PostgreSQL),
    so on a PostgreSQL instance of the verified Dagster release a batch goes in three statements
    instead; any other instance uses the public ``delete_run``.
    """

    def __init__(self, instance: dg.DagsterInstance) -> None:
        self._instance = instance

    @staticmethod
    def _completed(finished_before: datetime) -> dg.RunsFilter:
        # Run storage compares naive UTC timestamps and drops the zone of the bound as given.
        return dg.RunsFilter(
            statuses=list(COMPLETED_STATUSES), updated_before=finished_before.astimezone(UTC)
        )

    def count_completed(self, finished_before: datetime) -> int:
        return self._instance.get_runs_count(self._completed(finished_before))

    def completed_run_ids(self, finished_before: datetime, limit: int) -> Sequence[str]:
        return self._instance.get_run_ids(self._completed(finished_before), limit=limit)

    @property
    def bulk_delete_supported(self) -> bool:
        # Imported here, like the storage tables below: only the cleanup needs them, and every
        # process that loads the definitions (a ``seology crawl``) would pay for them.
        from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

        return (
            dg.__version__ == BULK_DELETE_VERIFIED_VERSION
            and isinstance(self._instance.run_storage, PostgresRunStorage)
            and isinstance(self._instance.event_log_storage, PostgresEventLogStorage)
        )

    def delete_runs(self, run_ids: Sequence[str]) -> None:
        if not self.bulk_delete_supported:
            for run_id in run_ids:
                self._instance.delete_run(run_id)
            return
        from dagster._core.storage.event_log.schema import (
            AssetEventTagsTable,
            ConcurrencySlotsTable,
            PendingStepsTable,
            SqlEventLogStorageTable,
        )
        from dagster._core.storage.runs.schema import RunsTable

        events: Any = self._instance.event_log_storage
        event_ids = select(SqlEventLogStorageTable.c.id).where(
            SqlEventLogStorageTable.c.run_id.in_(run_ids),
            SqlEventLogStorageTable.c.dagster_event_type.in_(ASSET_EVENT_TYPES),
        )
        # Autocommit connections: each statement is its own short transaction. Events go first,
        # so an interruption leaves runs without events (deleted next time), never orphan events.
        with events.index_connection() as connection:
            connection.execute(
                AssetEventTagsTable.delete().where(AssetEventTagsTable.c.event_id.in_(event_ids))
            )
            connection.execute(
                SqlEventLogStorageTable.delete().where(
                    SqlEventLogStorageTable.c.run_id.in_(run_ids)
                )
            )
            holders = (
                connection.execute(
                    union(
                        select(ConcurrencySlotsTable.c.run_id).where(
                            ConcurrencySlotsTable.c.run_id.in_(run_ids)
                        ),
                        select(PendingStepsTable.c.run_id).where(
                            PendingStepsTable.c.run_id.in_(run_ids)
                        ),
                    )
                )
                .scalars()
                .all()
                if events.supports_global_concurrency_limits
                else []
            )
        for run_id in holders:
            events.free_concurrency_slots_for_run(run_id)
        run_storage: Any = self._instance.run_storage
        with run_storage.connect() as connection:  # run tags go with their run (ON DELETE CASCADE)
            connection.execute(RunsTable.delete().where(RunsTable.c.run_id.in_(run_ids)))


AGES = f"{MIN_AGE_DAYS}-{MAX_AGE_DAYS}"


class CleanupConfig(dg.Config):
    """What the cleanup removes; dry_run counts without deleting."""

    days_old: int = Field(
        default=90,
        strict=True,
        ge=MIN_AGE_DAYS,
        le=MAX_AGE_DAYS,
        description=f"Days ({AGES}) after which rollbacks and read notifications go.",
    )
    completed_runs_days: int = Field(
        default=30,
        strict=True,
        ge=MIN_AGE_DAYS,
        le=MAX_AGE_DAYS,
        description=f"Days ({AGES}) after which finished Dagster runs go.",
    )
    audit_log_days: int = Field(
        default=365,
        strict=True,
        ge=MIN_AGE_DAYS,
        le=MAX_AGE_DAYS,
        description=f"Days ({AGES}) after which audit logs go.",
    )
    dry_run: bool = Field(default=False, description="Count what would go; delete nothing.")


class UsageResetConfig(dg.Config):
    """The month to reset when the run has no partition."""

    month: str | None = Field(
        default=None, description="YYYY-MM, e.g. 2026-03; a partitioned run takes its partition."
    )
    force: bool = Field(
        default=False,
        strict=True,
        description="Also reset a month not yet ended (hands quotas back).",
    )

    @field_validator("month")
    @classmethod
    def _valid_month(cls, value: str | None) -> str | None:
        return None if value is None else parse_month(value)


@dg.op(name="clean_up", config_schema=CleanupConfig.to_fields_dict())
def clean_up_op(
    context: dg.OpExecutionContext, database: DatabaseResource
) -> dg.Output[dict[str, Any]]:
    """Delete old rollbacks, notifications, audit logs and finished Dagster runs."""
    config = parse_config(CleanupConfig, context.op_config)
    policy = CleanupPolicy(
        days_old=config.days_old,
        completed_runs_days=config.completed_runs_days,
        audit_log_days=config.audit_log_days,
        dry_run=config.dry_run,
    )
    report = clean_up(
        database.engine, InstanceRunStore(context.instance), policy, run_id=context.run.run_id
    )
    result = report.as_result()
    context.log.info(f"cleanup: {result}")
    return dg.Output(result, metadata=result)


@dg.op(name="reset_usage", config_schema=UsageResetConfig.to_fields_dict())
def reset_usage_op(
    context: dg.OpExecutionContext, database: DatabaseResource
) -> dg.Output[dict[str, Any]]:
    """Create or zero one month's usage record of every user with an active subscription.

    A month that has not ended yet is reset only by its own scheduled run (at its start) or with
    the operator flag ``force``; otherwise the run fails at once with a one-line refusal.
    """
    config = parse_config(UsageResetConfig, context.op_config)
    month = context.partition_key if context.has_partition_key else config.month
    if month is None:
        raise dg.Failure(
            "usage_reset needs a month: a partition or `month` config", allow_retries=False
        )
    scheduled = context.run.tags.get(SCHEDULE_NAME_TAG) == USAGE_RESET_SCHEDULE
    try:
        check_month_resettable(
            month, datetime.now(UTC), schedule_timezone(), force=config.force or scheduled
        )
    except OpenMonthError as exc:
        raise dg.Failure(f"{exc} (`force: true`)", allow_retries=False) from None
    result = {
        "month": month,
        "usersReset": reset_usage(
            database.engine, month, run_id=context.run.run_id, force=config.force
        ),
    }
    context.log.info(f"usage reset: {result}")
    return dg.Output(result, metadata=result)


@dg.job(executor_def=dg.in_process_executor, tags=priority_tags(DEFAULT_PRIORITY))
def cleanup() -> None:
    """Daily upkeep of the app database and of Dagster's own run history."""
    clean_up_op()


def usage_months(timezone: str) -> dg.MonthlyPartitionsDefinition:
    """Months as ``YYYY-MM`` partitions in ``timezone``, from the first billed month to this one."""
    return dg.MonthlyPartitionsDefinition(
        start_date=FIRST_USAGE_MONTH, fmt="%Y-%m", timezone=timezone, end_offset=1
    )


def build_usage_reset(timezone: str) -> dg.JobDefinition:
    """The ``usage_reset`` job over the months of ``timezone``."""

    @dg.job(
        name=USAGE_RESET_JOB,
        partitions_def=usage_months(timezone),
        executor_def=dg.in_process_executor,
        tags=priority_tags(DEFAULT_PRIORITY),
    )
    def usage_reset() -> None:
        """Monthly reset of usage counters for subscribed users."""
        reset_usage_op()

    return usage_reset


def _busy(context: dg.ScheduleEvaluationContext, job_name: str) -> dg.SkipReason | None:
    """A skip reason while a run of ``job_name`` is still queued or in progress."""
    busy = context.instance.get_runs_count(
        dg.RunsFilter(job_name=job_name, statuses=list(BUSY_STATUSES))
    )
    if busy:
        return dg.SkipReason(f"{busy} run(s) of {job_name} still queued or in progress")
    return None


def _tick_time(context: dg.ScheduleEvaluationContext) -> datetime:
    tick = context.scheduled_execution_time or datetime.now(UTC)
    return tick if tick.tzinfo else tick.replace(tzinfo=UTC)


def cleanup_schedule(timezone: str) -> dg.ScheduleDefinition:
    """``cleanup`` every day at 00:00 in ``timezone``."""

    @dg.schedule(
        name="cleanup_daily",
        job=cleanup,
        cron_schedule="0 0 * * *",
        execution_timezone=timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Daily cleanup at 00:00; skips a tick while a cleanup is still running.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        skip = _busy(context, cleanup.name)
        return skip or dg.RunRequest(run_key=_tick_time(context).isoformat())

    return _schedule


def usage_reset_schedule(job: dg.JobDefinition) -> dg.ScheduleDefinition:
    """``job`` on the 1st of each month at 00:00 in its partitions' zone, for the month starting."""
    return dg.build_schedule_from_partitioned_job(
        job,
        name=USAGE_RESET_SCHEDULE,
        day_of_month=1,
        hour_of_day=0,
        minute_of_hour=0,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Resets usage counters on the 1st at 00:00, for the month starting.",
    )


SCHEDULE_TIMEZONE = schedule_timezone()
usage_reset = build_usage_reset(SCHEDULE_TIMEZONE)

defs = dg.Definitions(
    jobs=[cleanup, usage_reset],
    schedules=[cleanup_schedule(SCHEDULE_TIMEZONE), usage_reset_schedule(usage_reset)],
)
