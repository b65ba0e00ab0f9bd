"""Logging in, who am I, logging out: against fakes for the odd answers, a real server
for the ordinary ones."""

import asyncio

import httpx
import pytest

from tests.desktop.conftest import AGENT, PASSWORD
from tests.server_process import ServerProcess
from vaxla_desktop.api import (
    IncompatibleServer,
    ServerClient,
    ServerUnreachable,
    SessionEnded,
    TooManyAttempts,
    WrongCredentials,
    server_base_url,
)
from vaxla_protocol import PROTOCOL_VERSION, ProtocolMismatch, Role

HEALTHY = {"status": "ok", "version": "0.1.0", "protocol_version": PROTOCOL_VERSION}


def fake_server(login: httpx.Response, health: object = HEALTHY) -> ServerClient:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/health":
            return httpx.Response(200, json=health)
        assert request.url.path == "/api/v1/auth/login"
        return login

    return ServerClient("http://vaxla.test", transport=httpx.MockTransport(handle))


def test_log_in_ask_who_and_log_out_on_a_real_server(server_with_agent: ServerProcess) -> None:
    async def session() -> None:
        async with ServerClient(server_with_agent.url) as client:
            user = await client.login(AGENT, PASSWORD)
            assert (user.username, user.role) == (AGENT, Role.AGENT)
            assert client.logged_in
            assert await client.me() == user
            await client.logout()
            assert not client.logged_in
            with pytest.raises(SessionEnded):
                await client.me()

    asyncio.run(session())


def test_a_wrong_password_says_so(server_with_agent: ServerProcess) -> None:
    async def attempt() -> None:
        async with ServerClient(server_with_agent.url) as client:
            await client.login(AGENT, "not the password")

    with pytest.raises(WrongCredentials, match="wrong user name or password"):
        asyncio.run(attempt())


def test_a_token_the_server_forgot_ends_the_session(server_with_agent: ServerProcess) -> None:
    async def attempt() -> None:
        async with ServerClient(server_with_agent.url) as first:
            await first.login(AGENT, PASSWORD)
            async with ServerClient(server_with_agent.url) as second:
                second._token = first._token
                await first.logout()
                with pytest.raises(SessionEnded, match="log in again"):
                    await second.me()
                assert not second.logged_in

    asyncio.run(attempt())


def test_throttled_logins_say_when_to_try_again() -> None:
    client = fake_server(httpx.Response(429, headers={"Retry-After": "42"}, json={}))

    async def attempt() -> None:
        async with client:
            await client.login(AGENT, PASSWORD)

    with pytest.raises(TooManyAttempts, match="try again in 42 seconds"):
        asyncio.run(attempt())


@pytest.mark.parametrize(
    ("remote", "advice"), [(PROTOCOL_VERSION + 1, "upgrade this app"), (0, "upgrade the server")]
)
def test_another_protocol_stops_the_login_before_the_password_is_sent(
    remote: int, advice: str
) -> None:
    health = {**HEALTHY, "protocol_version": remote}
    client = fake_server(httpx.Response(500), health=health)

    async def attempt() -> None:
        async with client:
            await client.login(AGENT, PASSWORD)

    with pytest.raises(IncompatibleServer) as caught:
        asyncio.run(attempt())
    assert str(caught.value) == (
        f"the server speaks protocol {remote}, this app speaks {PROTOCOL_VERSION}: "
        f"{advice} so that both speak the same version"
    )
    assert isinstance(caught.value, ProtocolMismatch)
    assert caught.value.remote == remote


def test_a_closed_port_is_unreachable(tmp_path: object) -> None:
    async def attempt() -> None:
        async with ServerClient("http://127.0.0.1:1") as client:
            await client.health()

    with pytest.raises(
        ServerUnreachable, match=r"cannot reach the server at http://127\.0\.0\.1:1"
    ):
        asyncio.run(attempt())


def test_without_a_session_me_asks_to_log_in_without_a_request() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    client = ServerClient("http://vaxla.test", transport=httpx.MockTransport(refuse))
    with pytest.raises(SessionEnded):
        asyncio.run(client.me())


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("https://desk.local:8780/api/v1", "https://desk.local:8780"),
        ("https://desk.local:8780/api/v1/", "https://desk.local:8780"),
        ("  http://10.0.0.5:8780/ ", "http://10.0.0.5:8780"),
    ],
)
def test_api_urls_from_discovery_become_base_urls(given: str, base: str) -> None:
    assert server_base_url(given) == base
