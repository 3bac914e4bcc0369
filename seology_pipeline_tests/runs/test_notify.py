"""Failure and refusal policy as plain functions, on SQLite and PostgreSQL, and the alert webhook
against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

from sqlalchemy import Engine, select

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import AuditLog, Notification
from seology_pipeline.runs.notify import (
    ALERT_AFTER_FAILURES,
    Alert,
    failure_streak,
    notify_run_failure,
    post_alert,
    record_analysis_refusal,
)
from seology_pipeline_tests.factories import add_customer


def _notes(engine: Engine) -> list[tuple[str, str | None, str]]:
    with session_scope(engine) as session:
        rows = session.scalars(select(Notification).order_by(Notification.id))
        return [(n.kind, n.user_id, n.body) for n in rows]


def test_failure_streak_counts_failures_since_the_last_success() -> None:
    assert failure_streak([]) == 0
    assert failure_streak([True, True, False, True]) == 2
    assert failure_streak([False, True, True]) == 0


def test_owner_hears_each_failure_and_admins_the_third_in_a_row(app_engine: Engine) -> None:
    add_customer(app_engine, "https://shop.example/")
    alerts = []
    for streak in range(1, 5):
        with session_scope(app_engine) as session:
            alerts.append(
                notify_run_failure(
                    session,
                    site_id="site-1",
                    run_id=f"run-{streak}",
                    job_name="crawl_site",
                    reason="site unreachable:\n  connection refused",
                    streak=streak,
                )
            )
    assert [a is not None for a in alerts] == [False, False, True, False]
    assert alerts[2] == Alert("site-1", ALERT_AFTER_FAILURES, "run-3", alerts[2].reason)
    assert alerts[2].reason == "site unreachable: connection refused"  # one line
    notes = _notes(app_engine)
    assert [kind for kind, _, _ in notes].count("run_failed") == 4
    assert [(k, u) for k, u, _ in notes if k == "admin_alert"] == [("admin_alert", None)]
    with session_scope(app_engine) as session:
        assert list(session.scalars(select(AuditLog.action))) == ["site.alert"]


def test_refused_runs_and_removed_sites_get_no_second_notification(app_engine: Engine) -> None:
    add_customer(app_engine, "https://shop.example/")
    with session_scope(app_engine) as session:
        record_analysis_refusal(session, "site-1", "run-9", "analysis quota used up")
    with session_scope(app_engine) as session:
        args = {"job_name": "analyse_site", "reason": "quota", "streak": 1}
        notify_run_failure(session, site_id="site-1", run_id="run-9", **args)
        assert notify_run_failure(session, site_id="gone", run_id="run-10", **args) is None
    assert _notes(app_engine) == [("analysis_refused", "user-1", "analysis quota used up")]
    with session_scope(app_engine) as session:
        entry = session.scalars(select(AuditLog)).one()
        assert (entry.action, entry.run_id, entry.user_id) == (
            "analysis.refused",
            "run-9",
            "user-1",
        )


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, dict]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, json.loads(body)))
        self.send_response(204 if self.path == "/hook" else 500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


def test_alert_webhook_receives_the_alert_and_reports_its_own_failure() -> None:
    alert = Alert("site-1", 3, "run-3", "site unreachable")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert post_alert(f"{base}/hook", alert) is None
        assert post_alert(f"{base}/broken", alert) == "HTTPStatusError"
    finally:
        server.shutdown()
        server.server_close()
    payload = {"site_id": "site-1", "failures": 3, "run_id": "run-3", "reason": "site unreachable"}
    assert _Hook.received == [("/hook", payload), ("/broken", payload)]
