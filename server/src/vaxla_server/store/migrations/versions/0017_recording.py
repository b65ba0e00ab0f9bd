"""Revision 0017 (after 0015, 2026-12-05): call recording (R27): the recording rules of
queues and entry points, and the recordings kept with their file, checksum and tags."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision, down_revision = "0017", "0015"
branch_labels = depends_on = None


def upgrade() -> None:
    op.create_table(
        "recording_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("queue", sa.String(64), nullable=True),
        sa.Column("entry_point", sa.String(64), nullable=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("share_percent", sa.Float(), nullable=True),
        sa.Column("consent_prompt", sa.String(64), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
    )
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_id", sa.String(64), nullable=False, unique=True),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("entry_point", sa.String(64), nullable=False),
        sa.Column("queue", sa.String(64), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("agent_name", sa.String(64), nullable=True),
        sa.Column("caller", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("tags", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("keep", sa.Boolean(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
    )
    op.create_index("ix_recordings_started_at", "recordings", ["started_at"])


def downgrade() -> None:
    op.drop_table("recordings")
    op.drop_table("recording_rules")
