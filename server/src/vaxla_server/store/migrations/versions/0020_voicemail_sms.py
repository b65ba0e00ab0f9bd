"""Revision 0020 (after 0019, 2026-12-05): a voicemail box's ``notify_phones`` (R7), the
numbers told of each new message by SMS; SMS found by the gateway's reference (SMPP's
delivery receipts name the SMSC's message id)."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision, down_revision = "0020", "0019"
branch_labels = depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("voicemail_boxes") as batch:
        batch.add_column(
            sa.Column(
                "notify_phones",
                sa.JSON().with_variant(JSONB(), "postgresql"),
                nullable=False,
                server_default="[]",
            )
        )
    op.create_index("ix_sms_messages_gateway_ref", "sms_messages", ["gateway_ref"])


def downgrade() -> None:
    op.drop_index("ix_sms_messages_gateway_ref", "sms_messages")
    with op.batch_alter_table("voicemail_boxes") as batch:
        batch.drop_column("notify_phones")
