"""Trunks as configuration: IP-authenticated and registration trunks, each with the
caller ID of the outside calls it carries.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trunks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("addresses", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("registrar", sa.String(255), nullable=True),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("password", sa.String(128), nullable=True),
        sa.Column("expiry_s", sa.Integer(), nullable=False),
        sa.Column("outbound_proxy", sa.String(255), nullable=True),
        sa.Column("outbound", sa.Boolean(), nullable=False),
        sa.Column("gateway", sa.String(255), nullable=True),
        sa.Column("caller_id", sa.String(32), nullable=True),
        sa.CheckConstraint("kind IN ('ip', 'registration')", name="ck_trunks_kind"),
    )


def downgrade() -> None:
    op.drop_table("trunks")
