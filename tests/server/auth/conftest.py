"""Auth tests: services on both engines, the HTTP API on SQLite, all with a test clock."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import Parameters, Type

from vaxla_server.auth import Auth, AuthSettings
from vaxla_server.store import Store, open_store

# Much cheaper than the product's argon2id parameters, so that tests hash quickly.
CHEAP_PARAMETERS = Parameters(
    type=Type.ID,
    version=19,
    salt_len=16,
    hash_len=32,
    time_cost=1,
    memory_cost=1024,
    parallelism=1,
)
CHEAP_SETTINGS = AuthSettings(password_parameters=CHEAP_PARAMETERS)
START = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
PASSWORD = "correct horse"


@dataclass
class FakeClock:
    """A clock that moves only when told to."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def auth(store: Store) -> Auth:
    return Auth.open(store, CHEAP_SETTINGS)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    with open_store(data_dir=tmp_path / "data") as store:
        yield store
