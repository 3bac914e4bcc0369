"""Private files: the data folder is the owner's alone (0700), the database and reports 0600."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from seology_pipeline.settings import data_dir

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents as 0700 folders.

    Existing folders are left alone, except the data folder (when ``path`` is in it), which is
    tightened to 0700.
    """
    path = path.resolve()
    for folder in reversed([path, *path.parents]):
        if not folder.exists():
            folder.mkdir(mode=PRIVATE_DIR, exist_ok=True)
            os.chmod(folder, PRIVATE_DIR)
    data = data_dir()
    if data == path or data in path.parents:
        os.chmod(data, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty as a 0600 file, or tighten it to 0600 if it exists (its folder too).

    An existing file is never opened: closing any descriptor of a file drops every POSIX lock
    this process holds on it, and SQLite's locks on an open database are such locks.
    """
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    os.chmod(path, PRIVATE_FILE)
    return path


def write_private_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` as a 0600 file, creating missing folders as 0700."""
    private_file(path)
    path.write_text(text, encoding="utf-8")
    return path
