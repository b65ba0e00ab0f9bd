"""The role table of the configuration and user routes: who may call each one."""

from tests.server.auth.test_api import Api
from vaxla_protocol import API_PREFIX, Role
from vaxla_server.api.access import route_roles

ADMIN = frozenset({Role.ADMIN})
READERS = frozenset({Role.ADMIN, Role.SUPERVISOR})
EVERYONE = frozenset(Role)
EVERYONE_READS = {f"{API_PREFIX}/config/pause-reasons", f"{API_PREFIX}/config/classification-codes"}


def expected_roles(method: str, path: str) -> frozenset[Role]:
    if path.startswith(f"{API_PREFIX}/users"):
        return ADMIN
    if method != "GET":
        return ADMIN
    return EVERYONE if path in EVERYONE_READS else READERS


def test_configuration_routes_are_read_by_supervisors_and_written_by_administrators(
    api: Api,
) -> None:
    table = {
        route: roles
        for route, roles in route_roles(api.app).items()
        if route[1].startswith((f"{API_PREFIX}/config", f"{API_PREFIX}/users"))
    }
    assert {path for _, path in table} >= {
        f"{API_PREFIX}/config/{kind}"
        for kind in (
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
            "licence",
            "document",
            "problems",
        )
    } | {f"{API_PREFIX}/users"}
    wrong = {route: roles for route, roles in table.items() if roles != expected_roles(*route)}
    assert wrong == {}
    assert len(table) >= 50
