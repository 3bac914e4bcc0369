"""analysis batches: queued batch requests and the batched flag of conversations

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import seology_pipeline.db.models

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analysis_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("crawl_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "submitted",
                "done",
                "refused",
                name="analysis_request_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "queued_at", seology_pipeline.db.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("batch_id", sa.String(length=100), nullable=True),
        sa.Column(
            "submitted_at", seology_pipeline.db.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "finished_at", seology_pipeline.db.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "request",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_analysis_requests_conversation_id_conversations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["crawl_id"],
            ["crawls.id"],
            name=op.f("fk_analysis_requests_crawl_id_crawls"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site_connections.id"],
            name=op.f("fk_analysis_requests_site_id_site_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_requests")),
    )
    op.create_index(
        op.f("ix_analysis_requests_batch_id"), "analysis_requests", ["batch_id"], unique=False
    )
    op.create_index(
        "ix_analysis_requests_status_site_id",
        "analysis_requests",
        ["status", "site_id"],
        unique=False,
    )
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.add_column(
            sa.Column("batched", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.drop_column("batched")
    op.drop_index("ix_analysis_requests_status_site_id", table_name="analysis_requests")
    op.drop_index(op.f("ix_analysis_requests_batch_id"), table_name="analysis_requests")
    op.drop_table("analysis_requests")
