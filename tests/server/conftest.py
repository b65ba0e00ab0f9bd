"""Server tests that touch the store run on both engines: SQLite in a temporary directory
and a real PostgreSQL (one server for the whole session).

The folders mirror the server's slices; the fixtures more than one of them uses are
registered here: a running centre (``world``, ``world_on_both``: ``centre/world.py``) and
the app over one (``running``, ``running_on_both``: ``api/running.py``).
"""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.postgres_server import PostgresServer, PostgresUnavailable
from tests.server.api.running import running as running
from tests.server.api.running import running_on_both as running_on_both
from tests.server.centre.world import world as world
from tests.server.centre.world import world_on_both as world_on_both
from vaxla_server.store import Store, open_store
from vaxla_server.store.database import sqlite_url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server for the session; the URL of its ``postgres`` database.

    Missing binaries fail the tests rather than skip them: CI installs PostgreSQL, and a
    skipped half of the store tests would pass unnoticed.
    """
    try:
        server = PostgresServer()
    except PostgresUnavailable as error:
        pytest.fail(str(error), pytrace=False)
    with server:
        yield server.url()


def create_postgres_database(admin_url: str) -> str:
    """A new, empty database on the server at ``admin_url``; its URL."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    finally:
        engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database, once on each engine."""
    if request.param == "sqlite":
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        return sqlite_url(data_dir)
    return create_postgres_database(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    with open_store(url=database_url) as store:
        yield store
