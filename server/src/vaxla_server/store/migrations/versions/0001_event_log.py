"""The append-only event log.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFUSAL = "events is append-only"

_SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER events_refuse_{operation.lower()} BEFORE {operation} ON events
    BEGIN
        SELECT RAISE(ABORT, '{_REFUSAL}: {operation} is not allowed');
    END
    """
    for operation in ("UPDATE", "DELETE")
]

_POSTGRESQL_TRIGGERS = [
    f"""
    CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{_REFUSAL}: % is not allowed', TG_OP
            USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER events_refuse_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_refuse_change()
    """,
    """
    CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change()
    """,
]


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=True),
            primary_key=True,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("contact_id", sa.BigInteger(), nullable=True),
        sa.Column("agent_id", sa.BigInteger(), nullable=True),
        sa.Column("queue_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_events_contact_id", "events", ["contact_id", "id"])
    op.create_index("ix_events_agent_id", "events", ["agent_id", "id"])
    op.create_index("ix_events_queue_id", "events", ["queue_id", "id"])
    op.create_index("ix_events_kind", "events", ["kind", "id"])
    op.create_index("ix_events_at", "events", ["at"])
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRESQL_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    # Dropping the table drops its triggers on both engines.
    op.drop_table("events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION events_refuse_change()")
