"""The role table: every route of the app × every role → allowed or refused.

The routes come from the app itself, so a route added anywhere is in the table without
anyone listing it. What each role may do is written down here once, as a policy by route
family, independently of what the routes declare; the test fails when a route declares
no roles (and is not one of the public ones), when its declaration differs from the
policy, when a route belongs to no family of the policy (write its rule here), and when
a request of some role is let through or refused against the policy.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import Depends

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from tests.server.auth.test_api import Api
from vaxla_protocol import API_PREFIX, Role
from vaxla_server.api.access import require_role, route_roles
from vaxla_server.app import create_app
from vaxla_server.store import open_store

PUBLIC = None
EVERYONE = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})
CALL_TAKERS = frozenset({Role.AGENT, Role.SUPERVISOR})
RECEPTIONISTS_TOO = CALL_TAKERS | {Role.OPERATOR}
CONFIG_READERS = frozenset({Role.ADMIN, Role.SUPERVISOR})
WATCHERS = frozenset({Role.SUPERVISOR, Role.OPERATOR, Role.ADMIN})
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})

CONFIG_KINDS = (
    "skills",
    "pause-reasons",
    "classification-codes",
    "queues",
    "agents",
    "schedules",
    "prompts",
    "announcement-sets",
    "digit-collections",
    "menus",
    "entry-points",
    "alarm-rules",
    "voicemail-boxes",
    "recording-rules",
    "licence",
    "mail-server",
    "document",
    "problems",
)
EVERYONE_READS = {"/config/pause-reasons", "/config/classification-codes"}
"""Agents need the pause reasons and the classification codes to pause and classify."""


class NoPolicy(Exception):
    pass


def policy(method: str, path: str) -> frozenset[Role] | None:
    """Who may call ``method path``; ``None`` for a public route."""
    route = path.removeprefix(API_PREFIX)
    if (method, route) in {("GET", "/health"), ("POST", "/auth/login")}:
        return PUBLIC
    if route.startswith("/auth/"):
        return EVERYONE
    if route.startswith("/users"):
        return ADMIN
    if route == "/config/sms-gateway":
        # Its password is write-only, yet its user, senders and report URL are the
        # administrator's alone (R25).
        return ADMIN
    if route.startswith("/config/"):
        if method != "GET":
            return ADMIN
        return EVERYONE if route in EVERYONE_READS else CONFIG_READERS
    if route == "/agent/sms":
        # SMS to the agent's last caller (R25): agents and supervisors taking calls.
        return CALL_TAKERS
    if route == "/agent" or route.startswith("/agent/"):
        # The calling agent's own session: its state, log-in, pause, calls. A supervisor
        # with an agent profile takes calls too, an operator with one answers the
        # switchboard (R29); one without gets 404.
        return RECEPTIONISTS_TOO
    if route == "/agents" and method == "GET":
        return WATCHERS
    if route.startswith("/agents/"):
        # Acting on another agent (force log-out, pause, ready).
        return SUPERVISORS
    if route == "/queues" and method == "GET":
        return EVERYONE
    if route.startswith("/queues/"):
        return WATCHERS if method == "GET" else SUPERVISORS
    if route == "/calls/export" and method == "GET":
        # The call log as a file is a report: the supervisors' and administrators'.
        return SUPERVISORS
    if route == "/calls" and method == "GET":
        # Agents are let in, and see only the calls they answered.
        return EVERYONE
    if route.startswith("/stats/") and method == "GET":
        return WATCHERS
    if route.startswith("/reports/schedules"):
        # Scheduled reports: read and changed by those who read the reports.
        return SUPERVISORS
    if route.startswith("/reports/") and method == "GET":
        # The reports are the supervisors' and administrators' (R33).
        return SUPERVISORS
    if route == "/storm" and method == "GET":
        # Agents see that a storm message is on (callers have heard it).
        return EVERYONE
    if route.startswith("/storm/"):
        return SUPERVISORS
    if path.startswith("/wallboard/"):
        # A board link's page: its token is the key (outside the API's prefix).
        return PUBLIC
    if route == "/boards" or route.startswith("/boards/"):
        # Every watcher's wallboard shows them; supervisors run the boards of their rooms.
        return WATCHERS if method == "GET" else SUPERVISORS
    if route == "/board-links" or route.startswith("/board-links/"):
        # A link opens a board without a login: a credential only administrators hand out.
        return ADMIN
    if route == "/alarms" or route.startswith("/alarms/"):
        # The raised alarms and their acknowledgement: the supervisor's (R24).
        return SUPERVISORS
    if route == "/sms/messages":
        # Every SMS sent, to whom: the supervisor's (R25).
        return SUPERVISORS
    if route.startswith("/sms/reports/"):
        # Kannel's delivery reports: the gateway's secret token in the path is the key.
        return PUBLIC
    if route == "/voicemail/tasks" or route.startswith("/voicemail/tasks/"):
        # A voicemail task (R7) is offered to an agent of a queue: the roles that log in
        # to queues take or decline it (the route checks it is offered to the caller).
        return frozenset({Role.AGENT, Role.SUPERVISOR, Role.OPERATOR})
    if route.startswith("/voicemail/"):
        # Anyone may be a box's reader; each box's own readers are checked by the route.
        return EVERYONE
    if route == "/recordings/purge":
        # The retention purge run now: the administrator's (logged like the hourly one).
        return ADMIN
    if route == "/recordings" or route.startswith("/recordings/"):
        # Call recordings (R27): supervisors and administrators all of them, an agent
        # its own calls' (the route checks); operators none.
        return frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})
    if route == "/directory" or route.startswith("/directory/"):
        # The switchboard's directory (R29): every role looks people up (agents transfer
        # with it); the organisation's list is the administrator's to edit and import.
        return EVERYONE if method == "GET" else ADMIN
    if route == "/presence":
        # Each user's own hänvisning.
        return EVERYONE
    if route.startswith("/presence/"):
        # Someone else's: the receptionist sets it for a colleague who calls in.
        return frozenset({Role.OPERATOR, Role.ADMIN})
    if route == "/lines":
        # Colleagues' line status (BLF): the switchboard and the real-time view.
        return WATCHERS
    raise NoPolicy(f"{method} {path}: no rule in the role table's policy; write one")


def test_the_policy_refuses_what_it_does_not_know() -> None:
    with pytest.raises(NoPolicy):
        policy("POST", f"{API_PREFIX}/calls")
    with pytest.raises(NoPolicy):
        policy("GET", f"{API_PREFIX}/something-new")


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    clock = FakeClock()
    with open_store(data_dir=tmp_path / "data") as store:
        api = Api(create_app(store, auth_settings=CHEAP_SETTINGS, clock=clock))
        for role in Role:
            api.auth.users.create(role.value, PASSWORD, role, now=clock())
        yield api


def table(api: Api) -> dict[tuple[str, str], frozenset[Role] | None]:
    return route_roles(api.app)


def mismatches(
    routes: dict[tuple[str, str], frozenset[Role] | None],
) -> dict[tuple[str, str], str]:
    """The routes whose declared roles are not the policy's, with what is wrong."""
    wrong = {}
    for (method, path), declared in routes.items():
        try:
            expected = policy(method, path)
        except NoPolicy as error:
            wrong[(method, path)] = str(error)
            continue
        if declared != expected:
            wrong[(method, path)] = (
                f"declares {_names(declared)}, the policy says {_names(expected)}"
            )
    return wrong


def test_every_route_declares_the_roles_of_the_policy(api: Api) -> None:
    routes = table(api)
    assert {path for _, path in routes} >= {
        f"{API_PREFIX}/config/{kind}" for kind in CONFIG_KINDS
    } | {
        f"{API_PREFIX}/{path}"
        for path in ("users", "agent", "agents", "queues", "calls", "stats/queues", "health")
    }
    assert mismatches(routes) == {}


def test_a_route_without_roles_or_outside_the_policy_is_caught(api: Api) -> None:
    @api.app.post(f"{API_PREFIX}/agent/unguarded")
    def unguarded() -> str:
        return "anyone"

    @api.app.get(f"{API_PREFIX}/elsewhere", dependencies=[Depends(require_role(Role.ADMIN))])
    def elsewhere() -> str:
        return "admins"

    assert mismatches(table(api)) == {
        ("POST", f"{API_PREFIX}/agent/unguarded"): (
            "declares public, the policy says agent, operator, supervisor"
        ),
        ("GET", f"{API_PREFIX}/elsewhere"): (
            f"GET {API_PREFIX}/elsewhere: no rule in the role table's policy; write one"
        ),
    }


def test_each_route_with_each_role_is_let_in_or_refused_by_the_policy(api: Api) -> None:
    """Every route is called without a token and with a token of each role."""
    wrong: dict[tuple[str, str, str], int] = {}
    checked = 0
    for (method, path), _declared in sorted(table(api).items()):
        expected = policy(method, path)
        anonymous = api.request(method, path, json={})
        if (anonymous.status_code == 401) != (expected is not PUBLIC):
            wrong[(method, path, "no token")] = anonymous.status_code
        for role in Role:
            response = api.request(method, path, token=api.token(role.value), json={})
            checked += 1
            if expected is PUBLIC or role in expected:
                if response.status_code in (401, 403):
                    wrong[(method, path, role.value)] = response.status_code
            elif response.status_code != 403 or (
                f"role {role.value!r} may not do this" not in response.json()["detail"]
            ):
                wrong[(method, path, role.value)] = response.status_code
    assert wrong == {}
    assert checked >= 60 * len(Role)


def _names(roles: frozenset[Role] | None) -> str:
    return "public" if roles is None else ", ".join(sorted(role.value for role in roles))
