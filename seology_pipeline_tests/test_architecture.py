"""The layering of docs/architecture.md, checked by scanning every module's imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from seology_pipeline.settings import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "seology_pipeline"
# The Dagster layer and the entry points that talk to Dagster.
DAGSTER_LAYER = (
    "defs/",
    "cli/",
    "definitions.py",
    "deploy/celery_app.py",
    "deploy/celery_instance.py",
)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in the file (also inside functions)."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def is_dagster(module: str) -> bool:
    top = module.split(".")[0]
    return top == "dagster" or top.startswith("dagster_")


def test_imported_modules_sees_nested_imports(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from dagster_graphql import x\n    import dagster as dg\n")
    assert {m for m in imported_modules(source) if is_dagster(m)} == {"dagster_graphql", "dagster"}


def test_no_dagster_import_outside_the_dagster_layer_and_the_cli() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(DAGSTER_LAYER):
            continue
        dagster_imports = sorted(m for m in imported_modules(path) if is_dagster(m))
        if dagster_imports:
            offenders[relative] = dagster_imports
    assert offenders == {}, f"Dagster imported outside the Dagster layer: {offenders}"
    assert len(list(PACKAGE.rglob("*.py"))) > 50  # the scan saw the package


LOADED_ON_USE = ("anthropic", "httpx2", "psycopg", "dagster_postgres", "playwright")
"""Modules a crawl on SQLite without an API key never needs: the Claude SDK (about 1.8 CPU s)
and its HTTP client wait for a real call, the PostgreSQL drivers for a PostgreSQL instance or the
cleanup of one, Playwright (0.15 s) for a page to render."""


def test_loading_the_definitions_does_not_load_the_claude_sdk() -> None:
    """Every run process and ``seology crawl`` load the definitions; none of ``LOADED_ON_USE``."""
    probe = (
        "import sys, seology_pipeline.definitions, seology_pipeline.cli.main,"
        " seology_pipeline.cli.run_cmds;"
        f"print(sorted(m for m in {LOADED_ON_USE!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def loaded_after(module: str, candidates: tuple[str, ...]) -> list[str]:
    """Which of ``candidates`` importing ``module`` loads, in a fresh interpreter."""
    probe = f"import sys, {module}; print(sorted(m for m in {candidates!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return ast.literal_eval(out.stdout.strip())


def test_a_crawl_loads_only_the_pipeline_s_definitions_and_a_report_no_dagster() -> None:
    """``seology crawl`` runs its job from the pipeline's definitions: the whole code location
    (reports and Jinja, the queue, the Claude batches) stays unloaded; ``seology report`` reads
    the database without Dagster."""
    others = (
        "seology_pipeline.definitions",
        "seology_pipeline.defs.reports",
        "seology_pipeline.defs.app_requests",
        "seology_pipeline.defs.analysis_batches",
        "jinja2",
    )
    assert loaded_after("seology_pipeline.cli.run_cmds", others) == []
    assert loaded_after("seology_pipeline.cli.report_cmd", ("dagster",)) == []
    assert loaded_after("seology_pipeline.definitions", others) == sorted(others)  # probe works
