"""Alembic's environment: migrations run on the connection ``migrate.py`` hands over.

Offline (SQL script) mode is not used: the server migrates its own database at start-up.
When Alembic's command line runs without a connection (``revision``), only the scripts
are touched and this file does not run a migration.
"""

from alembic import context
from sqlalchemy import Connection

from vaxla_server.store.models import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("the store's migrations run on a connection from vaxla_server.store.migrate")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite alters a table by copying it; batch mode does that for later revisions.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
