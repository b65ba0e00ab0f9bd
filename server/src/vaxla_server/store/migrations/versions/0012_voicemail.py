"""Revision 0012 (after 0011, 2026-12-05): shared voicemail (R7).

``voicemail_boxes`` holds the boxes as configured (greeting, length limit, who may read
them, whom to notify, retention); ``voicemail_messages`` the messages left in them, each
a WAV file under the server's data folder with its SHA-256, marked short or silent when
it is, and who handled it. The mail outbox (``alarm_mails``) gets an ``attachment``: the
path of a file sent with the mail (a message's WAV)."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision, down_revision = "0012", "0011"
branch_labels = depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "voicemail_boxes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("greeting", sa.String(64), nullable=False),
        sa.Column("max_message_s", sa.Float(), nullable=False),
        sa.Column("readers", _JSON, nullable=False),
        sa.Column("reader_roles", _JSON, nullable=False),
        sa.Column("notify_app", sa.Boolean(), nullable=False),
        sa.Column("notify_emails", _JSON, nullable=False),
        sa.Column("attach_audio", sa.Boolean(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
    )
    op.create_table(
        "voicemail_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("box", sa.String(64), nullable=False),
        sa.Column("call_id", sa.String(64), nullable=False, unique=True),
        sa.Column("caller", sa.String(64), nullable=False),
        sa.Column("received_at", _UTC, nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("short", sa.Boolean(), nullable=False),
        sa.Column("silent", sa.Boolean(), nullable=False),
        sa.Column("handled_by", sa.String(64), nullable=True),
        sa.Column("handled_at", _UTC, nullable=True),
    )
    op.create_index("ix_voicemail_messages_box", "voicemail_messages", ["box"])
    with op.batch_alter_table("alarm_mails") as batch:
        batch.add_column(sa.Column("attachment", sa.String(1000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alarm_mails") as batch:
        batch.drop_column("attachment")
    op.drop_index("ix_voicemail_messages_box", "voicemail_messages")
    op.drop_table("voicemail_messages")
    op.drop_table("voicemail_boxes")
