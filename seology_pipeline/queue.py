"""The web app's queue from Python: a thin writer and reader of the ``jobs`` table.

    with QueueClient() as queue:                       # the app database (SEOLOGY_DATABASE_URL)
        job_id = queue.enqueue_crawl("site-1", "user-1", max_pages=200, priority="high")
        queue.job_status(job_id).status                # JobState.PENDING … COMPLETED

Input is checked against the app database before the row is written, so bad input never becomes a
job; the deployment's ``app_requests`` sensor launches the row and writes its status back.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine

from seology_pipeline import jobs
from seology_pipeline.db.engine import make_engine, session_scope
from seology_pipeline.jobs import (
    JobError,
    JobNotFoundError,
    JobState,
    JobStatus,
    JobType,
    PayloadError,
)
from seology_pipeline.names import MANUAL_PRIORITIES

__all__ = [
    "JobError",
    "JobNotFoundError",
    "JobState",
    "JobStatus",
    "JobType",
    "PayloadError",
    "QueueClient",
    "parse_priority",
]


def parse_priority(priority: str | int) -> int:
    """A row priority from ``low`` / ``normal`` / ``high`` (or a whole number)."""
    if isinstance(priority, int) and not isinstance(priority, bool):
        return priority
    try:
        return MANUAL_PRIORITIES[priority]
    except (KeyError, TypeError):
        raise PayloadError(
            f"priority must be one of {', '.join(MANUAL_PRIORITIES)} or a whole number; "
            f"got {priority!r}"
        ) from None


class QueueClient:
    """Enqueue jobs, read and cancel them. ``engine``: the app database (default
    ``SEOLOGY_DATABASE_URL``)."""

    def __init__(self, engine: Engine | None = None) -> None:
        self._engine = engine
        self._owns_engine = engine is None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine()
        return self._engine

    def close(self) -> None:
        if self._owns_engine and self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> QueueClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def enqueue(
        self, job_type: str, payload: Mapping[str, Any], priority: str | int = "normal"
    ) -> str:
        """Insert a PENDING job after validating it; returns its id."""
        with session_scope(self.engine) as session:
            job = jobs.enqueue(session, job_type, payload, priority=parse_priority(priority))
            return job.id

    def enqueue_crawl(
        self,
        site_id: str,
        user_id: str | None = None,
        max_pages: int | None = None,
        priority: str | int = "normal",
    ) -> str:
        """A crawl (then audit) of the site; ``max_pages`` defaults to the site's setting."""
        payload: dict[str, Any] = {"siteId": site_id}
        if user_id is not None:
            payload["userId"] = user_id
        if max_pages is not None:
            payload["maxPages"] = max_pages
        return self.enqueue(JobType.CRAWL_SITE, payload, priority)

    def enqueue_analysis(
        self, site_id: str, user_id: str | None = None, priority: str | int = "normal"
    ) -> str:
        """An analysis of the site's current issues."""
        payload = {"siteId": site_id} | ({"userId": user_id} if user_id is not None else {})
        return self.enqueue(JobType.ANALYZE_ISSUES, payload, priority)

    def enqueue_cleanup(self, days_old: int = 90, priority: str | int = "normal") -> str:
        """The cleanup (rollbacks and read notifications older than ``days_old``)."""
        return self.enqueue(JobType.CLEANUP, {"daysOld": days_old}, priority)

    def enqueue_usage_reset(
        self, month: str, priority: str | int = "normal", *, force: bool = False
    ) -> str:
        """The usage reset of ``month`` (``YYYY-MM``), a month that is over unless ``force``
        (operators only: zeroing the current month hands quotas back)."""
        return self.enqueue(JobType.RESET_USAGE, {"month": month, "force": force}, priority)

    def job_status(self, job_id: str) -> JobStatus:
        """The job (by its id or its run's id) in the one job-status schema."""
        with session_scope(self.engine) as session:
            return JobStatus.of(jobs.find(session, job_id))

    def cancel(self, job_id: str) -> JobStatus:
        """Cancel an unfinished job (a running run is stopped by the sensor)."""
        with session_scope(self.engine) as session:
            return JobStatus.of(jobs.cancel(session, job_id))

    def wait(self, job_id: str, timeout: float = 3600, poll: float = 1.0) -> JobStatus:
        """Poll until the job has finished; :class:`JobError` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.job_status(job_id)
            if status.finished:
                return status
            if time.monotonic() > deadline:
                raise JobError(f"job {job_id} still {status.status.value} after {timeout:g} s")
            time.sleep(poll)
