from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from seology_pipeline.crawl.browser import launch_args
from seology_pipeline.crawl.chromium import BrowserNotFoundError, find_browser_executable


def _fake_exe(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_setting_wins(tmp_path: Path) -> None:
    exe = _fake_exe(tmp_path / "my-chrome")
    assert find_browser_executable(exe) == exe


def test_missing_setting_is_an_error_with_install_help(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFoundError, match="playwright install chromium") as info:
        find_browser_executable(str(tmp_path / "nope"))
    assert isinstance(info.value, RuntimeError)
    assert "apt-get install chromium" in str(info.value)


def test_playwright_chromium_before_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shell = _fake_exe(
        tmp_path / "pw/chromium_headless_shell-1255/chrome-headless-shell-linux64/"
        "chrome-headless-shell"
    )
    _fake_exe(tmp_path / "bin/chromium")
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "pw"))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert find_browser_executable(None) == shell


def test_path_fallback_prefers_headless_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "empty"))
    chromium = _fake_exe(tmp_path / "bin/chromium")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert find_browser_executable(None) == chromium
    shell = _fake_exe(tmp_path / "bin/chromium-headless-shell")
    assert find_browser_executable(None) == shell


def test_nothing_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BrowserNotFoundError, match="SEOLOGY_CRAWL_BROWSER"):
        find_browser_executable(None)


def test_launch_args() -> None:
    args = launch_args()
    for flag in (
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ):
        assert flag in args
    assert ("--no-sandbox" in args) == (os.geteuid() == 0)
    assert "--blink-settings=imagesEnabled=false" not in launch_args(block_images=False)


def test_ci_machine_has_a_browser(browser_executable: str) -> None:
    assert os.access(browser_executable, os.X_OK)
