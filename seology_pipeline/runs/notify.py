"""What owners and admins hear when a site's run fails or is refused.

The Dagster sensors and assets only call these functions; the policy (who is told, when an
admin alert is raised, what the webhook receives) lives here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import httpx
from sqlalchemy.orm import Session

from seology_pipeline.activity import ADMIN_ALERT, notify, record_audit
from seology_pipeline.db.models import SiteConnection
from seology_pipeline.runs.reachability import one_line
from seology_pipeline.runs.registry import was_refused

ALERT_AFTER_FAILURES = 3


@dataclass(frozen=True, slots=True)
class Alert:
    """An admin alert: a site's runs failed ``failures`` times in a row."""

    site_id: str
    failures: int
    run_id: str
    reason: str

    @property
    def title(self) -> str:
        return f"{self.site_id}: {self.failures} consecutive failed runs"

    def payload(self) -> dict[str, object]:
        return asdict(self)


def failure_streak(failed_newest_first: Iterable[bool]) -> int:
    """How many of a site's finished runs, newest first, failed before the last success."""
    streak = 0
    for failed in failed_newest_first:
        if not failed:
            break
        streak += 1
    return streak


def notify_run_failure(
    session: Session, *, site_id: str, run_id: str, job_name: str, reason: str, streak: int
) -> Alert | None:
    """Tell the owner about a failed run (unless its refusal already did) and raise an admin
    alert when the streak of failures reaches :data:`ALERT_AFTER_FAILURES`; no commit.

    Returns the alert to forward, if any. A site that no longer exists gets nothing.
    """
    site = session.get(SiteConnection, site_id)
    if site is None:
        return None
    reason = one_line(reason, 1000)
    if not was_refused(session, run_id):
        notify(
            session,
            "run_failed",
            f"{job_name} failed for {site.name}",
            reason,
            user_id=site.user_id,
            site_id=site_id,
        )
    if streak != ALERT_AFTER_FAILURES:
        return None
    alert = Alert(site_id, streak, run_id, reason)
    notify(session, ADMIN_ALERT, alert.title, reason, site_id=site_id)
    record_audit(session, "site.alert", site_id=site_id, run_id=run_id, failures=streak)
    return alert


def post_alert(url: str, alert: Alert) -> str | None:
    """POST the alert as JSON to ``url``; the error's type name when that failed, else None."""
    try:
        httpx.post(url, json=alert.payload(), timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        return type(exc).__name__
    return None


def record_analysis_refusal(session: Session, site_id: str, run_id: str, reason: str) -> None:
    """Write the refused analysis's audit-log entry and tell the owner; no commit."""
    site = session.get(SiteConnection, site_id)
    owner = site.user_id if site else None
    record_audit(
        session, "analysis.refused", user_id=owner, site_id=site_id, run_id=run_id, reason=reason
    )
    notify(session, "analysis_refused", "Analysis not run", reason, user_id=owner, site_id=site_id)
