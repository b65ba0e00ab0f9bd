"""Revision 0014 (after 0013, 2026-12-05): the directory of people (R29): colleagues with
their extension, numbers, department, title, e-mail and notes for the receptionist."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision, down_revision = "0014", "0013"
branch_labels = depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_people",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("extension", sa.String(64), nullable=True),
        sa.Column("mobile", sa.String(16), nullable=True),
        sa.Column("other_numbers", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("department", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("notes", sa.String(2000), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
    )
    op.create_index("ix_directory_people_extension", "directory_people", ["extension"])


def downgrade() -> None:
    op.drop_table("directory_people")
