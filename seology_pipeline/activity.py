"""The audit trail and user notifications: small helpers every area writes through."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from seology_pipeline.db.models import AuditLog, Notification

ADMIN_ALERT = "admin_alert"


def record_audit(
    session: Session,
    action: str,
    *,
    user_id: str | None = None,
    site_id: str | None = None,
    run_id: str | None = None,
    **details: Any,
) -> AuditLog:
    """Add an audit-log entry (``action`` like ``crawl.completed``) to the session; no commit."""
    entry = AuditLog(
        action=action, user_id=user_id, site_id=site_id, run_id=run_id, details=details
    )
    session.add(entry)
    return entry


def notify(
    session: Session,
    kind: str,
    title: str,
    body: str = "",
    *,
    user_id: str | None = None,
    site_id: str | None = None,
) -> Notification:
    """Add a notification for ``user_id`` (None with kind ``admin_alert`` for admins); no commit."""
    notification = Notification(
        kind=kind, title=title[:300], body=body, user_id=user_id, site_id=site_id
    )
    session.add(notification)
    return notification
