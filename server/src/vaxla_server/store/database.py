"""Opening the database: SQLite in a data directory by default, PostgreSQL by URL.

``open_store`` is the one way in. It makes the engine with the settings each database
needs and brings the schema to the newest migration before anything else touches it.
"""

import logging
import sqlite3
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from vaxla_server.store import migrate
from vaxla_server.store.errors import DatabaseUnreachable, StoreError, UnsupportedDatabase
from vaxla_server.store.event_log import EventLog
from vaxla_server.store.heartbeat import Heartbeat
from vaxla_server.store.transactions import SQLITE_BEGIN, write_transaction

log = logging.getLogger(__name__)

SQLITE_FILE_NAME = "vaxla.sqlite3"
# How long a writer waits for another connection's write to finish before giving up.
BUSY_TIMEOUT_MS = 10_000


class Store:
    """The server's database, migrated to the newest schema, and its repositories."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.events = EventLog(engine)
        self.heartbeat = Heartbeat(engine)

    @property
    def url(self) -> URL:
        return self.engine.url

    def write_problem(self) -> str | None:
        """Why the store cannot write now (read-only, full, gone), in words; ``None``
        when a write was committed just now (one row of ``store_probe``)."""
        try:
            with write_transaction(self.engine) as connection:
                connection.execute(text("UPDATE store_probe SET checks = checks + 1 WHERE id = 1"))
        except SQLAlchemyError as error:
            reason = getattr(error, "orig", None) or error
            return f"the store cannot write: {reason}"
        return None

    def close(self) -> None:
        """Checkpoint a SQLite store's write-ahead log into its main file (so a copy of
        that file alone is the whole database), then close every connection."""
        if self.engine.dialect.name == "sqlite":
            try:
                with self.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            except SQLAlchemyError as error:
                log.warning("the store's write-ahead log was not checkpointed: %s", error)
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_store(*, data_dir: Path | None = None, url: str | None = None) -> Store:
    """Open the store in ``data_dir`` (SQLite) or at ``url`` (PostgreSQL or SQLite).

    Exactly one of the two is given. The schema is migrated to the newest revision first.
    """
    if (data_dir is None) == (url is None):
        raise StoreError("open_store needs exactly one of data_dir and url")
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_store_engine(sqlite_url(data_dir))
    else:
        assert url is not None
        engine = create_store_engine(url)
    try:
        migrate.upgrade_to_head(engine)
    except OperationalError as error:
        engine.dispose()
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnreachable(f"cannot use the database at {where}: {reason}") from None
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


def sqlite_url(data_dir: Path) -> str:
    return URL.create(
        "sqlite+pysqlite", database=str(data_dir / SQLITE_FILE_NAME)
    ).render_as_string()


def create_store_engine(url: str) -> Engine:
    """An engine for ``url`` with the store's settings; the schema is left as it is."""
    parsed = _supported_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    # Timestamps come back in UTC whatever the server's time zone is.
    return create_engine(parsed, connect_args={"options": "-c timezone=UTC"}, pool_pre_ping=True)


def _supported_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise UnsupportedDatabase(f"not a database URL: {url!r}") from error
    backend = parsed.get_backend_name()
    driver = parsed.drivername.partition("+")[2]
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        if parsed.database in (None, "", ":memory:"):
            raise UnsupportedDatabase("an SQLite store needs a file; give a data directory")
        return parsed.set(drivername="sqlite+pysqlite")
    raise UnsupportedDatabase(
        f"unsupported database {parsed.drivername!r}: "
        "use postgresql+psycopg://USER@HOST/DB, or SQLite in a data directory"
    )


def _sqlite_engine(url: URL) -> Engine:
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        assert isinstance(dbapi_connection, sqlite3.Connection)
        # The driver's own transaction handling would begin too late and only DEFERRED;
        # the begin hook below starts every transaction itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Writers ask for IMMEDIATE, which takes the write lock at BEGIN (waiting up to the
        # busy timeout) rather than failing at the first write when another writer won.
        mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        assert mode in ("DEFERRED", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine
