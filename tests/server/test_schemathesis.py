"""Schemathesis over every operation of the app's /openapi.json: no 5xx, and every answer
as documented (status code, content type, headers, body schema).

The real app runs on a temporary SQLite store with one user of each role. Each operation
is fuzzed with no token and with a valid token of each role. Examples are few and
derandomized, so the file is quick and the same on every run; an operation that refuses
the caller outright (401, 403: the answer comes before the body is read) gets fewer.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.checks import CheckFunction
from schemathesis.core.result import Err
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from vaxla_protocol import Role
from vaxla_server.app import create_app
from vaxla_server.auth import Auth
from vaxla_server.store import open_store

MAX_EXAMPLES = 30
REFUSED_EXAMPLES = 5
"""Requests of an operation whose first answer was a refusal of the caller (401, 403)."""
REFUSALS = {401, 403}
# Tokens are issued from another address than the fuzzer's, so the failed logins the
# fuzzer makes (and their throttling) never stand in the way of setting up a token.
SETUP_ADDRESS = "192.0.2.99"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(tmp_path: Path, clock: FakeClock) -> Iterator[FastAPI]:
    with open_store(data_dir=tmp_path / "data") as store:
        app = create_app(store, auth_settings=CHEAP_SETTINGS, clock=clock)
        for role in Role:
            auth(app).users.create(role.value, PASSWORD, role, now=clock())
        yield app


def auth(app: FastAPI) -> Auth:
    found = app.state.services.auth
    assert isinstance(found, Auth)
    return found


Operation = APIOperation[Any, Any, Any, Any]

# The configuration and user routes answer 400 to a schema-valid body that breaks a rule
# the schema cannot state (min_length above max_length, a menu pointing to a missing
# queue, a weak password), so schemathesis' "valid data is accepted" check does not hold
# for them; the API tests in tests/server/config/routes check those answers one by one.
# So do the boards (422 for a tile naming a queue that does not exist: tests/server/boards),
# the SMS routes (400 for a number that is not one, an unknown template, a report type
# Kannel does not send: tests/server/sms) and the directory and presence routes (422 for
# an extension that is no user, a CSV row that is wrong, a return time that has passed:
# tests/server/directory).
RULE_CHECKED_PATHS = (
    "/api/v1/config/",
    "/api/v1/users",
    "/api/v1/boards",
    "/api/v1/agent/sms",
    "/api/v1/sms/",
    # The reports (R33): a period must lie on quarter hours and cover at most two years,
    # a schedule's queue must exist: 422 with the reason (tests/server/stats).
    "/api/v1/reports/",
    "/api/v1/calls/export",
    "/api/v1/directory",
    "/api/v1/presence",
    # The recordings (R27): a search's times need a time zone and until after since, a
    # tag typed must be one (422 with the reason: tests/server/recording).
    "/api/v1/recordings",
)
NETWORK_PATHS = ("/api/v1/directory/import/ldap",)
"""Operations that reach out to the address in the body (an LDAP server): fuzzed, they
would wait on made-up hosts; tests/server/directory/test_ldap_import.py calls them
against a real slapd."""


def operations(app: FastAPI) -> list[Operation]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    found: list[Operation] = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        if result.ok().path not in NETWORK_PATHS:
            found.append(result.ok())
    assert found, "the schema has no operations"
    return found


def fuzz(operation: Operation, token: str | None) -> None:
    """Call ``operation`` with generated requests, checking every answer. One request
    first: when its answer is 401 or 403 (no token, or a role the route refuses before
    it reads the body), a few more requests check that refusal; otherwise
    ``MAX_EXAMPLES``."""
    if fuzzed(operation, token, 1) <= REFUSALS:
        fuzzed(operation, token, REFUSED_EXAMPLES)
    else:
        fuzzed(operation, token, MAX_EXAMPLES)


def fuzzed(operation: Operation, token: str | None, examples: int) -> set[int]:
    """``examples`` generated requests of ``operation``, every answer checked; the
    status codes answered."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    answered: set[int] = set()
    refuses_rules = operation.path.startswith(RULE_CHECKED_PATHS)

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: Case[Operation]) -> None:
        excluded: list[CheckFunction] = [positive_data_acceptance] if refuses_rules else []
        response = case.call_and_validate(headers=headers, excluded_checks=excluded)
        assert response.status_code < 500, (operation.label, response.status_code)
        answered.add(response.status_code)

    check()
    return answered


def test_every_operation_without_a_token(app: FastAPI) -> None:
    for operation in operations(app):
        fuzz(operation, None)


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_every_operation_with_a_token(app: FastAPI, clock: FakeClock, role: Role) -> None:
    for operation in operations(app):
        # A fresh token per operation: fuzzing logout ends the session it is given.
        token = auth(app).sessions.login(role.value, PASSWORD, SETUP_ADDRESS, clock()).token
        fuzz(operation, token)
