"""one running crawl per site, crawl heartbeats

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 12:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import seology_pipeline.db.models

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUNNING = sa.text("status = 'running'")


def upgrade() -> None:
    with op.batch_alter_table("crawls") as batch_op:
        batch_op.add_column(
            sa.Column(
                "heartbeat_at",
                seology_pipeline.db.models.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
    # Older duplicates of a running crawl of one site cannot be live at once: keep the newest.
    op.execute(
        "UPDATE crawls SET status = 'failed', error = 'superseded by a newer running crawl' "
        "WHERE status = 'running' AND id NOT IN "
        "(SELECT MAX(id) FROM crawls WHERE status = 'running' GROUP BY site_id)"
    )
    op.create_index(
        "ux_crawls_one_running_per_site",
        "crawls",
        ["site_id"],
        unique=True,
        sqlite_where=RUNNING,
        postgresql_where=RUNNING,
    )


def downgrade() -> None:
    op.drop_index("ux_crawls_one_running_per_site", table_name="crawls")
    with op.batch_alter_table("crawls") as batch_op:
        batch_op.drop_column("heartbeat_at")
