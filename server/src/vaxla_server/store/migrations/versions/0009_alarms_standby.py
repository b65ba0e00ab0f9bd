"""Revision 0009 (after 0008, 2026-12-05): alarms that are evaluated and mailed, and
stand-by agents.

Alarm rules get their hysteresis (``clear_at``), their quiet period (``quiet_s``) and
their recipients; the SMTP server they are mailed through is one row of ``mail_server``
(its password kept as given: the server logs in with it); ``alarm_mails`` is the outbox
of mails not sent yet, kept across a restart. A queue gets the thresholds at which its
stand-by agents are logged in (``standby_waiting``, ``standby_wait_s``) and how long it
must be calm before they are logged out again (``standby_calm_s``)."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision, down_revision = "0009", "0008"
branch_labels = depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("alarm_rules") as batch:
        batch.add_column(sa.Column("clear_at", sa.Float(), nullable=True))
        batch.add_column(sa.Column("quiet_s", sa.Float(), nullable=False, server_default="300"))
        batch.add_column(sa.Column("recipients", _JSON, nullable=False, server_default="[]"))
    with op.batch_alter_table("queues") as batch:
        batch.add_column(sa.Column("standby_waiting", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("standby_wait_s", sa.Float(), nullable=True))
        batch.add_column(
            sa.Column("standby_calm_s", sa.Float(), nullable=False, server_default="120")
        )
    op.create_table(
        "mail_server",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("tls", sa.String(10), nullable=False),
        sa.Column("username", sa.String(255), nullable=True),
        sa.Column("password", sa.String(128), nullable=True),
        sa.Column("sender", sa.String(254), nullable=False),
        sa.CheckConstraint("tls IN ('starttls', 'implicit', 'off')", name="ck_mail_server_tls"),
        sa.CheckConstraint("port >= 1 AND port <= 65535", name="ck_mail_server_port"),
    )
    op.create_table(
        "alarm_mails",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recipients", _JSON, nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", _UTC, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("alarm_mails")
    op.drop_table("mail_server")
    with op.batch_alter_table("queues") as batch:
        batch.drop_column("standby_calm_s")
        batch.drop_column("standby_wait_s")
        batch.drop_column("standby_waiting")
    with op.batch_alter_table("alarm_rules") as batch:
        batch.drop_column("recipients")
        batch.drop_column("quiet_s")
        batch.drop_column("clear_at")
