"""``/events``: the WebSocket that pushes agent states, queue snapshots, offers and the
agents' call control (transfers, the personal queue, a call's progress) to desktops,
filtered by role (see ``vaxla_protocol.events`` for the handshake).

Each connection subscribes to the centre; the centre's listener only hands batches of
logged events over to the connection's loop, and the connection turns them into the
messages its user may see. Queue snapshots go out at most once per
``EventSocketSettings.snapshot_interval_s`` (one second unless set), the last change
always reaching the client. A session that ends (logged out, expired) closes the socket
with ``CLOSE_UNAUTHORIZED`` at the next event after ``session_recheck_s``.
"""

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from vaxla_protocol import Role, check_compatible
from vaxla_protocol.control import CallProgress, ParkedChanged, TransferChanged
from vaxla_protocol.events import (
    CLOSE_BAD_HELLO,
    CLOSE_PROTOCOL_MISMATCH,
    CLOSE_UNAUTHORIZED,
    EVENTS_PATH,
    AgentStateChanged,
    Hello,
    OfferMade,
    QueueSnapshot,
    Welcome,
)
from vaxla_protocol.version import PROTOCOL_VERSION, ProtocolMismatch
from vaxla_server.agents.wire import agent_state
from vaxla_server.api.deps import get_services
from vaxla_server.auth import SESSION_ENDED, Auth, InvalidToken, User
from vaxla_server.auth.sessions import token_digest
from vaxla_server.callflow.calls import CALL_NEWS
from vaxla_server.centre import CENTRE_EVENTS, UnknownSubject
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.control.flow import ControlMessage
from vaxla_server.stats.board import QueueBoard
from vaxla_server.store.events import Event, Offered

router = APIRouter(tags=["events"])

HELLO_TIMEOUT_S = 30.0
"""How often (at most, when events come) a connection checks that its session lives."""
_WATCHERS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.OPERATOR})
_SEE_ALL_OFFERS = frozenset({Role.SUPERVISOR, Role.ADMIN})

Message = (
    Welcome
    | AgentStateChanged
    | QueueSnapshot
    | OfferMade
    | TransferChanged
    | ParkedChanged
    | CallProgress
)


class Audience:
    """What one user may see of the centre."""

    def __init__(self, user: User, centre: ContactCentre, board: QueueBoard) -> None:
        self.user = user
        self.centre = centre
        self.board = board

    def _my_queues(self) -> set[int]:
        try:
            return set(self.centre.agent(self.user.id).member_of)
        except UnknownSubject:
            return set()

    def agents(self, agent_ids: Sequence[int]) -> list[AgentStateChanged]:
        mine = self._my_queues() if self.user.role == Role.AGENT else set()
        messages = []
        for agent_id in agent_ids:
            try:
                view = self.centre.agent(agent_id)
            except UnknownSubject:
                continue
            if (
                self.user.role in _WATCHERS
                or agent_id == self.user.id
                or mine & set(view.member_of)
            ):
                messages.append(AgentStateChanged(agent=agent_state(self.centre, view)))
        return messages

    def everyone(self) -> list[AgentStateChanged]:
        return self.agents(sorted(self.centre.agent_names()))

    def snapshot(self) -> QueueSnapshot:
        # Every role sees every queue's figures (GET /queues is open to all): an agent's
        # panel shows its own queues and, for the other groups, theirs (R28).
        return QueueSnapshot(queues=self.board.states(self.centre.wall_time()))

    def offer(self, event: Offered) -> OfferMade | None:
        if not (self.user.role in _SEE_ALL_OFFERS or event.agent_id == self.user.id):
            return None
        try:
            contact = self.centre.contact(event.contact_id)
        except UnknownSubject:
            return None
        offer_id = contact.offer_ids.get(event.agent_id)
        if offer_id is None or contact.queue_id is None:
            return None  # answered, withdrawn or gone by now
        return OfferMade(
            agent_id=event.agent_id,
            offer_id=offer_id,
            contact_id=contact.contact_id,
            queue_id=contact.queue_id,
            queue=self.centre.queue_names().get(contact.queue_id, str(contact.queue_id)),
            caller=contact.caller,
            entry_point=contact.entry_point,
            wait_s=contact.wait_seconds,
            data=dict(contact.data),
        )

    def control(self, message: ControlMessage) -> ControlMessage | None:
        """A transfer, a personal queue, a consultation's offer or a call's progress goes
        to its agent, supervisors and admins."""
        if self.user.role in _SEE_ALL_OFFERS or message.agent_id == self.user.id:
            return message
        return None

    def messages(self, batch: Sequence[Event]) -> list[Message]:
        """Offers and agent states a batch of events brings, in that order."""
        out: list[Message] = []
        agents: list[int] = []
        for event in batch:
            if isinstance(event, Offered) and (offer := self.offer(event)) is not None:
                out.append(offer)
            agent_id = getattr(event, "agent_id", None)
            if isinstance(agent_id, int) and agent_id not in agents:
                agents.append(agent_id)
        out.extend(self.agents(agents))
        return out


CLOSE_UNSUPPORTED_DATA = 1003
"""RFC 6455's close code for a frame of a kind the endpoint does not take (binary)."""
BINARY_REFUSED = "binary frames are not part of the protocol: send JSON as text"


LOGGED_OUT = "the session logged out; log in again"


class _LoggedOut:
    """The socket's own session logged out: it closes at once."""


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


async def _send(websocket: WebSocket, message: Message) -> None:
    await websocket.send_text(message.model_dump_json())


@router.websocket(EVENTS_PATH)
async def events(websocket: WebSocket) -> None:
    await websocket.accept()
    services = get_services(websocket)
    auth, centre, board = services.auth, services.centre, services.board
    interval = services.event_socket.snapshot_interval_s
    recheck = services.event_socket.session_recheck_s
    try:
        hello = await _hello(websocket, auth, centre)
    except WebSocketDisconnect:
        return
    if hello is None:
        return
    user, token = hello
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue[Sequence[Event] | ControlMessage | _LoggedOut] = asyncio.Queue()
    own_digest = token_digest(token)

    def hand_over(batch: Sequence[Event] | ControlMessage) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closing with the socket
            loop.call_soon_threadsafe(inbox.put_nowait, batch)

    def logged_out(digest: str) -> None:
        if digest == own_digest:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(inbox.put_nowait, _LoggedOut())

    unsubscribe = services.notifier.subscribe(CENTRE_EVENTS, hand_over)
    unsubscribe_session = services.notifier.subscribe(SESSION_ENDED, logged_out)
    unsubscribe_control = services.notifier.subscribe(CALL_NEWS, hand_over)
    audience = Audience(user, centre, board)
    reader = asyncio.create_task(_until_closed(websocket))
    try:
        await _send(
            websocket,
            Welcome(protocol_version=PROTOCOL_VERSION, username=user.username, role=user.role),
        )
        for state in await asyncio.to_thread(audience.everyone):
            await _send(websocket, state)
        await _send(websocket, await asyncio.to_thread(audience.snapshot))
        last_snapshot = last_check = loop.time()
        flush: asyncio.Task[None] | None = None

        while True:
            waiting: set[asyncio.Future[Any]] = {reader}
            getter = asyncio.ensure_future(inbox.get())
            waiting.add(getter)
            if flush is not None:
                waiting.add(flush)
            done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if reader in done:
                getter.cancel()
                return
            if getter in done:
                got = getter.result()
                if isinstance(got, _LoggedOut):
                    await _close(websocket, CLOSE_UNAUTHORIZED, LOGGED_OUT)
                    return
                if isinstance(got, TransferChanged | ParkedChanged | OfferMade | CallProgress):
                    if (shown := audience.control(got)) is not None:
                        await _send(websocket, shown)
                    got = []
                batch = got
                if batch and loop.time() - last_check >= recheck:
                    # The session may have ended meanwhile (logged out, expired).
                    last_check = loop.time()
                    try:
                        await asyncio.to_thread(
                            auth.sessions.authenticate, token, centre.wall_time()
                        )
                    except InvalidToken as error:
                        await _close(websocket, CLOSE_UNAUTHORIZED, str(error))
                        return
                for message in await asyncio.to_thread(audience.messages, batch):
                    await _send(websocket, message)
                if flush is None and any(_moves_queues(event) for event in batch):
                    delay = max(0.0, last_snapshot + interval - loop.time())
                    flush = asyncio.ensure_future(asyncio.sleep(delay))
            else:
                getter.cancel()
            if flush is not None and flush.done():
                flush = None
                await _send(websocket, await asyncio.to_thread(audience.snapshot))
                last_snapshot = loop.time()
    except WebSocketDisconnect:
        return
    finally:
        unsubscribe()
        unsubscribe_control()
        unsubscribe_session()
        reader.cancel()


def _moves_queues(event: Event) -> bool:
    """Whether the event can change a queue snapshot (a contact in a queue, an agent)."""
    return (
        getattr(event, "queue_id", None) is not None or getattr(event, "agent_id", None) is not None
    )


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
