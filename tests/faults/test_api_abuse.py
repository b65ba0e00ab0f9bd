"""The API as an attacker uses it, against a real ``vaxla-server serve`` over real sockets:
oversized bodies, login guessing next to correct logins, an admin demoting itself, header
injection through a SIP contact, binary WebSocket frames, and a socket that should die
with its session. The rules themselves have their unit tests beside their code; here the
process, its HTTP server and its WebSocket stack are what is tested."""

import json
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.e2e.test_demo_calls import Demo
from tests.faults.site import Site
from vaxla_protocol import API_PREFIX, PROTOCOL_VERSION
from vaxla_server.events.routes import BINARY_REFUSED, LOGGED_OUT

GUARD_S = 5.0
"""Each refusal is due at once; this only keeps a broken server from hanging the test."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    site = Site(tmp_path_factory.mktemp("abuse"), sip=False)
    with site.running() as demo:
        yield demo
        site.stop()


def raw_request(demo: Demo, head: str) -> bytes:
    """Send only ``head`` (request line and headers, no body) and read the answer."""
    url = urlsplit(demo.server.url)
    assert url.hostname is not None and url.port is not None
    with socket.create_connection((url.hostname, url.port), timeout=GUARD_S) as conn:
        conn.sendall(head.replace("\n", "\r\n").encode() + b"\r\n")
        answer = b""
        while chunk := conn.recv(4096):  # to the end: the server closes after a refusal
            answer += chunk
        return answer


def test_a_huge_body_is_refused_413_before_it_is_sent_or_authenticated(demo: Demo) -> None:
    """200 MB announced without a token: answered 413 at once, while the body (never sent)
    would still be on its way; the 16 MiB configuration document limit and the 1 MiB
    limit elsewhere both hold."""
    limits = (("config/document", "16 MiB"), ("auth/login", "1 MiB"))
    for path, limit in limits:
        answer = raw_request(
            demo,
            f"PUT {API_PREFIX}/{path} HTTP/1.1\nHost: vaxla\nContent-Type: application/json\n"
            f"Content-Length: {200 * 1024 * 1024}\n",
        )
        assert answer.startswith(b"HTTP/1.1 413 "), answer
        assert limit.encode() in answer, answer
    # A chunked body has no length to refuse it by: it is cut off at the limit.
    chunks = (b"x" * 65536 for _ in range(40))  # 2.5 MiB
    cut = demo.api.post("/auth/login", content=chunks)
    assert cut.status_code == 413, cut.text


def test_guessing_passwords_locks_the_guessed_name_never_a_correct_login(demo: Demo) -> None:
    """Typos for agent18 from this address until it is locked (429); meanwhile 12
    simultaneous correct logins of other users from the same address all succeed."""

    def log_in(user: str, password: str) -> int:
        body = {"username": user, "password": password}
        return demo.api.post("/auth/login", json=body).status_code

    with ThreadPoolExecutor(12) as pool:
        correct = pool.map(log_in, [f"agent{n}" for n in range(1, 13)], ["demo"] * 12)
        typos = [log_in("agent18", "wrong") for _ in range(8)]
        assert list(correct) == [200] * 12
    assert typos[0] == 401 and typos[-1] == 429, typos
    assert log_in("agent19", "demo") == 200  # someone else's typos lock nobody else


def test_the_last_admin_cannot_demote_itself(demo: Demo) -> None:
    admin = demo.token("admin1")
    headers = {"Authorization": f"Bearer {admin}"}
    refused = demo.api.patch("/users/admin1", json={"role": "agent"}, headers=headers)
    assert refused.status_code == 409, refused.text
    assert demo.get("/users/admin1", admin)["role"] == "admin"  # unchanged, still in


def test_a_sip_contact_carrying_crlf_is_refused_422(demo: Demo) -> None:
    agent = demo.token("agent14")
    for contact in ("sip:a@127.0.0.1\r\nX-Injected: 1", "sip:a@127.0.0.1\nVia: x"):
        refused = demo.api.post(
            "/agent/login",
            json={"sip_contact": contact},
            headers={"Authorization": f"Bearer {agent}"},
        )
        assert refused.status_code == 422, refused.text
    assert demo.get("/agent", agent)["state"] == "offline"


def events_socket(demo: Demo) -> ClientConnection:
    url = demo.server.url.replace("http", "ws", 1) + f"{API_PREFIX}/events"
    return connect(url, open_timeout=GUARD_S, close_timeout=GUARD_S)


def test_a_binary_frame_closes_the_socket_1003(demo: Demo) -> None:
    for hello_first in (False, True):
        with events_socket(demo) as ws:
            if hello_first:
                hello = {"token": demo.token("agent15"), "protocol_version": PROTOCOL_VERSION}
                ws.send(json.dumps(hello))
                ws.recv(GUARD_S)  # welcome
            ws.send(b"\x00\xff\x00binary")
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    ws.recv(GUARD_S)
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1003, BINARY_REFUSED)
    assert demo.api.get("/health").status_code == 200  # and the server goes on


def test_logging_out_closes_the_event_socket_at_once(demo: Demo) -> None:
    token = demo.token("supervisor1")
    with events_socket(demo) as ws:
        ws.send(json.dumps({"token": token, "protocol_version": PROTOCOL_VERSION}))
        ws.recv(GUARD_S)  # welcome
        logged_out = demo.api.post("/auth/logout", headers={"Authorization": f"Bearer {token}"})
        assert logged_out.status_code == 204
        asked = time.monotonic()
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(GUARD_S)  # snapshots may come first; then the close
        took = time.monotonic() - asked
    assert closed.value.rcvd is not None and closed.value.rcvd.reason == LOGGED_OUT
    assert took < 1.0, f"the socket closed {took:.2f} s after the logout"
    with pytest.raises(httpx.HTTPStatusError):
        demo.get("/agents", token)  # the token is gone too
