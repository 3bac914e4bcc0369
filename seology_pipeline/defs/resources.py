"""Resources shared by every asset and job, configured from the environment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from pydantic import Field, PrivateAttr
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from seology_pipeline.db.engine import make_engine, session_scope
from seology_pipeline.settings import database_url


class DatabaseResource(dg.ConfigurableResource):
    """The app database."""

    # The URL may hold a password, so it is never logged; ``safe_url`` is for messages.
    url: str = Field(default="", description="SQLAlchemy URL; empty: SEOLOGY_DATABASE_URL.")
    _engine: Engine | None = PrivateAttr(default=None)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url or database_url())
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction on the app database."""
        with session_scope(self.engine) as session:
            yield session

    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._engine is not None:
            self._engine.dispose()
