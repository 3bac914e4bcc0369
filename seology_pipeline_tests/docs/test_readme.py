"""README's own blocks, run as a newcomer would."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select

from seology_pipeline.db.engine import make_engine, session_scope
from seology_pipeline.db.models import Conversation, SiteConnection
from seology_pipeline_tests.docs.blocks import commands, doc_block
from seology_pipeline_tests.docs.shell import doc_shell


def test_the_two_commands(tmp_path: Path) -> None:
    demo, test = commands(doc_block("two-commands"))
    assert (demo, test) == ("scripts/dev demo", "scripts/dev test")
    with doc_shell(tmp_path) as shell:
        output = shell.run(demo)
        assert "health score" in output and "HTML report:" in output, output
        assert (tmp_path / "reports").is_dir()
        # The test command itself is what CI runs; here it sets up and collects the suite.
        output = shell.run(f"{test} --collect-only -q")
        assert "tests collected" in output, output


def test_operating_it_offline(tmp_path: Path) -> None:
    lines = commands(doc_block("operating"))
    assert lines[-1].endswith("seology dev")
    with doc_shell(tmp_path) as shell:
        for line in lines[:-1]:
            shell.run(line)
        shell.start(lines[-1].strip())
        engine = make_engine(f"sqlite:///{tmp_path / 'seology.db'}")
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            with session_scope(engine) as session:
                site = session.scalars(
                    select(SiteConnection).where(SiteConnection.user_id == "ann")
                ).one()
                analysed = session.scalars(
                    select(Conversation).where(Conversation.site_id == site.id)
                ).first()
                if analysed is not None and site.last_crawled_at is not None:
                    break
            time.sleep(2)
        else:
            raise AssertionError(f"ann's site was never crawled and analysed\n{shell.logs()}")
        engine.dispose()
