"""The auth routes and the role checks, through HTTP against the real app on SQLite."""

import asyncio
from collections.abc import Iterator
from ipaddress import ip_network
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Request

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from vaxla_protocol import API_PREFIX, CurrentUser, LoginResponse, Role
from vaxla_server.api.access import require_role, route_roles
from vaxla_server.app import create_app
from vaxla_server.auth import Auth
from vaxla_server.auth.routes import client_address
from vaxla_server.store import Store

PUBLIC_ROUTES = {
    ("GET", f"{API_PREFIX}/health"),
    ("POST", f"{API_PREFIX}/auth/login"),
    ("GET", "/wallboard/{token}"),  # a board link's page: its token is the key
    ("GET", f"{API_PREFIX}/sms/reports/{{token}}"),  # Kannel's delivery reports: a secret token
}
LOGIN = f"{API_PREFIX}/auth/login"
LOGOUT = f"{API_PREFIX}/auth/logout"
ME = f"{API_PREFIX}/auth/me"


class Api:
    """Requests to the app in-process; ``auth`` reaches the same services for set-up."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        auth = app.state.services.auth
        assert isinstance(auth, Auth)
        self.auth = auth

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        headers = dict(headers or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=("192.0.2.10", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://vaxla.test") as c:
                return await c.request(method, path, headers=headers, **kwargs)

        return asyncio.run(send())

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        return self.request("POST", LOGIN, json={"username": username, "password": password})

    def token(self, username: str) -> str:
        response = self.login(username)
        assert response.status_code == 200, response.text
        return LoginResponse.model_validate_json(response.content).token


@pytest.fixture
def api(sqlite_store: Store, clock: FakeClock) -> Iterator[Api]:
    api = Api(create_app(sqlite_store, auth_settings=CHEAP_SETTINGS, clock=clock))
    for role in Role:
        api.auth.users.create(role.value, PASSWORD, role, now=clock())
    yield api


def test_login_gives_a_token_that_me_recognises(api: Api) -> None:
    response = api.login("supervisor")
    assert response.status_code == 200
    token = LoginResponse.model_validate_json(response.content).token

    me = api.request("GET", ME, token=token)
    assert me.status_code == 200
    assert CurrentUser.model_validate_json(me.content) == CurrentUser(
        username="supervisor", display_name="supervisor", role=Role.SUPERVISOR
    )


def test_unknown_user_wrong_password_and_inactive_user_get_the_same_answer(
    api: Api, clock: FakeClock
) -> None:
    api.auth.users.create("gone", PASSWORD, Role.AGENT, now=clock())
    api.auth.users.deactivate("gone", now=clock())
    answers = [
        api.login("nobody"),
        api.login("agent", "wrong password"),
        api.login("gone"),
    ]
    assert {response.status_code for response in answers} == {401}
    assert len({response.content for response in answers}) == 1
    assert answers[0].json() == {"detail": "unknown user name or wrong password"}


@pytest.mark.parametrize(
    "body",
    [{}, {"username": "agent"}, {"username": "", "password": PASSWORD}, {"user": "agent"}],
)
def test_a_malformed_login_is_refused_with_422(api: Api, body: dict[str, str]) -> None:
    assert api.request("POST", LOGIN, json=body).status_code == 422


def test_failed_logins_are_throttled_per_user_and_address(api: Api, clock: FakeClock) -> None:
    for _ in range(5):
        assert api.login("agent", "wrong password").status_code == 401
        clock.advance(seconds=1)
    clock.advance(seconds=10)

    refused = api.login("agent")
    assert refused.status_code == 429
    # The fifth failure (4 s in) locked the name from this address for 60 s.
    assert refused.headers["Retry-After"] == "49"
    assert "too many failed logins for this user" in refused.json()["detail"]
    assert api.login("admin").status_code == 200  # a colleague at the same address

    clock.advance(seconds=49)
    assert api.login("agent").status_code == 200


def test_x_forwarded_for_counts_only_from_a_configured_proxy() -> None:
    """Behind a reverse proxy the client's address is the nearest one in the header that
    is not a proxy; from anyone else the header is ignored (it could name any address)."""
    proxies = (ip_network("10.0.0.0/8"),)

    def seen(peer: str, forwarded: str | None) -> str:
        headers = [] if forwarded is None else [(b"x-forwarded-for", forwarded.encode())]
        scope = {"type": "http", "client": (peer, 4711), "headers": headers}
        return client_address(Request(scope), proxies)

    assert seen("10.0.0.5", "203.0.113.9") == "203.0.113.9"
    assert seen("10.0.0.5", "198.51.100.1, 203.0.113.9, 10.1.2.3") == "203.0.113.9"
    assert seen("192.0.2.50", "203.0.113.9") == "192.0.2.50"  # not a proxy: ignored
    assert seen("10.0.0.5", None) == "10.0.0.5"
    assert client_address(Request({"type": "http", "client": ("10.0.0.5", 1),
                                   "headers": [(b"x-forwarded-for", b"1.2.3.4")]}), ()) == (
        "10.0.0.5"
    )  # fmt: skip


def test_a_token_expires_after_12_hours(api: Api, clock: FakeClock) -> None:
    token = api.token("agent")
    clock.advance(hours=11, minutes=59)
    assert api.request("GET", ME, token=token).status_code == 200
    clock.advance(minutes=1)
    expired = api.request("GET", ME, token=token)
    assert expired.status_code == 401
    assert expired.json() == {"detail": "the token has expired; log in again"}
    assert expired.headers["WWW-Authenticate"] == "Bearer"


def test_logout_revokes_the_token(api: Api) -> None:
    token = api.token("agent")
    other = api.token("agent")
    assert api.request("POST", LOGOUT, token=token).status_code == 204
    assert api.request("GET", ME, token=token).status_code == 401
    assert api.request("POST", LOGOUT, token=token).status_code == 401
    assert api.request("GET", ME, token=other).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-token", "Basic YWdlbnQ6cGFzc3dvcmQ=", "Bearer", "not-a-token"],
)
def test_a_missing_or_bad_token_gets_401(api: Api, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = api.request("GET", ME, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_health_needs_no_token(api: Api) -> None:
    assert api.request("GET", f"{API_PREFIX}/health").status_code == 200


def test_every_route_declares_its_roles_or_is_public(api: Api) -> None:
    table = route_roles(api.app)
    assert {route for route, roles in table.items() if roles is None} == PUBLIC_ROUTES
    assert table[("GET", ME)] == frozenset(Role)


def test_every_route_allows_exactly_its_roles(api: Api) -> None:
    """Each protected route, called with a token of each role: allowed, or 403."""
    checked = 0
    for (method, path), roles in route_roles(api.app).items():
        if roles is None:
            continue
        for role in Role:
            response = api.request(method, path, token=api.token(role.value), json={})
            if role in roles:
                assert response.status_code not in (401, 403), (method, path, role)
            else:
                assert response.status_code == 403, (method, path, role)
                assert f"role {role.value!r} may not do this" in response.json()["detail"]
            checked += 1
    assert checked >= 2 * len(Role)


def test_a_wrong_role_gets_403(sqlite_store: Store, clock: FakeClock) -> None:
    app = create_app(sqlite_store, auth_settings=CHEAP_SETTINGS, clock=clock)

    @app.get("/admin-only", dependencies=[Depends(require_role(Role.ADMIN, Role.SUPERVISOR))])
    def admin_only() -> str:
        return "ok"

    api = Api(app)
    api.auth.users.create("agent", PASSWORD, Role.AGENT, now=clock())
    api.auth.users.create("admin", PASSWORD, Role.ADMIN, now=clock())
    refused = api.request("GET", "/admin-only", token=api.token("agent"))
    assert refused.status_code == 403
    assert refused.json() == {"detail": "role 'agent' may not do this; allowed: admin, supervisor"}
    assert api.request("GET", "/admin-only", token=api.token("admin")).status_code == 200
    assert api.request("GET", "/admin-only").status_code == 401


def test_openapi_describes_the_auth_routes(api: Api) -> None:
    schema = api.request("GET", "/openapi.json").json()
    for path in (LOGIN, LOGOUT, ME):
        assert path in schema["paths"]
    assert "token" in schema["components"]["securitySchemes"]
    assert "security" in schema["paths"][ME]["get"]
