"""The environment every CLI test runs ``seology`` in: its own data folder, loopback allowed."""

from __future__ import annotations

import os
from pathlib import Path


def isolated_env(data_dir: Path) -> dict[str, str]:
    """This process's environment with a private data folder and no outside database or
    deployment; the crawler may reach 127.0.0.1 and renders nothing."""
    env = {
        **os.environ,
        "SEOLOGY_DATA_DIR": str(data_dir),
        "SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST": "127.0.0.1",
        "SEOLOGY_CRAWL_RENDER_MODE": "never",
    }
    for name in ("SEOLOGY_DATABASE_URL", "DAGSTER_HOME", "SEOLOGY_DAGSTER_URL"):
        env.pop(name, None)
    return env
