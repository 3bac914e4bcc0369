"""Daily cleanup: expired rollbacks, old read notifications, old audit logs, old runs and the
``jobs`` rows that finished before those runs' cut-off.

Rows go in batches of ``batch_size``, each batch its own short transaction deleting by primary
key (row locks only, never a table lock on PostgreSQL), so the web app keeps working meanwhile.
Every threshold is strict: a row exactly at the cut-off stays.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Engine, delete, func, select

from seology_pipeline.activity import record_audit
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import AuditLog, Job, Notification, Rollback, utcnow
from seology_pipeline.jobs import finished_before
from seology_pipeline.names import MAX_AGE_DAYS, MIN_AGE_DAYS

DEFAULT_BATCH_SIZE = 5000


@dataclass(frozen=True, slots=True)
class CleanupPolicy:
    """How old is too old. ``days_old`` covers expired rollbacks and read notifications."""

    days_old: int = 90
    completed_runs_days: int = 30
    audit_log_days: int = 365
    dry_run: bool = False

    def __post_init__(self) -> None:
        for name in ("days_old", "completed_runs_days", "audit_log_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not MIN_AGE_DAYS <= value <= MAX_AGE_DAYS:
                raise ValueError(
                    f"{name} must be between {MIN_AGE_DAYS} and {MAX_AGE_DAYS} days, got {value!r}"
                )


@dataclass(frozen=True, slots=True)
class CleanupReport:
    """What a cleanup removed (or, in a dry run, would remove)."""

    rollbacks_cleaned: int
    notifications_cleaned: int
    audit_logs_cleaned: int
    jobs_cleaned: int
    duration_seconds: float
    dry_run: bool
    job_rows_cleaned: int = 0

    def as_result(self) -> dict[str, Any]:
        """The old cleanup job's result fields (camelCase, as the web app reads them)."""
        return {
            "rollbacksCleaned": self.rollbacks_cleaned,
            "jobsCleaned": self.jobs_cleaned,
            "auditLogsCleaned": self.audit_logs_cleaned,
            "notificationsCleaned": self.notifications_cleaned,
            "durationSeconds": round(self.duration_seconds, 3),
            "dryRun": self.dry_run,
            "job_rows_cleaned": self.job_rows_cleaned,
        }


class RunStore(Protocol):
    """The orchestrator's run history, as the cleanup needs it (implemented in the Dagster layer).

    "Completed" means finished (succeeded, failed or canceled) strictly before ``finished_before``;
    queued and running runs are never completed.
    """

    def count_completed(self, finished_before: datetime) -> int: ...

    def completed_run_ids(self, finished_before: datetime, limit: int) -> Sequence[str]: ...

    def delete_runs(self, run_ids: Sequence[str]) -> None:
        """Delete these runs with their event logs."""
        ...


def delete_in_batches(
    engine: Engine,
    model: type[Any],
    condition: ColumnElement[bool],
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> int:
    """Delete rows of ``model`` matching ``condition``, ``batch_size`` ids per transaction.

    Returns how many rows were deleted (in a dry run: how many match, deleting none).
    """
    if dry_run:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(model).where(condition)) or 0
    total = 0
    batch = select(model.id).where(condition).limit(batch_size).scalar_subquery()
    while True:
        with engine.begin() as connection:
            deleted = connection.execute(delete(model).where(model.id.in_(batch))).rowcount
        total += deleted
        if deleted < batch_size:
            return total


def purge_runs(
    store: RunStore,
    finished_before: datetime,
    *,
    keep: Collection[str] = (),
    dry_run: bool = False,
    batch_size: int = 500,
) -> int:
    """Delete completed runs that finished before ``finished_before``, never those in ``keep``.

    Returns the number deleted (in a dry run: the number that would be).
    """
    if dry_run:
        return store.count_completed(finished_before)
    total = 0
    seen: set[str] = set()
    while True:
        found = store.completed_run_ids(finished_before, batch_size + len(keep))
        run_ids = [run_id for run_id in found if run_id not in keep][:batch_size]
        if seen.intersection(run_ids):
            raise RuntimeError("run store returned runs it was asked to delete; stopping")
        if run_ids:
            store.delete_runs(run_ids)
            seen.update(run_ids)
            total += len(run_ids)
        if len(found) < batch_size + len(keep) or not run_ids:
            return total


def clean_up(
    engine: Engine,
    runs: RunStore | None,
    policy: CleanupPolicy,
    *,
    now: datetime | None = None,
    run_id: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> CleanupReport:
    """Run the whole cleanup and record an audit entry ``maintenance.cleanup`` with its result.

    ``run_id`` (the cleanup's own run) is never deleted. Without ``runs`` (outside Dagster) the
    orchestrator's run history is left alone.
    """
    started = time.perf_counter()
    now = now or utcnow()
    rows_cutoff = now - timedelta(days=policy.days_old)
    options: dict[str, Any] = {"dry_run": policy.dry_run, "batch_size": batch_size}
    rollbacks = delete_in_batches(engine, Rollback, Rollback.expires_at < rows_cutoff, **options)
    notifications = delete_in_batches(
        engine,
        Notification,
        (Notification.is_read == True) & (Notification.created_at < rows_cutoff),  # noqa: E712
        **options,
    )
    audit_logs = delete_in_batches(
        engine,
        AuditLog,
        AuditLog.created_at < now - timedelta(days=policy.audit_log_days),
        **options,
    )
    runs_cutoff = now - timedelta(days=policy.completed_runs_days)
    job_rows = delete_in_batches(engine, Job, finished_before(runs_cutoff), **options)
    jobs = (
        purge_runs(runs, runs_cutoff, keep={run_id} if run_id else (), dry_run=policy.dry_run)
        if runs is not None
        else 0
    )
    report = CleanupReport(
        rollbacks_cleaned=rollbacks,
        notifications_cleaned=notifications,
        audit_logs_cleaned=audit_logs,
        jobs_cleaned=jobs,
        duration_seconds=time.perf_counter() - started,
        dry_run=policy.dry_run,
        job_rows_cleaned=job_rows,
    )
    with session_scope(engine) as session:
        record_audit(session, "maintenance.cleanup", run_id=run_id, **report.as_result())
    return report
