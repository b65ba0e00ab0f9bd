"""Running the Alembic migrations kept in this package, without an alembic.ini.

The server upgrades at start-up (``open_store``). A new revision is a new file in
``migrations/versions`` whose ``down_revision`` is the current head; a test checks that
the models and the migrated schema agree on both engines.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from vaxla_server.store.transactions import write_transaction

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Two servers starting at once on one PostgreSQL database take turns to migrate.
_PG_MIGRATION_LOCK = 0x7661786C61  # "vaxla"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    # ConfigParser would read a "%" in the path as interpolation.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the store has no migrations"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest revision; nothing happens when it is there already."""
    with write_transaction(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
            )
        command.upgrade(alembic_config(connection), "head")
