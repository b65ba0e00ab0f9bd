"""Revision 0006 (after 0005, 2026-12-05): trunks as configuration, IP-authenticated and
registration trunks, each with the caller ID of the outside calls it carries. The
password is kept as given: Kamailio answers the operator's challenges with it."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision, down_revision = "0006", "0005"
branch_labels = depends_on = None


def upgrade() -> None:
    op.create_table(
        "trunks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.CheckConstraint("kind IN ('ip', 'registration')", name="ck_trunks_kind"),
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
    )


def downgrade() -> None:
    op.drop_table("trunks")
