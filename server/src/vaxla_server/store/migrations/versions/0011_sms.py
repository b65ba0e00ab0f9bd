"""Revision 0011 (after 0010, 2026-12-05): SMS (R25) and alarms by SMS (R24).

``sms_gateway`` is the one SMS gateway (Kannel or SMPP) with its senders and templates;
``sms_messages`` holds every SMS: the queued ones are the outbox, kept across a restart
and retried while the gateway is down; the sent ones keep their delivery reports."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision, down_revision = "0011", "0010"
branch_labels = depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sms_gateway",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("settings", _JSON, nullable=False),
        sa.Column("password", sa.String(128), nullable=True),
        sa.Column("report_token", sa.String(64), nullable=False),
        sa.CheckConstraint("kind IN ('kannel', 'smpp')", name="ck_sms_gateway_kind"),
    )
    op.create_table(
        "sms_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("to_number", sa.String(16), nullable=False),
        sa.Column("sender", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("queued_at", _UTC, nullable=False),
        sa.Column("by_user", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", _UTC, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("gateway_ref", sa.String(64), nullable=True),
        sa.Column("report", sa.String(64), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'delivered', 'failed')", name="ck_sms_messages_status"
        ),
    )
    op.create_index("ix_sms_messages_due", "sms_messages", ["status", "next_at"])


def downgrade() -> None:
    op.drop_index("ix_sms_messages_due", table_name="sms_messages")
    op.drop_table("sms_messages")
    op.drop_table("sms_gateway")
