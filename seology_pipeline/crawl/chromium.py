"""Finding the Chromium to render with, and telling its errors apart, without loading
Playwright: a crawl loads Playwright only when its first page needs rendering (``browser``)."""

from __future__ import annotations

import glob
import os
import shutil
import sys
from pathlib import Path

INSTALL_HELP = (
    "no Chromium found. Install one with `playwright install chromium` (after `pip install "
    "playwright`), or `apt-get install chromium` (Debian/Ubuntu; `chromium-headless-shell` is "
    "lighter), or set SEOLOGY_CRAWL_BROWSER to the path of a Chromium executable."
)
PATH_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser")


class BrowserNotFoundError(RuntimeError):
    """No usable Chromium; the message says how to install one."""


def find_browser_executable(setting: str | None) -> str:
    """The Chromium to launch: ``setting`` (a path or a name on PATH), else Playwright's own
    Chromium, else ``chromium-headless-shell`` / ``chromium`` on PATH."""
    if setting:
        found = setting if os.sep in setting else shutil.which(setting)
        if found and os.path.isfile(found) and os.access(found, os.X_OK):
            return found
        raise BrowserNotFoundError(f"browser executable {setting!r} not found; {INSTALL_HELP}")
    for candidate in _playwright_chromiums():
        return candidate
    for name in PATH_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserNotFoundError(INSTALL_HELP)


def _playwright_chromiums() -> list[str]:
    """Executables of Playwright-managed Chromium builds, headless shell first, newest first."""
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache/ms-playwright")
    patterns = (
        "chromium_headless_shell-*/chrome-*/chrome-headless-shell",
        "chromium_headless_shell-*/chrome-*/headless_shell",
        "chromium-*/chrome-linux*/chrome",
    )
    found: list[str] = []
    for pattern in patterns:
        matches = sorted(glob.glob(os.path.join(root, pattern)), reverse=True)
        found.extend(m for m in matches if os.access(m, os.X_OK))
    return found


def is_browser_error(exc: BaseException) -> bool:
    """Whether ``exc`` is Playwright's error (a browser, page or driver that went away). Only a
    process that has loaded Playwright can have one."""
    playwright = sys.modules.get("playwright.async_api")
    return playwright is not None and isinstance(exc, playwright.Error)
