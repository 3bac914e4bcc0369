"""Settings read from the environment reject bad values with one clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from seology_pipeline.settings import SettingsError, database_url, normalise_database_url


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
