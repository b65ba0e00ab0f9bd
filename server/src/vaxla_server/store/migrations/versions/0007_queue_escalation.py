"""Revision 0007 (after 0006, 2026-12-05): a queue's escalation rule (R16) — after
``after_s`` seconds of accumulated wait a waiting contact's priority rises by
``raise_by``, again every ``every_s`` (once when null), up to ``max_priority``. Four
nullable columns on ``queues``, all null for a queue without a rule."""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0007", "0006"
branch_labels = depends_on = None

_CHECK = (
    "(escalation_after_s IS NULL AND escalation_raise_by IS NULL "
    "AND escalation_every_s IS NULL AND escalation_max_priority IS NULL) OR "
    "(escalation_after_s IS NOT NULL AND escalation_raise_by IS NOT NULL "
    "AND escalation_max_priority IS NOT NULL AND escalation_after_s > 0 "
    "AND escalation_raise_by >= 1 AND escalation_max_priority >= 1 "
    "AND escalation_max_priority <= 100 "
    "AND (escalation_every_s IS NULL OR escalation_every_s > 0))"
)


def upgrade() -> None:
    with op.batch_alter_table("queues") as batch:
        batch.add_column(sa.Column("escalation_after_s", sa.Float(), nullable=True))
        batch.add_column(sa.Column("escalation_raise_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("escalation_every_s", sa.Float(), nullable=True))
        batch.add_column(sa.Column("escalation_max_priority", sa.Integer(), nullable=True))
        batch.create_check_constraint("ck_queues_escalation", sa.text(_CHECK))


def downgrade() -> None:
    with op.batch_alter_table("queues") as batch:
        batch.drop_constraint("ck_queues_escalation", type_="check")
        for column in (
            "escalation_max_priority",
            "escalation_every_s",
            "escalation_raise_by",
            "escalation_after_s",
        ):
            batch.drop_column(column)
