"""The ``jobs`` table: the web app's queue and the one job history it shows.

The web app enqueues by inserting ``type`` and ``payload`` (every other column has a database
default); the pipeline validates the payload, launches the matching run and writes the status
back. This module is that table's only reader and writer on the Python side: payload validation
(bounds from :mod:`seology_pipeline.names`), claiming pending rows, recording run outcomes,
cancelling, listing, and the one job-status schema every entry point prints.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, update
from sqlalchemy.orm import Session

from seology_pipeline.accounts import month_key
from seology_pipeline.db.models import Job, JobState, SiteConnection, User, utcnow
from seology_pipeline.maintenance.timing import parse_month
from seology_pipeline.names import (
    ANALYSIS_JOB,
    CLEANUP_JOB,
    CLEANUP_OP,
    CRAWL_JOB,
    CRAWLED_PAGES,
    EXPORT_REPORT_JOB,
    JOB_ID_TAG,
    MAX_AGE_DAYS,
    MAX_ATTEMPTS,
    MAX_JOB_PRIORITY,
    MAX_PAGES,
    MAX_RETRIES_TAG,
    MAX_SITE_ID_LENGTH,
    MIN_AGE_DAYS,
    MIN_ATTEMPTS,
    MIN_JOB_PRIORITY,
    MONTH_TAG,
    TRIGGER_TAG,
    USAGE_RESET_JOB,
    USAGE_RESET_OP,
    USER_TAG,
    priority_tags,
)

__all__ = ["JobState"]

TERMINAL = (JobState.COMPLETED, JobState.FAILED, JobState.CANCELED)
RESULT_FIELDS = (
    "success",
    "pagesAnalyzed",
    "issuesFound",
    "conversationId",
    "issuesAnalyzed",
    "rollbacksCleaned",
    "jobsCleaned",
    "usersReset",
)
"""The public result fields (the old queue's names); every other result field is snake_case."""
MAX_ERROR_LENGTH = 1000


class JobType(enum.StrEnum):
    CRAWL_SITE = "CRAWL_SITE"
    ANALYZE_ISSUES = "ANALYZE_ISSUES"
    CLEANUP = "CLEANUP"
    RESET_USAGE = "RESET_USAGE"
    EXPORT_REPORT = "EXPORT_REPORT"


JOB_NAMES: dict[JobType, str] = {
    JobType.CRAWL_SITE: CRAWL_JOB,
    JobType.ANALYZE_ISSUES: ANALYSIS_JOB,
    JobType.CLEANUP: CLEANUP_JOB,
    JobType.RESET_USAGE: USAGE_RESET_JOB,
    JobType.EXPORT_REPORT: EXPORT_REPORT_JOB,
}
DAGSTER_STATES: dict[str, JobState] = {
    "QUEUED": JobState.PENDING,
    "NOT_STARTED": JobState.PENDING,
    "MANAGED": JobState.PENDING,
    "STARTING": JobState.PENDING,
    "STARTED": JobState.PROCESSING,
    "CANCELING": JobState.PROCESSING,
    "SUSPENDED": JobState.PROCESSING,
    "SUCCESS": JobState.COMPLETED,
    "FAILURE": JobState.FAILED,
    "CANCELED": JobState.CANCELED,
}


class JobError(RuntimeError):
    """A job could not be enqueued, found or changed."""


class PayloadError(JobError, ValueError):
    """A job's type, payload, priority or attempts are invalid; nothing was launched."""


class JobNotFoundError(JobError, LookupError):
    """No job (nor run) has this id."""


def job_state(dagster_status: str) -> JobState:
    """The job state of a Dagster run status (``QUEUED`` → ``PENDING`` …)."""
    try:
        return DAGSTER_STATES[dagster_status]
    except KeyError:
        raise JobError(f"unknown Dagster run status {dagster_status!r}") from None


# --- Payload validation ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Launch:
    """What a valid job runs: a Dagster job, for a site partition or not, with one op's config."""

    job_name: str
    site_id: str | None = None
    user_id: str | None = None
    op: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    month: str | None = None


FIELDS: dict[JobType, tuple[str, ...]] = {
    JobType.CRAWL_SITE: ("siteId", "userId", "maxPages"),
    JobType.ANALYZE_ISSUES: ("siteId", "userId"),
    JobType.CLEANUP: ("daysOld", "completedRunsDays", "auditLogDays", "dryRun"),
    JobType.RESET_USAGE: ("month", "force"),
    JobType.EXPORT_REPORT: ("siteId",),
}


def whole_number(name: str, value: object, low: int, high: int) -> int:
    """``value`` if it is an integer within ``low``–``high``, else a :class:`PayloadError`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(f"{name} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise PayloadError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"{name} must be a non-empty string, got {value!r}")
    return value


def parse_type(value: object) -> JobType:
    try:
        return JobType(value)
    except ValueError:
        raise PayloadError(f"type must be one of {', '.join(JobType)}; got {value!r}") from None


def check_site(session: Session, site_id: str, user_id: str | None) -> None:
    """The site exists and is active, and ``user_id`` (when given) exists and owns it."""
    if len(site_id) > MAX_SITE_ID_LENGTH:
        raise PayloadError(f"site id must be at most {MAX_SITE_ID_LENGTH} characters")
    site = session.get(SiteConnection, site_id)
    if site is None:
        raise PayloadError(f"site {site_id!r} does not exist")
    if not site.is_active:
        raise PayloadError(f"site {site_id!r} is not active")
    if user_id is not None:
        if session.get(User, user_id) is None:
            raise PayloadError(f"user {user_id!r} does not exist")
        if site.user_id != user_id:
            raise PayloadError(f"user {user_id!r} does not own site {site_id!r}")


def validate(session: Session, job_type: object, payload: object) -> Launch:
    """The launch a job's ``type`` and ``payload`` ask for, or a one-line :class:`PayloadError`."""
    kind = parse_type(job_type)
    if not isinstance(payload, Mapping):
        raise PayloadError(f"payload must be a JSON object, got {payload!r}")
    unknown = sorted(set(payload) - set(FIELDS[kind]))
    if unknown:
        raise PayloadError(
            f"unknown payload field {unknown[0]!r} for {kind}; expected {', '.join(FIELDS[kind])}"
        )
    if kind in (JobType.CRAWL_SITE, JobType.ANALYZE_ISSUES):
        site_id = _text("siteId", payload.get("siteId"))
        user_id = _text("userId", payload["userId"]) if "userId" in payload else None
        check_site(session, site_id, user_id)
        if kind == JobType.ANALYZE_ISSUES:
            return Launch(JOB_NAMES[kind], site_id, user_id)
        config: dict[str, Any] = {"user_id": user_id}
        if "maxPages" in payload:
            config["max_pages"] = whole_number("maxPages", payload["maxPages"], 1, MAX_PAGES)
        return Launch(JOB_NAMES[kind], site_id, user_id, CRAWLED_PAGES, config)
    if kind == JobType.EXPORT_REPORT:
        site_id = _text("siteId", payload.get("siteId"))
        check_site(session, site_id, None)
        return Launch(JOB_NAMES[kind], site_id)
    if kind == JobType.CLEANUP:
        config = {}
        for name, key in (
            ("daysOld", "days_old"),
            ("completedRunsDays", "completed_runs_days"),
            ("auditLogDays", "audit_log_days"),
        ):
            if name in payload:
                config[key] = whole_number(name, payload[name], MIN_AGE_DAYS, MAX_AGE_DAYS)
        if "dryRun" in payload:
            if not isinstance(payload["dryRun"], bool):
                raise PayloadError(f"dryRun must be true or false, got {payload['dryRun']!r}")
            config["dry_run"] = payload["dryRun"]
        return Launch(JOB_NAMES[kind], op=CLEANUP_OP, config=config)
    if payload.get("month") is None:
        raise PayloadError('month is required, e.g. {"month": "2026-11"}')
    try:
        month = parse_month(payload["month"])
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"month: {exc}") from None
    force = payload.get("force", False)
    if not isinstance(force, bool):
        raise PayloadError(f"force must be true or false, got {force!r}")
    if month >= month_key() and not force:
        raise PayloadError(
            f"usage of {month} can be reset only once the month is over (an operator may force it)"
        )
    return Launch(JOB_NAMES[kind], op=USAGE_RESET_OP, config={"force": force}, month=month)


def validate_row(session: Session, job: Job) -> Launch:
    """:func:`validate` of a row as the web app wrote it, priority and attempts included; the
    row learns its site."""
    whole_number("priority", job.priority, MIN_JOB_PRIORITY, MAX_JOB_PRIORITY)
    whole_number("max_attempts", job.max_attempts, MIN_ATTEMPTS, MAX_ATTEMPTS)
    launch = validate(session, job.type, job.payload)
    job.site_id = launch.site_id
    return launch


# --- The job-status schema ---------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


@dataclass(frozen=True, slots=True)
class JobStatus:
    """One job as every entry point shows it (CLI, queue client, the ``jobs`` row)."""

    id: str
    type: str
    status: JobState
    priority: int = 0
    payload: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: str | None = None
    attempts: int = 0
    max_attempts: int = 3
    run_id: str | None = None
    site_id: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL

    @classmethod
    def of(cls, job: Job) -> JobStatus:
        return cls(
            id=job.id,
            type=job.type,
            status=JobState(job.status),
            priority=job.priority,
            payload=dict(job.payload or {}),
            result=job.result,
            error=job.error,
            attempts=job.attempts,
            max_attempts=job.max_attempts,
            run_id=job.run_id,
            site_id=job.site_id,
            created_at=job.created_at,
            started_at=job.started_at,
            completed_at=job.completed_at,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form: the table's column names, ISO-8601 UTC times."""
        return {
            "id": self.id,
            "type": self.type,
            "status": self.status.value,
            "priority": self.priority,
            "payload": self.payload,
            "result": self.result,
            "error": self.error,
            "attempts": self.attempts,
            "max_attempts": self.max_attempts,
            "run_id": self.run_id,
            "site_id": self.site_id,
            "created_at": _iso(self.created_at),
            "started_at": _iso(self.started_at),
            "completed_at": _iso(self.completed_at),
        }


_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def result_fields(values: Mapping[str, Any], *, success: bool) -> dict[str, Any]:
    """A job's result from its runs' metadata: the public fields under their names, every other
    scalar once, in snake_case (``health_score``; ``conversation_id`` is ``conversationId``)."""
    result: dict[str, Any] = {"success": success}
    for key, value in values.items():
        if not isinstance(value, str | int | float | bool) and value is not None:
            continue
        name = key if key in RESULT_FIELDS else _CAMEL.sub(r"_\1", key).lower()
        result.setdefault(name, value)
    public = {_CAMEL.sub(r"_\1", name).lower() for name in RESULT_FIELDS}
    return {k: v for k, v in result.items() if k in RESULT_FIELDS or k not in public}


def run_tags(job: Job, launch: Launch) -> dict[str, str]:
    """The tags of the run launched for ``job``: its row id, priority and retry limit."""
    tags = {
        JOB_ID_TAG: job.id,
        **priority_tags(job.priority),
        TRIGGER_TAG: "jobs_table",
        MAX_RETRIES_TAG: str(job.max_attempts - 1),
    }
    if launch.user_id:
        tags[USER_TAG] = launch.user_id
    if launch.month:
        tags[MONTH_TAG] = launch.month
    return tags


# --- Table access ------------------------------------------------------------------------------


def new_job_id() -> str:
    return uuid.uuid4().hex


def enqueue(
    session: Session,
    job_type: object,
    payload: Mapping[str, Any],
    *,
    priority: int = 0,
    max_attempts: int = 3,
) -> Job:
    """Validate and insert a PENDING job; the sensor launches it. Bad input inserts nothing."""
    launch = validate(session, job_type, payload)
    job = Job(
        id=new_job_id(),
        type=parse_type(job_type).value,
        payload=dict(payload),
        priority=whole_number("priority", priority, MIN_JOB_PRIORITY, MAX_JOB_PRIORITY),
        max_attempts=whole_number("max_attempts", max_attempts, MIN_ATTEMPTS, MAX_ATTEMPTS),
        site_id=launch.site_id,
        status=JobState.PENDING,
        attempts=0,
        created_at=utcnow(),
    )
    session.add(job)
    session.flush()
    return job


def find(session: Session, job_or_run_id: str) -> Job:
    """The job with this id, or whose run has this id."""
    job = session.get(Job, job_or_run_id) or session.scalar(
        select(Job).where(Job.run_id == job_or_run_id)
    )
    if job is None:
        raise JobNotFoundError(f"no run or job {job_or_run_id!r}")
    return job


def list_jobs(
    session: Session,
    *,
    status: JobState | None = None,
    job_type: str | None = None,
    site_id: str | None = None,
    limit: int = 50,
) -> list[Job]:
    """The newest jobs first, optionally of one status, type or site."""
    query: Select[tuple[Job]] = select(Job).order_by(Job.created_at.desc(), Job.id).limit(limit)
    if status is not None:
        query = query.where(Job.status == status)
    if job_type is not None:
        query = query.where(Job.type == job_type)
    if site_id is not None:
        query = query.where(Job.site_id == site_id)
    return list(session.scalars(query))


def cancel(session: Session, job_id: str) -> Job:
    """Cancel a job that has not finished (its run, if any, is stopped by the sensor)."""
    job = find(session, job_id)
    if job.status in TERMINAL:
        raise JobError(f"job {job.id} already ended {job.status.value}")
    now = utcnow()
    session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status.in_([JobState.PENDING, JobState.PROCESSING]))
        .values(status=JobState.CANCELED, completed_at=now, error="canceled on request")
    )
    session.refresh(job)
    return job


def claim_pending(session: Session, limit: int) -> list[Job]:
    """Up to ``limit`` pending, not yet launched jobs by priority then age, marked as launched.

    The mark is one conditional ``UPDATE``: of two sensor ticks racing for a row, only one gets
    it (the other's ``UPDATE`` no longer matches), so a row is never launched twice.
    """
    candidates = select(Job.id).where(Job.status == JobState.PENDING, Job.launched_at.is_(None))
    ids = list(
        session.scalars(
            candidates.order_by(Job.priority.desc(), Job.created_at, Job.id).limit(limit)
        )
    )
    if not ids:
        return []
    claimed = set(
        session.scalars(
            update(Job)
            .where(Job.id.in_(ids), Job.status == JobState.PENDING, Job.launched_at.is_(None))
            .values(launched_at=utcnow())
            .returning(Job.id)
        )
    )
    jobs = {job.id: job for job in session.scalars(select(Job).where(Job.id.in_(claimed)))}
    return [jobs[job_id] for job_id in ids if job_id in jobs]


def launched_without_run(session: Session, limit: int = 1000) -> list[Job]:
    """Launched jobs whose run id is not known yet (the run is queued or was never created)."""
    return list(
        session.scalars(
            select(Job)
            .where(
                Job.launched_at.is_not(None),
                Job.run_id.is_(None),
                Job.status.in_([JobState.PENDING, JobState.CANCELED]),
            )
            .limit(limit)
        )
    )


def canceled_with_run(session: Session, since: datetime) -> list[str]:
    """Run ids of jobs canceled since ``since`` (their runs are to be stopped)."""
    return list(
        session.scalars(
            select(Job.run_id).where(
                Job.status == JobState.CANCELED,
                Job.run_id.is_not(None),
                or_(Job.completed_at.is_(None), Job.completed_at >= since),
            )
        )
    )


def fail(session: Session, job: Job, error: str) -> None:
    """End a job FAILED with ``error`` (one line) without launching anything."""
    job.status = JobState.FAILED
    job.error = error.strip().splitlines()[0][:MAX_ERROR_LENGTH] if error.strip() else "failed"
    job.completed_at = utcnow()
    job.result = {"success": False}


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """A run's state as the ``jobs`` table records it (built from Dagster's run in the Dagster
    layer)."""

    run_id: str
    job_type: str
    state: JobState
    job_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    site_id: str | None = None
    priority: int = 0
    result: dict[str, Any] | None = None
    error: str | None = None
    attempts: int = 1
    max_attempts: int = 1
    created_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None

    @property
    def success(self) -> bool:
        return self.state == JobState.COMPLETED

    def status(self) -> JobStatus:
        """The outcome in the job-status schema (for a run with no ``jobs`` row)."""
        return JobStatus(
            id=self.job_id or self.run_id,
            type=self.job_type,
            status=self.state,
            priority=self.priority,
            payload=self.payload,
            result=self.result,
            error=self.error,
            attempts=self.attempts,
            max_attempts=self.max_attempts,
            run_id=self.run_id,
            site_id=self.site_id,
            created_at=self.created_at,
            started_at=self.started_at,
            completed_at=self.completed_at,
        )


def record_run(session: Session, outcome: RunOutcome) -> Job:
    """Write a run's state into its job (a run started elsewhere gets a row of its own).

    A canceled job stays canceled; another finished job keeps its state unless a later attempt
    (a Dagster run retry) reports.
    """
    job = session.get(Job, outcome.job_id or outcome.run_id) or session.scalar(
        select(Job).where(Job.run_id == outcome.run_id)
    )
    if job is None:
        job = Job(
            id=outcome.job_id or outcome.run_id,
            type=outcome.job_type,
            payload=outcome.payload,
            priority=outcome.priority,
            site_id=outcome.site_id,
            max_attempts=outcome.max_attempts,
            created_at=outcome.created_at or utcnow(),
            attempts=0,
            status=JobState.PENDING,
        )
        session.add(job)
    elif job.status == JobState.CANCELED or (
        job.status in TERMINAL and outcome.attempts <= job.attempts
    ):
        if job.run_id is None:
            job.run_id = outcome.run_id
        return job
    job.run_id = outcome.run_id
    job.site_id = job.site_id or outcome.site_id
    job.status = outcome.state
    job.attempts = max(job.attempts, outcome.attempts)
    job.started_at = job.started_at or outcome.started_at
    if outcome.error is not None:
        job.error = outcome.error[:MAX_ERROR_LENGTH]
    if outcome.state in TERMINAL:
        job.result = outcome.result
        job.completed_at = outcome.completed_at or utcnow()
    session.flush()
    return job


def attach_runs(session: Session, runs: Mapping[str, str]) -> None:
    """Record the run id of launched jobs (``{job id: run id}``)."""
    for job_id, run_id in runs.items():
        session.execute(
            update(Job).where(Job.id == job_id, Job.run_id.is_(None)).values(run_id=run_id)
        )


def release(session: Session, job_ids: Sequence[str]) -> None:
    """Make launched jobs whose run never appeared pending again (the launch was lost)."""
    session.execute(
        update(Job)
        .where(Job.id.in_(job_ids), Job.run_id.is_(None), Job.status == JobState.PENDING)
        .values(launched_at=None)
    )


def finished_before(cutoff: datetime) -> ColumnElement[bool]:
    """The condition of finished jobs that completed before ``cutoff`` (for the cleanup)."""
    return Job.status.in_(TERMINAL) & (Job.completed_at < cutoff)
