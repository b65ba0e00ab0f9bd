"""The server's event WebSocket (``/api/v1/events``) on the app's asyncio loop.

:class:`EventStream` opens the socket, says ``Hello`` with the session's token, and
hands every :data:`~vaxla_protocol.events.ServerEvent` to ``on_event`` as it comes.
When the socket breaks it tells ``on_lost`` (the app asks the connection supervisor to
check the server at once) and waits: for :meth:`EventStream.resume`, which the app
calls when the supervisor reports the server back, or for its own back-off to pass,
whichever comes first. After each reconnect the server sends every state and a
queue snapshot again, so what the panel shows is whole again without asking.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable

from pydantic import ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.api.errors import (
    BadAnswer,
    IncompatibleServer,
    ServerError,
    ServerUnreachable,
    SessionEnded,
)
from vaxla_protocol import API_PREFIX, PROTOCOL_VERSION
from vaxla_protocol.events import (
    CLOSE_PROTOCOL_MISMATCH,
    CLOSE_UNAUTHORIZED,
    EVENTS_PATH,
    SERVER_EVENT,
    Hello,
    ServerEvent,
    Welcome,
)

log = logging.getLogger(__name__)

FIRST_RETRY_S = 1.0
LONGEST_RETRY_S = 15.0
OPEN_TIMEOUT_S = 10.0

EventListener = Callable[[ServerEvent], None]
LossListener = Callable[[ServerError], None]


def events_url(base_url: str) -> str:
    """``ws://`` or ``wss://`` for the server's ``http://`` or ``https://`` base URL."""
    if base_url.startswith("https://"):
        return "wss://" + base_url.removeprefix("https://") + API_PREFIX + EVENTS_PATH
    if base_url.startswith("http://"):
        return "ws://" + base_url.removeprefix("http://") + API_PREFIX + EVENTS_PATH
    raise ValueError(f"not an http(s) URL: {base_url}")


class EventStream:
    """One session's event socket, kept open while the server is there."""

    def __init__(
        self,
        client: ServerClient,
        on_event: EventListener,
        on_lost: LossListener,
        *,
        first_retry_s: float = FIRST_RETRY_S,
    ) -> None:
        self._client = client
        self._on_event = on_event
        self._on_lost = on_lost
        self._first_retry_s = first_retry_s
        self._resume = asyncio.Event()
        self._open = asyncio.Event()
        self.welcome: Welcome | None = None
        self._was_welcomed = False

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    async def opened(self) -> None:
        """Return once the socket is open and welcomed (for tests and start-up)."""
        await self._open.wait()

    def resume(self) -> None:
        """The server is back (the supervisor says so): try again now."""
        self._resume.set()

    async def run(self) -> None:
        """Listen until cancelled, or until the session ends or the protocol differs."""
        delay = self._first_retry_s
        while True:
            self._resume.clear()
            try:
                await self._listen()
            except (SessionEnded, IncompatibleServer) as error:
                log.warning("event socket closed for good: %s", error)
                self._on_lost(error)
                return
            except ServerError as error:
                log.warning("event socket lost: %s", error)
                self._on_lost(error)
            if self._was_welcomed:
                delay = self._first_retry_s  # it had worked: the next loss starts afresh
            self._was_welcomed = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._resume.wait(), delay)
            delay = min(delay * 2, LONGEST_RETRY_S)

    async def _listen(self) -> None:
        url = events_url(self._client.base_url)
        hello = Hello(token=self._client.token, protocol_version=PROTOCOL_VERSION)
        try:
            async with connect(
                url,
                ssl=self._client.ssl_context if url.startswith("wss://") else None,
                open_timeout=OPEN_TIMEOUT_S,
                max_size=2**22,
            ) as socket:
                await socket.send(hello.model_dump_json())
                await self._receive(socket)
        except ConnectionClosed as closed:
            received = closed.rcvd
            raise _closed_error(
                self._client.base_url,
                received.code if received is not None else None,
                received.reason if received is not None else "",
            ) from closed
        except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as error:
            raise ServerUnreachable(
                self._client.base_url, str(error) or type(error).__name__
            ) from error
        finally:
            self._open.clear()

    async def _receive(self, socket: ClientConnection) -> None:
        async for raw in socket:
            try:
                event = SERVER_EVENT.validate_json(raw)
            except ValidationError as error:
                # A newer server may send kinds this app does not know yet: skip them.
                log.warning("skipped an event this app cannot read: %s", error)
                continue
            if isinstance(event, Welcome):
                self.welcome = event
                self._was_welcomed = True
                self._open.set()
            self._on_event(event)
        # The server closed the socket cleanly: the server is going away.
        raise _closed_error(self._client.base_url, socket.close_code, socket.close_reason or "")


def _closed_error(url: str, code: int | None, reason: str) -> ServerError:
    if code == CLOSE_UNAUTHORIZED:
        return SessionEnded()
    if code == CLOSE_PROTOCOL_MISMATCH:
        return BadAnswer(url, reason)
    return ServerUnreachable(url, f"the event connection closed ({code})")
