"""The web app's side of the README and the debugging guide, run against real databases: the SQL
that enqueues and reads jobs, the Prisma model, the Python queue client, the status commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from seology_pipeline.db.engine import make_engine, session_scope
from seology_pipeline.db.models import Job
from seology_pipeline_tests.databases import migrated_engine, temporary_pg_database
from seology_pipeline_tests.docs.blocks import commands, doc_block
from seology_pipeline_tests.docs.shell import doc_shell
from seology_pipeline_tests.factories import add_customer


def _statements(sql: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [statement.strip() for statement in body.split(";") if statement.strip()]


def test_the_web_apps_sql_enqueues_reads_and_cancels_on_postgresql() -> None:
    with temporary_pg_database("docs_sql") as url, migrated_engine(url) as engine:
        add_customer(engine, "https://site-42.example/", site_id="site-42", user_id="user-7")
        statements = _statements(doc_block("web-app-sql").text)
        ids = []
        with engine.begin() as connection:
            for statement in statements:
                if statement.startswith("INSERT"):
                    ids += [row[0] for row in connection.execute(text(statement))]
            assert len(ids) == 4 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
            for statement in statements:
                if statement.startswith(("SELECT", "UPDATE")):
                    params = {"p": ids[0]} if "$1" in statement else {}
                    sql = statement.replace("$1", ":p")
                    if "site_id" in statement and "WHERE site_id" in statement:
                        params = {"p": "site-42"}
                    connection.execute(text(sql), params)
        with session_scope(engine) as session:
            jobs = {job.id: job for job in session.scalars(select(Job))}
        assert [jobs[i].type for i in ids] == [
            "CRAWL_SITE",
            "ANALYZE_ISSUES",
            "CLEANUP",
            "RESET_USAGE",
        ]
        assert jobs[ids[0]].priority == 10 and jobs[ids[0]].payload["maxPages"] == 200
        assert jobs[ids[0]].status == "CANCELED" and jobs[ids[1]].status == "PENDING"


def test_the_prisma_model_is_the_jobs_table() -> None:
    model = doc_block("prisma-model").text
    fields = {
        line.split()[0]: line.split()[1]
        for line in model.splitlines()[1:]
        if line.strip() and not line.strip().startswith(("@@", "}"))
    }
    columns = Job.__table__.columns
    assert set(fields) == {column.name for column in columns}
    for name, kind in fields.items():
        assert kind.endswith("?") == bool(columns[name].nullable and name != "id"), name
    assert '@@map("jobs")' in model


@pytest.fixture
def app_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    url = f"sqlite:///{tmp_path / 'seology.db'}"
    monkeypatch.setenv("SEOLOGY_DATABASE_URL", url)
    engine = make_engine(url)
    with migrated_engine(url):
        pass
    add_customer(engine, "https://site-42.example/", site_id="site-42", user_id="user-7")
    return engine


def test_the_python_queue_client_writes_a_pending_row(app_database: Engine) -> None:
    exec(doc_block("queue-client").text, {})
    with session_scope(app_database) as session:
        [job] = session.scalars(select(Job))
    assert (job.type, job.status, job.priority) == ("CRAWL_SITE", "PENDING", 10)


def test_status_commands_and_sql_of_the_debugging_guide(
    app_database: Engine, tmp_path: Path
) -> None:
    with session_scope(app_database) as session:
        session.add(Job(id="job-1", type="CLEANUP", payload={"daysOld": 30}))
    with doc_shell(tmp_path / "shell") as shell:
        shell.env["SEOLOGY_DATABASE_URL"] = str(app_database.url)
        latest, failed, show = commands(doc_block("debugging-status"))
        assert "job-1" in shell.run(latest)
        assert "job-1" not in shell.run(failed)
        shown = json.loads(shell.run(show.replace("JOB_ID", "job-1")))
        assert shown["id"] == "job-1" and shown["status"] == "PENDING"
    sql = doc_block("debugging-sql").text.replace("JOB_ID", "job-1")
    with app_database.connect() as connection:
        row = connection.execute(text(sql)).one()
    assert row.id == "job-1" and row.status == "PENDING" and row.attempts == 0


def test_setting_up_postgresql_for_the_app(tmp_path: Path) -> None:
    export, upgrade = commands(doc_block("postgres-setup"))
    assert export.startswith("export SEOLOGY_DATABASE_URL=postgresql://")
    with temporary_pg_database("docs_pg") as url, doc_shell(tmp_path) as shell:
        shell.run(f"export SEOLOGY_DATABASE_URL={url}")  # the reader's own server and database
        assert "at revision" in shell.run(upgrade)
