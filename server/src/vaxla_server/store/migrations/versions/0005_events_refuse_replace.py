"""The event log refuses REPLACE too, and the store has a row to prove it can write.

SQLite's ``INSERT OR REPLACE`` (``REPLACE INTO``) deletes the row it conflicts with
without firing the DELETE trigger (unless recursive triggers are on), so it could
rewrite an event. An insert that names the id of an event already logged is refused
before anything happens. PostgreSQL needs nothing new: the ids are ``GENERATED ALWAYS``
(an insert cannot name one), ``ON CONFLICT DO UPDATE`` fires the UPDATE trigger, and
TRUNCATE has its own.

``store_probe`` holds one row that ``GET /health`` rewrites (a store that is read-only
or full answers the health check with its reason instead of 200) and where the running
server notes every few seconds that it is alive: a restart closes the calls a crash
left open at that moment, not at the restart.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# In a BEFORE INSERT trigger NEW.id is -1 when SQLite is to choose the id (every append
# of the server), so only an insert naming an existing id is refused.
_SQLITE_TRIGGER = """
CREATE TRIGGER events_refuse_replace BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'events is append-only: REPLACE of a logged event is not allowed');
END
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_SQLITE_TRIGGER)
    probe = op.create_table(
        "store_probe",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("checks", sa.BigInteger(), nullable=False),
        sa.Column("alive_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.bulk_insert(probe, [{"id": 1, "checks": 0}])


def downgrade() -> None:
    op.drop_table("store_probe")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER events_refuse_replace")
