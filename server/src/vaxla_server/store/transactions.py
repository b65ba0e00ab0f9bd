"""Write transactions that behave the same on SQLite and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

# The execution option that tells the SQLite begin hook (in ``database.py``) which kind
# of transaction to start.
SQLITE_BEGIN = "vaxla_sqlite_begin"


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that is committed when the block ends without error.

    On SQLite it begins IMMEDIATE, taking the write lock at BEGIN (waiting up to the busy
    timeout), so two writers queue instead of one failing at its first write.
    """
    with engine.connect() as connection:
        connection.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
        with connection.begin():
            yield connection
