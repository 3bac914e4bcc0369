"""The cleanup's app-database part and its run purge loop, on SQLite and PostgreSQL."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    AuditLog,
    Job,
    JobState,
    Notification,
    Rollback,
    SiteConnection,
    User,
)
from seology_pipeline.maintenance.cleanup import (
    CleanupPolicy,
    clean_up,
    delete_in_batches,
    purge_runs,
)

NOW = datetime(2026, 6, 15, 12, 0, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


class ListRunStore:
    """An in-memory run history: (run id, finished at or None while queued/running)."""

    def __init__(self, runs: dict[str, datetime | None]) -> None:
        self.runs = dict(runs)
        self.batches: list[list[str]] = []

    def _old(self, finished_before: datetime) -> list[str]:
        return [rid for rid, end in self.runs.items() if end is not None and end < finished_before]

    def count_completed(self, finished_before: datetime) -> int:
        return len(self._old(finished_before))

    def completed_run_ids(self, finished_before: datetime, limit: int) -> Sequence[str]:
        return self._old(finished_before)[:limit]

    def delete_runs(self, run_ids: Sequence[str]) -> None:
        self.batches.append(list(run_ids))
        for run_id in run_ids:
            del self.runs[run_id]


def seed(session: Session) -> None:
    session.add(User(id="u1", email="u1@example.com"))
    session.add(SiteConnection(id="s1", user_id="u1", root_url="https://a.example", name="A"))
    session.flush()


def count(engine: Engine, model: type, *where) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model).where(*where))


def fill(engine: Engine) -> None:
    """Rows around each threshold (90 days for rows, 365 for audit logs): at, ±1 s, recent."""
    cutoff = NOW - timedelta(days=90)
    audit_cutoff = NOW - timedelta(days=365)
    offsets = {"before": -SECOND, "at": timedelta(0), "after": SECOND}
    with session_scope(engine) as session:
        seed(session)
        for label, offset in offsets.items():
            session.add(Rollback(site_id="s1", description=label, expires_at=cutoff + offset))
            for is_read in (True, False):
                session.add(
                    Notification(
                        user_id="u1",
                        kind="crawl",
                        title=f"{label} read={is_read}",
                        is_read=is_read,
                        created_at=cutoff + offset,
                    )
                )
            session.add(AuditLog(action=f"test.{label}", created_at=audit_cutoff + offset))
        session.add(Rollback(site_id="s1", description="live", expires_at=NOW + timedelta(days=3)))
        session.add(
            Notification(
                user_id="u1",
                kind="k",
                title="unread, ancient",
                is_read=False,
                created_at=NOW - timedelta(days=3000),
            )
        )


def add_jobs(engine: Engine) -> None:
    """Job rows around the 30-day run cut-off; an unfinished job is never deleted."""
    month_ago = NOW - timedelta(days=30)
    with session_scope(engine) as session:
        for job_id, status, completed_at in (
            ("finished-old", JobState.COMPLETED, month_ago - SECOND),
            ("finished-recently", JobState.FAILED, month_ago + SECOND),
            ("pending-old", JobState.PENDING, None),
        ):
            session.add(
                Job(
                    id=job_id,
                    type="CLEANUP",
                    payload={},
                    status=status,
                    created_at=NOW - timedelta(days=60),
                    completed_at=completed_at,
                )
            )


def test_cleanup_removes_only_rows_past_each_threshold(engine: Engine) -> None:
    fill(engine)
    add_jobs(engine)
    runs = ListRunStore({"old": NOW - timedelta(days=31), "new": NOW - timedelta(days=29)})

    report = clean_up(engine, runs, CleanupPolicy(), now=NOW, run_id="self")

    assert report.as_result() | {"durationSeconds": 0} == {
        "rollbacksCleaned": 1,
        "notificationsCleaned": 1,
        "auditLogsCleaned": 1,
        "jobsCleaned": 1,
        "durationSeconds": 0,
        "dryRun": False,
        "job_rows_cleaned": 1,
    }
    with session_scope(engine) as session:
        assert sorted(session.scalars(select(Job.id))) == ["finished-recently", "pending-old"]
        assert sorted(session.scalars(select(Rollback.description))) == ["after", "at", "live"]
        assert sorted(session.scalars(select(Notification.title))) == [
            "after read=False",
            "after read=True",
            "at read=False",
            "at read=True",
            "before read=False",
            "unread, ancient",
        ]
        actions = sorted(session.scalars(select(AuditLog.action)))
        entry = session.scalars(
            select(AuditLog).where(AuditLog.action == "maintenance.cleanup")
        ).one()
    assert actions == ["maintenance.cleanup", "test.after", "test.at"]
    assert entry.run_id == "self"
    assert entry.details["rollbacksCleaned"] == 1
    assert entry.details["jobsCleaned"] == 1
    assert entry.details["durationSeconds"] >= 0
    assert set(runs.runs) == {"new"}


def test_dry_run_counts_and_deletes_nothing(engine: Engine) -> None:
    fill(engine)
    runs = ListRunStore({"old": NOW - timedelta(days=40), "older": NOW - timedelta(days=400)})
    before = [count(engine, model) for model in (Rollback, Notification, AuditLog)]

    report = clean_up(
        engine, runs, CleanupPolicy(dry_run=True, days_old=90, audit_log_days=365), now=NOW
    )

    assert (report.rollbacks_cleaned, report.notifications_cleaned) == (1, 1)
    assert (report.audit_logs_cleaned, report.jobs_cleaned) == (1, 2)
    assert report.dry_run
    assert [count(engine, m) for m in (Rollback, Notification)] == before[:2]
    assert count(engine, AuditLog) == before[2] + 1  # only the cleanup's own entry
    assert len(runs.runs) == 2 and runs.batches == []


def test_custom_thresholds(engine: Engine) -> None:
    fill(engine)
    report = clean_up(
        engine,
        ListRunStore({}),
        CleanupPolicy(days_old=1, audit_log_days=1),
        now=NOW,
    )
    # Every rollback but the live one, every read notification, every test audit log.
    assert (report.rollbacks_cleaned, report.notifications_cleaned) == (3, 3)
    assert report.audit_logs_cleaned == 3
    assert count(engine, Notification, Notification.is_read.is_(False)) == 4


def test_deletes_in_batches_until_done(engine: Engine) -> None:
    with session_scope(engine) as session:
        seed(session)
        session.add_all(
            AuditLog(action="old", created_at=NOW - timedelta(days=400 + i)) for i in range(7)
        )
        session.add(AuditLog(action="new", created_at=NOW))
    condition = AuditLog.created_at < NOW - timedelta(days=365)

    assert delete_in_batches(engine, AuditLog, condition, dry_run=True, batch_size=2) == 7
    assert delete_in_batches(engine, AuditLog, condition, batch_size=2) == 7
    assert delete_in_batches(engine, AuditLog, condition, batch_size=2) == 0
    assert count(engine, AuditLog) == 1


@pytest.mark.parametrize("field", ["days_old", "completed_runs_days", "audit_log_days"])
def test_policy_rejects_thresholds_out_of_bounds(field: str) -> None:
    for value in (0, 3651, 10**6, True):
        with pytest.raises(ValueError, match=f"{field} must be between 1 and 3650 days"):
            CleanupPolicy(**{field: value})


def test_purge_runs_batches_and_never_deletes_kept_or_unfinished_runs() -> None:
    old = NOW - timedelta(days=60)
    runs = {f"r{i}": old for i in range(7)} | {"self": old, "queued": None, "new": NOW}
    store = ListRunStore(runs)
    cutoff = NOW - timedelta(days=30)

    assert purge_runs(store, cutoff, keep={"self"}, dry_run=True) == 8
    assert store.batches == []
    assert purge_runs(store, cutoff, keep={"self"}, batch_size=3) == 7

    assert set(store.runs) == {"self", "queued", "new"}
    assert [len(batch) for batch in store.batches] == [3, 3, 1]


def test_purge_runs_stops_when_the_store_does_not_delete() -> None:
    class StuckStore(ListRunStore):
        def delete_runs(self, run_ids: Sequence[str]) -> None:
            self.batches.append(list(run_ids))

    store = StuckStore({f"r{i}": NOW - timedelta(days=60) for i in range(5)})
    with pytest.raises(RuntimeError, match="returned runs it was asked to delete"):
        purge_runs(store, NOW, batch_size=2)
    assert len(store.batches) == 1
