"""``/events``: the WebSocket that pushes agent states, queue snapshots, offers and the
agents' call control (transfers, the personal queue, a call's progress) to desktops,
filtered by role (see ``vaxla_protocol.events`` for the handshake).

After the client's ``Hello`` the socket joins the app's ``Feed`` (``feed.py``), which
renders the centre's news once for all sockets as each change is logged; the socket
starts with every agent's state, the waiting contacts (supervisors and administrators)
and a queue snapshot, then sends what its user may see of the feed, in order, until
either side closes. Queue snapshots go out at most once per
``EventSocketSettings.snapshot_interval_s`` (one second unless set), the last change
always reaching the client. A session that ends while the socket is open (logout,
deactivation, another role or password) closes it at once with ``CLOSE_UNAUTHORIZED``;
one that expired or was revoked by another process, at the first event after
``session_recheck_s``.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError
from starlette.applications import Starlette

from vaxla_protocol import check_compatible
from vaxla_protocol.boards import BOARD_SOCKET_PATH, CLOSE_LINK_REVOKED
from vaxla_protocol.events import (
    CLOSE_BAD_HELLO,
    CLOSE_PROTOCOL_MISMATCH,
    CLOSE_UNAUTHORIZED,
    EVENTS_PATH,
    Hello,
    Welcome,
)
from vaxla_protocol.version import PROTOCOL_VERSION, ProtocolMismatch
from vaxla_server.api.deps import get_services
from vaxla_server.auth import LOGGED_OUT, Auth, InvalidToken, User
from vaxla_server.auth.sessions import token_digest
from vaxla_server.boards.service import LinkClosed
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.events.feed import CLOSE_TOO_SLOW, BoardConnection, Connection, Feed, Outbox

router = APIRouter(tags=["events"])

HELLO_TIMEOUT_S = 30.0
MAX_PAGES_PER_LINK = 20
"""Board pages one link may have open at once (a TV or a few; not a crowd)."""
__all__ = ["BINARY_REFUSED", "LOGGED_OUT", "close_feed", "router"]


CLOSE_UNSUPPORTED_DATA = 1003
"""RFC 6455's close code for a frame of a kind the endpoint does not take (binary)."""
BINARY_REFUSED = "binary frames are not part of the protocol: send JSON as text"


class _BinaryFrame(Exception):
    """The client sent a binary frame; the protocol is JSON text."""


async def _receive_text(websocket: WebSocket) -> str:
    """The next text frame; ``_BinaryFrame`` for a binary one (Starlette's own
    ``receive_text`` fails on it with a KeyError)."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
    text = message.get("text")
    if text is None:
        raise _BinaryFrame
    return str(text)


async def _hello(
    websocket: WebSocket, auth: Auth, centre: ContactCentre
) -> tuple[User, str] | None:
    """The user behind the client's ``Hello`` and its token, or None after closing with
    the reason."""
    try:
        raw = await asyncio.wait_for(_receive_text(websocket), HELLO_TIMEOUT_S)
        hello = Hello.model_validate_json(raw)
    except _BinaryFrame:
        await _close(websocket, CLOSE_UNSUPPORTED_DATA, BINARY_REFUSED)
        return None
    except TimeoutError:
        await _close(websocket, CLOSE_BAD_HELLO, f"no Hello within {HELLO_TIMEOUT_S:g} s")
        return None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'message'}: {e['msg']}" for e in error.errors()
        )
        await _close(websocket, CLOSE_BAD_HELLO, f"expected Hello: {problems}")
        return None
    try:
        check_compatible(hello.protocol_version)
    except ProtocolMismatch as error:
        await _close(websocket, CLOSE_PROTOCOL_MISMATCH, str(error))
        return None
    try:
        user = await asyncio.to_thread(auth.sessions.authenticate, hello.token, centre.wall_time())
    except InvalidToken as error:
        await _close(websocket, CLOSE_UNAUTHORIZED, str(error))
        return None
    return user, hello.token


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    # A close reason has at most 123 bytes.
    encoded = reason.encode()[:123]
    await websocket.close(code, encoded.decode(errors="ignore"))


def _feed(websocket: WebSocket) -> Feed:
    """The app's feed on this loop (made by the first socket; a test client that runs
    the app again runs it on a new loop, and gets a new feed)."""
    state = websocket.app.state
    loop = asyncio.get_running_loop()
    feed: Feed | None = getattr(state, "event_feed", None)
    if feed is None or feed.loop is not loop:
        if feed is not None:
            feed.close()
        feed = Feed(get_services(websocket), loop)
        feed.start()
        state.event_feed = feed
    return feed


def close_feed(app: Starlette) -> None:
    """Stop the app's feed (the server stops)."""
    feed: Feed | None = getattr(app.state, "event_feed", None)
    if feed is not None:
        feed.close()
        app.state.event_feed = None


@router.websocket(EVENTS_PATH)
async def events(websocket: WebSocket) -> None:
    await websocket.accept()
    services = get_services(websocket)
    try:
        hello = await _hello(websocket, services.auth, services.centre)
    except WebSocketDisconnect:
        return
    if hello is None:
        return
    user, token = hello
    feed = _feed(websocket)
    connection = Connection(user, token_digest(token))
    feed.join(connection)  # before reading the state it starts with: nothing falls between
    reader = asyncio.create_task(_until_closed(websocket))
    try:
        welcome = Welcome(protocol_version=PROTOCOL_VERSION, username=user.username, role=user.role)
        await websocket.send_text(welcome.model_dump_json())
        start = await asyncio.to_thread(
            lambda: [
                *feed.everyone(),
                feed.waiting(),
                feed.alarms(),
                *feed.presences(),
                *feed.lines(),
                feed.snapshot(),
            ]
        )
        # The user's own queues (its colleagues are those sharing one) are in its state.
        connection.memberships({i.agent_id: i.member_of for i in start if i.agent_id is not None})
        for item in start:
            if connection.wants(item):
                await websocket.send_text(item.text)
        await _send_until_closed(websocket, connection, reader)
    except WebSocketDisconnect:
        return
    finally:
        feed.leave(connection)
        reader.cancel()


async def _send_until_closed(
    websocket: WebSocket, connection: Outbox, reader: asyncio.Task[None]
) -> None:
    """Send the connection's outbox until it ends or the client goes (``reader``)."""
    sender = asyncio.create_task(connection.run(websocket.send_text, _closer(websocket)))
    try:
        await asyncio.wait({reader, sender}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            await sender


def _closer(websocket: WebSocket) -> Callable[[int, str], Awaitable[None]]:
    async def close(code: int, reason: str) -> None:
        await _close(websocket, code, reason)

    return close


async def _until_closed(websocket: WebSocket) -> None:
    """Read (and ignore) what the client sends, until it goes away; a binary frame
    closes the socket with 1003."""
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            try:
                await _receive_text(websocket)
            except _BinaryFrame:
                await _close(websocket, CLOSE_UNSUPPORTED_DATA, BINARY_REFUSED)
                return


@router.websocket(BOARD_SOCKET_PATH + "/{token}")
async def board_socket(websocket: WebSocket, token: str) -> None:
    """A board link's page: the token alone opens it, read-only. It is sent its board's
    ``BoardFigures`` at once (with the chart of the day) and after every queue snapshot
    of the feed; nothing else. Revoking the link (or deleting the board) closes it with
    ``CLOSE_LINK_REVOKED`` at once."""
    await websocket.accept()
    services = get_services(websocket)
    try:
        link_id, board = await asyncio.to_thread(services.boards.open_link, token[:128])
    except LinkClosed as error:
        await _close(websocket, CLOSE_LINK_REVOKED, str(error))
        return
    feed = _feed(websocket)
    if feed.board_sockets(link_id) >= MAX_PAGES_PER_LINK:
        await _close(
            websocket, CLOSE_TOO_SLOW, f"this link has {MAX_PAGES_PER_LINK} pages open already"
        )
        return
    page = BoardConnection(link_id, board)
    feed.join_board(page)  # before reading the state it starts with: nothing falls between
    reader = asyncio.create_task(_until_closed(websocket))
    try:
        start = await asyncio.to_thread(feed.board_start, board)
        if page.board is board:  # not changed meanwhile (else the feed sends the new one)
            await websocket.send_text(start)
        await _send_until_closed(websocket, page, reader)
    except WebSocketDisconnect:
        return
    finally:
        feed.leave_board(page)
        reader.cancel()
