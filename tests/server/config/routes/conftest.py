"""API tests of the configuration and the users: the real app on a real SQLite store,
one user of each role (named after the role) and agents ``anna`` and ``bo``."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from tests.server.auth.test_api import Api
from vaxla_protocol import Role
from vaxla_server.app import create_app
from vaxla_server.config import Configuration
from vaxla_server.store import Store, open_store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    with open_store(data_dir=tmp_path / "data") as store:
        yield store


@pytest.fixture
def api(sqlite_store: Store, clock: FakeClock) -> Api:
    api = Api(create_app(sqlite_store, auth_settings=CHEAP_SETTINGS, clock=clock))
    for role in Role:
        api.auth.users.create(role.value, PASSWORD, role, now=clock())
    for agent in ("anna", "bo"):
        api.auth.users.create(agent, PASSWORD, Role.AGENT, now=clock())
    return api


@pytest.fixture
def config(api: Api) -> Configuration:
    configuration = api.app.state.services.configuration
    assert isinstance(configuration, Configuration)
    return configuration
