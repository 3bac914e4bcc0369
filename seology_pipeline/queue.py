"""The old job queue's interface, over a running Dagster webserver (DESIGN §5).

    client = QueueClient()                       # SEOLOGY_DAGSTER_URL, e.g. http://127.0.0.1:3000
    run_id = client.enqueue_crawl("site-1", "user-1", max_pages=200, priority="high")
    client.job_status(run_id).status             # JobState.PENDING … COMPLETED

Input is checked against the app database before anything is sent, so bad input never becomes a
run; an unreachable server raises :class:`ServerUnavailableError` and submits nothing.
"""

from __future__ import annotations

import enum
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from dagster_graphql import DagsterGraphQLClient, DagsterGraphQLClientError
from sqlalchemy import Engine

from seology_pipeline.db.engine import make_engine, session_scope
from seology_pipeline.db.models import SiteConnection, User
from seology_pipeline.maintenance.timing import parse_month
from seology_pipeline.names import (
    ANALYSIS_JOB,
    CLEANUP_JOB,
    CODE_LOCATION,
    CRAWL_JOB,
    MANUAL_PRIORITIES,
    MAX_PAGES,
    PARTITION_TAG,
    SITES_PARTITIONS,
    TRIGGER_TAG,
    USAGE_RESET_JOB,
    USER_TAG,
    priority_tags,
)
from seology_pipeline.settings import SettingsError

URL_SETTING = "SEOLOGY_DAGSTER_URL"
REPOSITORY_NAME = "__repository__"
EVENT_PAGE = 1000
MAX_EVENT_PAGES = 50


class QueueError(RuntimeError):
    """A job could not be enqueued or its status read."""


class ValidationError(QueueError, ValueError):
    """The request is invalid (unknown site, wrong owner, out-of-range value); nothing was sent."""


class ServerUnavailableError(QueueError):
    """No Dagster webserver is configured or it cannot be reached; nothing was submitted."""


class RunNotFoundError(QueueError, LookupError):
    """No run has this id."""


class JobState(enum.StrEnum):
    """The old queue's job states."""

    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


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
TERMINAL = (JobState.COMPLETED, JobState.FAILED, JobState.CANCELED)


def job_state(dagster_status: str) -> JobState:
    """The queue state of a Dagster run status (``QUEUED`` → ``PENDING`` …)."""
    try:
        return DAGSTER_STATES[dagster_status]
    except KeyError:
        raise QueueError(f"unknown Dagster run status {dagster_status!r}") from None


@dataclass(frozen=True, slots=True)
class JobStatus:
    """A run as the old ``getJobStatus`` showed it, plus the result fields from its metadata."""

    run_id: str
    job_name: str
    status: JobState
    dagster_status: str
    site_id: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    assets: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.ended_at or datetime.now(UTC)
        return round((end - self.started_at).total_seconds(), 3)

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form (``success`` as the old queue had it: ``None`` while unfinished)."""
        return {
            "runId": self.run_id,
            "job": self.job_name,
            "status": self.status.value,
            "dagsterStatus": self.dagster_status,
            "siteId": self.site_id,
            "success": None if not self.finished else self.status == JobState.COMPLETED,
            "result": self.result,
            "error": self.error,
            "createdAt": self.created_at.isoformat() if self.created_at else None,
            "startedAt": self.started_at.isoformat() if self.started_at else None,
            "endedAt": self.ended_at.isoformat() if self.ended_at else None,
            "durationSeconds": self.duration_seconds,
        }


def dagster_url() -> str | None:
    """The ``SEOLOGY_DAGSTER_URL`` setting, or ``None`` when no webserver is configured."""
    return os.environ.get(URL_SETTING, "").strip() or None


def _client_for(url: str, timeout: int) -> DagsterGraphQLClient:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
        raise SettingsError(
            f"{URL_SETTING} must be the webserver's http(s) URL, e.g. http://127.0.0.1:3000; "
            f"got {url!r}"
        )
    return DagsterGraphQLClient(
        parts.hostname,
        port_number=port,
        use_https=parts.scheme == "https",
        timeout=timeout,
        path_prefix=parts.path.rstrip("/"),
    )


def parse_priority(priority: str) -> int:
    """The ``dagster/priority`` value of ``low`` / ``normal`` / ``high``."""
    try:
        return MANUAL_PRIORITIES[priority]
    except (KeyError, TypeError):
        raise ValidationError(
            f"priority must be one of {', '.join(MANUAL_PRIORITIES)}; got {priority!r}"
        ) from None


def _whole(name: str, value: object, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{name} must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValidationError(f"{name} must be {bounds}, got {value}")
    return value


RUN_QUERY = """
query SeologyRun($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run {
      runId jobName status creationTime startTime endTime
      tags { key value }
    }
    ... on RunNotFoundError { message }
    ... on PythonError { message }
  }
}
"""
EVENTS_QUERY = """
fragment Values on MetadataEntry {
  label
  __typename
  ... on IntMetadataEntry { intRepr }
  ... on FloatMetadataEntry { floatValue }
  ... on BoolMetadataEntry { boolValue }
  ... on TextMetadataEntry { text }
  ... on JsonMetadataEntry { jsonString }
  ... on MarkdownMetadataEntry { mdStr }
}
query SeologyRunEvents($runId: ID!, $cursor: String, $limit: Int) {
  runOrError(runId: $runId) {
    __typename
    ... on Run {
      eventConnection(afterCursor: $cursor, limit: $limit) {
        cursor hasMore
        events {
          __typename
          ... on MaterializationEvent { assetKey { path } partition metadataEntries { ...Values } }
          ... on ExecutionStepOutputEvent { stepKey metadataEntries { ...Values } }
          ... on ExecutionStepFailureEvent { stepKey error { message } }
          ... on RunFailureEvent { message }
        }
      }
    }
    ... on RunNotFoundError { message }
    ... on PythonError { message }
  }
}
"""
ADD_PARTITION_MUTATION = """
mutation SeologyAddPartition($selector: RepositorySelector!, $name: String!, $key: String!) {
  addDynamicPartition(repositorySelector: $selector, partitionsDefName: $name, partitionKey: $key) {
    __typename
    ... on PythonError { message }
    ... on UnauthorizedError { message }
  }
}
"""
_EXCEPTION_PREFIX = re.compile(r"^(?:[\w.]+\.)?(?:Failure|\w+Error|\w+Exception):\s*")


def metadata_values(entries: list[Mapping[str, Any]]) -> dict[str, Any]:
    """GraphQL metadata entries as plain values (numbers, booleans, text, JSON, Markdown)."""
    values: dict[str, Any] = {}
    for entry in entries:
        kind = entry.get("__typename")
        if kind == "IntMetadataEntry":
            values[entry["label"]] = int(entry["intRepr"])
        elif kind == "FloatMetadataEntry":
            values[entry["label"]] = entry["floatValue"]
        elif kind == "BoolMetadataEntry":
            values[entry["label"]] = entry["boolValue"]
        elif kind == "TextMetadataEntry":
            values[entry["label"]] = entry["text"]
        elif kind == "JsonMetadataEntry":
            values[entry["label"]] = json.loads(entry["jsonString"])
        elif kind == "MarkdownMetadataEntry":
            values[entry["label"]] = entry["mdStr"]
    return values


def _error_message(message: str | None) -> str | None:
    if not message:
        return None
    first = message.strip().splitlines()[0] if message.strip() else ""
    return _EXCEPTION_PREFIX.sub("", first) or None


def _when(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp else None


def status_from_graphql(run: Mapping[str, Any], events: list[Mapping[str, Any]]) -> JobStatus:
    """A :class:`JobStatus` from a ``Run`` object and its events (as the GraphQL API returns)."""
    result: dict[str, Any] = {}
    assets: dict[str, dict[str, Any]] = {}
    step_errors: list[str] = []
    run_error: str | None = None
    for event in events:
        kind = event.get("__typename")
        if kind == "MaterializationEvent":
            values = metadata_values(event.get("metadataEntries") or [])
            assets.setdefault("/".join(event["assetKey"]["path"]), {}).update(values)
            result.update(values)
        elif kind == "ExecutionStepOutputEvent":
            result.update(metadata_values(event.get("metadataEntries") or []))
        elif kind == "ExecutionStepFailureEvent":
            message = _error_message((event.get("error") or {}).get("message"))
            if message:
                step_errors.append(message)
        elif kind == "RunFailureEvent":
            run_error = _error_message(event.get("message"))
    tags = {tag["key"]: tag["value"] for tag in run.get("tags") or []}
    state = job_state(run["status"])
    error = None
    if state == JobState.FAILED:
        error = (step_errors[-1] if step_errors else run_error) or "the run failed"
    return JobStatus(
        run_id=run["runId"],
        job_name=run["jobName"],
        status=state,
        dagster_status=run["status"],
        site_id=tags.get(PARTITION_TAG),
        result=result,
        assets=assets,
        error=error,
        created_at=_when(run.get("creationTime")),
        started_at=_when(run.get("startTime")),
        ended_at=_when(run.get("endTime")),
        tags=tags,
    )


def _network_error(exc: BaseException) -> OSError | None:
    """The connection error (requests' errors are ``OSError``s) behind a client error, if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


class QueueClient:
    """Enqueue the pipeline's jobs and read their status through the Dagster webserver.

    ``url``: the webserver (default ``SEOLOGY_DAGSTER_URL``); ``engine``: the app database used to
    validate requests (default ``SEOLOGY_DATABASE_URL``).
    """

    def __init__(
        self, url: str | None = None, *, engine: Engine | None = None, timeout: int = 30
    ) -> None:
        self.url = url or dagster_url()
        if self.url is None:
            raise ServerUnavailableError(
                f"no Dagster webserver configured: set {URL_SETTING} (e.g. http://127.0.0.1:3000)"
            )
        self._client = _client_for(self.url, timeout)
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

    # -- enqueue ----------------------------------------------------------------------------

    def enqueue_crawl(
        self,
        site_id: str,
        user_id: str,
        max_pages: int | None = None,
        priority: str = "normal",
    ) -> str:
        """Launch a crawl (and audit) of ``site_id`` for its owner ``user_id``; returns the run
        id. ``max_pages`` defaults to the site's setting (the run caps it by the plan)."""
        level = parse_priority(priority)
        if max_pages is not None:
            _whole("max_pages", max_pages, 1, MAX_PAGES)
        self._check_site(site_id, user_id, required_user=True)
        config: dict[str, Any] = {"user_id": user_id}
        if max_pages is not None:
            config["max_pages"] = max_pages
        return self._submit_site_job(
            CRAWL_JOB,
            site_id,
            level,
            {"ops": {"crawled_pages": {"config": config}}},
            user_id,
        )

    def enqueue_analysis(
        self, site_id: str, user_id: str | None = None, priority: str = "normal"
    ) -> str:
        """Launch an analysis of the site's current issues; returns the run id."""
        level = parse_priority(priority)
        self._check_site(site_id, user_id, required_user=False)
        return self._submit_site_job(ANALYSIS_JOB, site_id, level, {}, user_id)

    def enqueue_cleanup(
        self,
        days_old: int = 90,
        *,
        completed_runs_days: int | None = None,
        audit_log_days: int | None = None,
        dry_run: bool = False,
        priority: str = "normal",
    ) -> str:
        """Launch the cleanup job (rollbacks and read notifications older than ``days_old``)."""
        level = parse_priority(priority)
        config: dict[str, Any] = {"days_old": _whole("days_old", days_old, 1)}
        if completed_runs_days is not None:
            config["completed_runs_days"] = _whole("completed_runs_days", completed_runs_days, 1)
        if audit_log_days is not None:
            config["audit_log_days"] = _whole("audit_log_days", audit_log_days, 1)
        if not isinstance(dry_run, bool):
            raise ValidationError(f"dry_run must be true or false, got {dry_run!r}")
        config["dry_run"] = dry_run
        return self._submit(
            CLEANUP_JOB, {"ops": {"clean_up": {"config": config}}}, self._tags(level)
        )

    def enqueue_usage_reset(self, month: str, priority: str = "normal") -> str:
        """Launch the usage reset for ``month`` (``YYYY-MM``)."""
        level = parse_priority(priority)
        try:
            month = parse_month(month)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        tags = {**self._tags(level), "seology/month": month}
        return self._submit(
            USAGE_RESET_JOB, {"ops": {"reset_usage": {"config": {"month": month}}}}, tags
        )

    # -- status -----------------------------------------------------------------------------

    def job_status(self, run_id: str) -> JobStatus:
        """The run's state, result fields (from its metadata), error and timings."""
        if not isinstance(run_id, str) or not run_id.strip():
            raise ValidationError("run id must be a non-empty string")
        run = self._run_or_error(RUN_QUERY, {"runId": run_id})
        events: list[Mapping[str, Any]] = []
        if job_state(run["status"]) in TERMINAL:
            events = self._events(run_id)
        return status_from_graphql(run, events)

    def _events(self, run_id: str) -> list[Mapping[str, Any]]:
        events: list[Mapping[str, Any]] = []
        cursor: str | None = None
        for _page in range(MAX_EVENT_PAGES):
            run = self._run_or_error(
                EVENTS_QUERY, {"runId": run_id, "cursor": cursor, "limit": EVENT_PAGE}
            )
            connection = run["eventConnection"]
            events.extend(e for e in connection["events"] if e.get("__typename"))
            cursor = connection["cursor"]
            if not connection["hasMore"]:
                break
        return events

    def _run_or_error(self, query: str, variables: dict[str, Any]) -> Mapping[str, Any]:
        data = self._call(self._client._execute, query, variables)
        run = data["runOrError"]
        if run["__typename"] == "RunNotFoundError":
            raise RunNotFoundError(f"no run with id {variables['runId']!r}")
        if run["__typename"] != "Run":
            raise QueueError(f"the webserver could not read the run: {run.get('message')}")
        return run

    # -- internals --------------------------------------------------------------------------

    def _check_site(self, site_id: str, user_id: str | None, *, required_user: bool) -> None:
        if not isinstance(site_id, str) or not site_id.strip():
            raise ValidationError("site id must be a non-empty string")
        if required_user and (not isinstance(user_id, str) or not user_id.strip()):
            raise ValidationError("user id must be a non-empty string")
        with session_scope(self.engine) as session:
            site = session.get(SiteConnection, site_id)
            if site is None:
                raise ValidationError(f"site {site_id!r} does not exist")
            if not site.is_active:
                raise ValidationError(f"site {site_id!r} is not active")
            if user_id is not None:
                if session.get(User, user_id) is None:
                    raise ValidationError(f"user {user_id!r} does not exist")
                if site.user_id != user_id:
                    raise ValidationError(f"user {user_id!r} does not own site {site_id!r}")

    @staticmethod
    def _tags(priority: int) -> dict[str, str]:
        return {**priority_tags(priority), TRIGGER_TAG: "manual"}

    def _submit_site_job(
        self,
        job_name: str,
        site_id: str,
        priority: int,
        run_config: dict[str, Any],
        user_id: str | None,
    ) -> str:
        self._ensure_partition(site_id)
        tags = {**self._tags(priority), PARTITION_TAG: site_id}
        if user_id:
            tags[USER_TAG] = user_id
        return self._submit(job_name, run_config, tags)

    def _ensure_partition(self, site_id: str) -> None:
        """Register the site as a partition (the sensor may not have seen it yet)."""
        data = self._call(
            self._client._execute,
            ADD_PARTITION_MUTATION,
            {
                "selector": {
                    "repositoryLocationName": CODE_LOCATION,
                    "repositoryName": REPOSITORY_NAME,
                },
                "name": SITES_PARTITIONS,
                "key": site_id,
            },
        )
        kind = data["addDynamicPartition"]["__typename"]
        if kind not in ("AddDynamicPartitionSuccess", "DuplicateDynamicPartitionError"):
            message = data["addDynamicPartition"].get("message")
            raise QueueError(f"could not register site {site_id!r} as a partition: {message}")

    def _submit(self, job_name: str, run_config: dict[str, Any], tags: dict[str, str]) -> str:
        return self._call(
            self._client.submit_job_execution,
            job_name,
            repository_location_name=CODE_LOCATION,
            repository_name=REPOSITORY_NAME,
            run_config=run_config,
            tags=tags,
        )

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DagsterGraphQLClientError as exc:
            network = _network_error(exc)
            if network is not None:
                raise ServerUnavailableError(
                    f"cannot reach the Dagster webserver at {self.url} "
                    f"({type(network).__name__}); start it (`seology dev`) or check {URL_SETTING}"
                ) from None
            kind = str(exc.args[0]).strip().splitlines()[0] if exc.args else type(exc).__name__
            detail = f": {exc.args[1]}" if len(exc.args) > 1 else ""
            raise QueueError(f"the webserver refused the request ({kind}{detail})") from None
