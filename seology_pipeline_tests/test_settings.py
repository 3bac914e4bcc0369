"""Settings read from the environment reject bad values with one clear message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from seology_pipeline.settings import (
    PROJECT_ROOT,
    SettingsError,
    database_url,
    environment_variables,
    load_settings,
    normalise_database_url,
)


def test_default_database_is_sqlite_in_the_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SEOLOGY_DATABASE_URL", raising=False)
    monkeypatch.setenv("SEOLOGY_DATA_DIR", str(tmp_path))
    assert database_url() == f"sqlite:///{tmp_path / 'seology.db'}"


@pytest.mark.parametrize(
    "raw", ["postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg2://u@h/db"]
)
def test_postgres_urls_use_psycopg3(raw: str) -> None:
    assert normalise_database_url(raw) == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("raw", "message"),
    [("not a url", "not a database URL"), ("mysql://u@h/db", "unsupported backend 'mysql'")],
)
def test_bad_urls_name_the_setting(raw: str, message: str) -> None:
    with pytest.raises(SettingsError, match="SEOLOGY_DATABASE_URL") as info:
        normalise_database_url(raw)
    assert message in str(info.value)


# Variables of the production dagster.yaml and of the test suite, not of the settings tree.
NOT_IN_TREE = {
    "DAGSTER_PG_HOST",
    "DAGSTER_PG_PORT",
    "DAGSTER_PG_USER",
    "DAGSTER_PG_PASSWORD",
    "DAGSTER_PG_DB",
    "SEOLOGY_TEST_PG_URL",
}


def test_readme_settings_tables_list_exactly_the_tree() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", section, flags=re.MULTILINE))
    documented |= set(re.findall(r"`(DAGSTER_PG_[A-Z]+)`", section))
    assert documented - NOT_IN_TREE == set(environment_variables())


def test_every_group_reads_its_prefix_and_errors_name_the_variable() -> None:
    settings = load_settings(
        {
            "SEOLOGY_CRAWL_MAX_PAGES": "7",
            "SEOLOGY_CRAWL_BROWSER": "/opt/chrome",
            "SEOLOGY_CRAWL_MAX_RUNTIME_S": "120",
            "SEOLOGY_CLAUDE_POOL_LIMIT": "3",
            "SEOLOGY_ANALYSIS_MODE": "offline",
            "SEOLOGY_SENSOR_MAX_SITES_PER_TICK": "5",
            "DAGSTER_HOME": "/srv/dagster",
        }
    )
    assert (settings.crawl.max_pages, settings.crawl.browser_executable) == (7, "/opt/chrome")
    assert settings.crawl.max_runtime_s == 120
    assert settings.pool_limits == {"browser": 2, "claude": 3}
    assert settings.analysis_settings().analyst == "offline"
    assert settings.sensor_max_sites_per_tick == 5
    assert settings.instance_home == Path("/srv/dagster")
    with pytest.raises(SettingsError, match=r"^invalid settings: SEOLOGY_CRAWL_MAX_RUNTIME_S: "):
        load_settings({"SEOLOGY_CRAWL_MAX_RUNTIME_S": "5"})
    with pytest.raises(SettingsError, match="SEOLOGY_ALERT_WEBHOOK_URL"):
        load_settings({"SEOLOGY_ALERT_WEBHOOK_URL": "ftp://x"})


def test_dotenv_file_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("SEOLOGY_BROWSER_POOL_LIMIT=7\nSEOLOGY_CLAUDE_POOL_LIMIT=9\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEOLOGY_BROWSER_POOL_LIMIT", raising=False)
    monkeypatch.setenv("SEOLOGY_CLAUDE_POOL_LIMIT", "5")
    assert load_settings().pool_limits == {"browser": 7, "claude": 5}


def test_blank_values_mean_the_default() -> None:
    settings = load_settings(
        {"SEOLOGY_DAGSTER_URL": "  ", "SEOLOGY_SCHEDULE_TIMEZONE": " ", "SEOLOGY_DATA_DIR": ""}
    )
    assert settings.dagster_url is None
    assert settings.schedule_timezone == "UTC"
    assert settings.data_dir == PROJECT_ROOT / ".data"
