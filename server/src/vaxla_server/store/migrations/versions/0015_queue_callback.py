"""Revision 0015 (after 0014, 2026-12-05): a queue's callback (R17).

The queue's call flow keeps its callback settings as one JSON document (``callback``:
the key that offers it, the rules that impose it, number confirmation, order, retries
and the SMS text) in place of the ``callback_offer`` flag, which could never be set."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision, down_revision = "0015", "0014"
branch_labels = depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("queue_flows") as batch:
        batch.add_column(sa.Column("callback", _JSON, nullable=True))
        batch.drop_column("callback_offer")


def downgrade() -> None:
    with op.batch_alter_table("queue_flows") as batch:
        batch.add_column(
            sa.Column("callback_offer", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.drop_column("callback")
