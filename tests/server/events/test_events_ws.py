"""The event WebSocket against the real app: the handshake, and what each role gets."""

import contextlib
import json
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import pytest
from starlette.websockets import WebSocketDisconnect

with warnings.catch_warnings():
    # Starlette asks for its httpx fork, which is not a dependency; httpx still works.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient, WebSocketTestSession

from tests.server.api.running import Centre
from vaxla_protocol import API_PREFIX, PROTOCOL_VERSION
from vaxla_protocol.events import (
    CLOSE_BAD_HELLO,
    CLOSE_PROTOCOL_MISMATCH,
    CLOSE_UNAUTHORIZED,
    SERVER_EVENT,
    AgentStateChanged,
    OfferMade,
    QueueSnapshot,
    ServerEvent,
    WaitingContacts,
    Welcome,
)
from vaxla_server.events.routes import BINARY_REFUSED, LOGGED_OUT

EVENTS = f"{API_PREFIX}/events"
GUARD_S = 10.0
"""Only a guard against a hanging test: every awaited message is due at once."""


def receive(ws: WebSocketTestSession) -> ServerEvent:
    async def next_message() -> Any:
        with anyio.fail_after(GUARD_S):
            return await ws._send_rx.receive()

    message = ws.portal.call(next_message)
    ws._raise_on_close(message)
    return SERVER_EVENT.validate_python(json.loads(message["text"]))


def until(ws: WebSocketTestSession, found: Callable[[ServerEvent], bool]) -> list[ServerEvent]:
    """Messages up to and including the first that ``found`` accepts."""
    seen = []
    while True:
        message = receive(ws)
        seen.append(message)
        if found(message):
            return seen


@pytest.fixture
def client(running: Centre) -> Iterator[TestClient]:
    running.api.app.state.services.event_socket.snapshot_interval_s = 0.0
    running.api.app.state.services.event_socket.session_recheck_s = 0.0
    with TestClient(running.api.app) as client:
        yield client


def log_in(running: Centre, username: str) -> None:
    token = running.token(username)
    login = running.api.request("POST", f"{API_PREFIX}/agent/login", token=token, json={})
    assert login.status_code == 200, login.text


@contextlib.contextmanager
def connect(client: TestClient, token: str) -> Iterator[WebSocketTestSession]:
    with client.websocket_connect(EVENTS) as ws:
        ws.send_json({"token": token, "protocol_version": PROTOCOL_VERSION})
        yield ws


def test_a_bad_token_is_refused_with_a_reason(client: TestClient) -> None:
    with client.websocket_connect(EVENTS) as ws:
        ws.send_json({"token": "not-a-token", "protocol_version": PROTOCOL_VERSION})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == CLOSE_UNAUTHORIZED
    assert "token" in closed.value.reason


def test_another_protocol_version_is_refused_with_a_reason(
    client: TestClient, running: Centre
) -> None:
    with client.websocket_connect(EVENTS) as ws:
        ws.send_json({"token": running.token("anna"), "protocol_version": PROTOCOL_VERSION + 1})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == CLOSE_PROTOCOL_MISMATCH
    assert closed.value.reason.startswith("protocol version mismatch")


def test_a_message_that_is_not_hello_is_refused(client: TestClient) -> None:
    with client.websocket_connect(EVENTS) as ws:
        ws.send_json({"hello": True})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == CLOSE_BAD_HELLO
    assert "expected Hello" in closed.value.reason


def test_a_binary_frame_closes_the_socket_with_a_protocol_error(
    client: TestClient, running: Centre
) -> None:
    """Binary frames are not part of the protocol: 1003 with the reason, before the
    Hello and after it (no traceback in the server's log)."""
    with client.websocket_connect(EVENTS) as ws:
        ws.send_bytes(b"\x00\x01")
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert (closed.value.code, closed.value.reason) == (1003, BINARY_REFUSED)
    with connect(client, running.token("anna")) as ws:
        until(ws, lambda m: isinstance(m, QueueSnapshot))
        ws.send_bytes(b"\xff")
        with pytest.raises(WebSocketDisconnect) as closed:
            receive(ws)
    assert (closed.value.code, closed.value.reason) == (1003, BINARY_REFUSED)


def test_an_agent_gets_its_state_its_offers_and_its_queues(
    client: TestClient, running: Centre
) -> None:
    anna_token = running.token("anna")
    with connect(client, anna_token) as ws:
        welcome = receive(ws)
        assert isinstance(welcome, Welcome) and welcome.username == "anna"
        first = until(ws, lambda m: isinstance(m, QueueSnapshot))
        states = {
            m.agent.username: m.agent.state for m in first if isinstance(m, AgentStateChanged)
        }
        # bo shares Sales with anna: a colleague. "nobody" has no profile.
        assert states == {"anna": "offline", "bo": "offline"}
        snapshot = first[-1]
        assert isinstance(snapshot, QueueSnapshot)
        assert {q.name for q in snapshot.queues} == {"Support", "Sales"}

        login = running.api.request("POST", f"{API_PREFIX}/agent/login", token=anna_token, json={})
        assert login.status_code == 200
        seen = until(ws, lambda m: isinstance(m, QueueSnapshot))
        assert [m.agent.state for m in seen if isinstance(m, AgentStateChanged)] == ["available"]
        assert seen[-1].queues[0].agents_available == 1  # type: ignore[union-attr]

        contact = running.centre.enter("100", "+4670111")
        running.centre.queue(contact, running.ids["support"], data={"customer": "42"})
        seen = until(ws, lambda m: isinstance(m, OfferMade))
        offer = seen[-1]
        assert isinstance(offer, OfferMade)
        assert (offer.contact_id, offer.agent_id, offer.queue) == (
            contact,
            running.ids["anna"],
            "Support",
        )
        assert (offer.caller, offer.data) == ("+4670111", {"customer": "42"})
        assert offer.offer_id == running.centre.contact(contact).offer_ids[running.ids["anna"]]
        seen = until(ws, lambda m: isinstance(m, QueueSnapshot))
        assert [m.agent.state for m in seen if isinstance(m, AgentStateChanged)] == ["offered"]


def test_an_agent_sees_the_queues_of_other_groups_too(client: TestClient, running: Centre) -> None:
    # bo is in Sales only; his panel shows Support as another group's queue (R28).
    with connect(client, running.token("bo")) as ws:
        snapshot = until(ws, lambda m: isinstance(m, QueueSnapshot))[-1]
        assert isinstance(snapshot, QueueSnapshot)
        assert {q.name for q in snapshot.queues} == {"Support", "Sales"}


def test_an_operator_gets_states_and_snapshots_but_no_offers(
    client: TestClient, running: Centre
) -> None:
    anna_token = running.token("anna")
    running.api.request("POST", f"{API_PREFIX}/agent/login", token=anna_token, json={})
    with (
        connect(client, running.token("olle")) as operator,
        connect(client, running.token("sofia")) as supervisor,
    ):
        for ws in (operator, supervisor):
            until(ws, lambda m: isinstance(m, QueueSnapshot))
        contact = running.centre.enter("100", None)
        running.centre.queue(contact, running.ids["support"])
        # The batch brings the offer first, then anna's state: the operator gets the state
        # without the offer, the supervisor both.
        seen = until(operator, lambda m: isinstance(m, AgentStateChanged))
        assert not any(isinstance(m, OfferMade) for m in seen)
        seen = until(supervisor, lambda m: isinstance(m, AgentStateChanged))
        assert [type(m) for m in seen if not isinstance(m, QueueSnapshot | WaitingContacts)] == [
            OfferMade,
            AgentStateChanged,
        ]


@pytest.mark.parametrize(
    "change",
    [{"active": False}, {"role": "operator"}],
    ids=["deactivated", "another role"],
)
def test_a_user_changed_by_an_admin_has_its_socket_closed_at_once(
    client: TestClient, running: Centre, change: dict[str, object]
) -> None:
    """No recheck or event needed: the change ends the user's sessions, and its open
    sockets close as it is made."""
    running.api.app.state.services.event_socket.session_recheck_s = 3600.0
    token = running.token("sofia")
    with connect(client, token) as ws:
        until(ws, lambda m: isinstance(m, QueueSnapshot))
        admin = running.token("ada")
        changed = running.api.request(
            "PATCH", f"{API_PREFIX}/users/sofia", token=admin, json=change
        )
        assert changed.status_code == 200
        with pytest.raises(WebSocketDisconnect) as closed:
            receive(ws)
    assert closed.value.code == CLOSE_UNAUTHORIZED
    assert closed.value.reason == "the token was revoked; log in again"


def test_a_new_password_closes_the_users_sockets_but_not_others(
    client: TestClient, running: Centre
) -> None:
    running.api.app.state.services.event_socket.session_recheck_s = 3600.0
    with (
        connect(client, running.token("sofia")) as sofia,
        connect(client, running.token("olle")) as olle,
    ):
        for ws in (sofia, olle):
            until(ws, lambda m: isinstance(m, QueueSnapshot))
        reset = running.api.request(
            "PUT",
            f"{API_PREFIX}/users/sofia/password",
            token=running.token("ada"),
            json={"password": "another password 123"},
        )
        assert reset.status_code == 204
        with pytest.raises(WebSocketDisconnect) as closed:
            receive(sofia)
        assert closed.value.code == CLOSE_UNAUTHORIZED
        log_in(running, "anna")
        seen = until(olle, lambda m: isinstance(m, AgentStateChanged))
        assert seen[-1].agent.username == "anna"  # type: ignore[union-attr]


def test_an_expired_session_closes_at_the_first_event_after_the_recheck(
    client: TestClient, running: Centre
) -> None:
    token = running.token("sofia")
    with connect(client, token) as ws:
        until(ws, lambda m: isinstance(m, QueueSnapshot))
        running.clock.advance(hours=13)  # past the 12-hour session
        log_in(running, "anna")
        with pytest.raises(WebSocketDisconnect) as closed:
            until(ws, lambda m: False)
    assert closed.value.code == CLOSE_UNAUTHORIZED
    assert closed.value.reason == "the token has expired; log in again"


def test_every_transition_reaches_every_socket_in_order_with_its_own_state(
    client: TestClient, running: Centre
) -> None:
    """Twenty changes made faster than the sockets send: each socket still gets one
    message per change, carrying the state that change left (not the state at the time
    the socket gets round to it), in the order they were made."""
    anna = running.ids["anna"]
    log_in(running, "anna")
    with (
        connect(client, running.token("sofia")) as supervisor,
        connect(client, running.token("bo")) as colleague,
    ):
        for ws in (supervisor, colleague):
            until(ws, lambda m: isinstance(m, QueueSnapshot))
        expected = []
        for n in range(20):
            if n % 2:
                running.centre.ready(anna)
                expected.append(("available", ""))
            else:
                running.centre.pause(anna, "lunch")
                expected.append(("paused", "lunch"))
        for ws in (supervisor, colleague):
            seen: list[tuple[str, str]] = []
            while len(seen) < len(expected):
                message = receive(ws)
                if isinstance(message, AgentStateChanged) and message.agent.agent_id == anna:
                    seen.append((message.agent.state, message.agent.reason))
            assert seen == expected


def test_logging_out_closes_the_socket_at_once(client: TestClient, running: Centre) -> None:
    """No more events for a session that logged out: the socket closes as the logout
    is made, with no event or recheck needed."""
    running.api.app.state.services.event_socket.session_recheck_s = 3600.0
    token = running.token("sofia")
    with connect(client, token) as ws:
        until(ws, lambda m: isinstance(m, QueueSnapshot))
        assert (
            running.api.request("POST", f"{API_PREFIX}/auth/logout", token=token).status_code == 204
        )
        with pytest.raises(WebSocketDisconnect) as closed:
            receive(ws)
    assert closed.value.code == CLOSE_UNAUTHORIZED
    assert closed.value.reason == LOGGED_OUT


def test_supervisors_get_every_waiting_contact_and_operators_none(
    client: TestClient, running: Centre
) -> None:
    """The waiting contacts (R16) come before each queue snapshot, to supervisors and
    administrators only: with priority and the entered data as an agent sees it."""
    with (
        connect(client, running.token("olle")) as operator,
        connect(client, running.token("sofia")) as supervisor,
    ):
        start = until(supervisor, lambda m: isinstance(m, QueueSnapshot))
        assert any(isinstance(m, WaitingContacts) and m.contacts == [] for m in start)
        until(operator, lambda m: isinstance(m, QueueSnapshot))
        contact = running.centre.enter("100", "+4670111")
        running.centre.queue(
            contact, running.ids["support"], priority=2, data={"personnummer": "********-1234"}
        )
        seen = until(supervisor, lambda m: isinstance(m, QueueSnapshot))
        (waiting,) = [m for m in seen if isinstance(m, WaitingContacts)]
        (shown,) = waiting.contacts
        assert (shown.contact_id, shown.caller, shown.priority, shown.position) == (
            contact,
            "+4670111",
            2,
            1,
        )
        assert shown.data == {"personnummer": "********-1234"}
        running.centre.set_priority(contact, 5, by_user=running.ids["sofia"])
        seen = until(supervisor, lambda m: isinstance(m, QueueSnapshot))
        assert [m.contacts[0].priority for m in seen if isinstance(m, WaitingContacts)] == [5]
        seen = until(operator, lambda m: isinstance(m, QueueSnapshot))
        seen += until(operator, lambda m: isinstance(m, QueueSnapshot))
        assert not any(isinstance(m, WaitingContacts) for m in seen)
