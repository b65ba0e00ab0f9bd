"""Revision 0019 (after 0017, 2026-12-05): the reports' summaries kept in the store.

``summary_snapshot`` (one row) says which event the summaries cover ("up to event N"),
with their format's version and the small open state (agents' open spans, scheduled
reports); ``summary_parts`` holds the rest a part at a time, each rewritten only when it
changed since the last save: a queue's or an agent's 15-minute bucket, or a contact's
call record and what its later events need. Both are written in one transaction."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision, down_revision = "0019", "0017"
branch_labels = depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "summary_snapshot",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("upto", sa.BigInteger(), nullable=False),
        sa.Column("upto_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("parts", sa.BigInteger(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("open_state", _JSON, nullable=False),
    )
    op.create_table(
        "summary_parts",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("body", _JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("summary_parts")
    op.drop_table("summary_snapshot")
