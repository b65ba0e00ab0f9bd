"""Revision 0023 (after 0020, 2026-12-05): voicemail tasks (R7). A voicemail box's
``task_queue`` (the queue's name, or NULL) routes each new message to that queue's
agents as a contact, with ``task_priority``."""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0023", "0020"
branch_labels = depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("voicemail_boxes") as batch:
        batch.add_column(sa.Column("task_queue", sa.String(64), nullable=True))
        batch.add_column(
            sa.Column("task_priority", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("voicemail_boxes") as batch:
        batch.drop_column("task_priority")
        batch.drop_column("task_queue")
