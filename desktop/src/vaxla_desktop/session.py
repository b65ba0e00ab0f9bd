"""Opening a session on a server and keeping it: login with TLS trust, then a
supervisor that notices a lost connection and reconnects with back-off.

Qt-free: the windows hand in a :class:`LoginForm` and get a :class:`Session`, and
watch the supervisor through a callback.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from vaxla_desktop.api import (
    BadAnswer,
    ServerClient,
    ServerError,
    ServerUnreachable,
)
from vaxla_desktop.api.tls import PinStore, trusted_context
from vaxla_desktop.core.connection import ConnectionPhase, ConnectionStatus, ConnectionTracker
from vaxla_protocol import CurrentUser

log = logging.getLogger(__name__)

# How often a quiet connection is checked. The server's event WebSocket, when the
# agent panel subscribes to it, reports a loss at once; this check covers the time
# before that and any silence of the socket.
HEARTBEAT_S = 5.0


@dataclass(frozen=True, slots=True)
class LoginForm:
    server_url: str
    username: str
    password: str = field(repr=False)
    remember_me: bool = False
    # From the zeroconf record of a server picked in the list, if any.
    advertised_fingerprint: str | None = None


@dataclass(slots=True)
class Session:
    server_url: str
    client: ServerClient
    user: CurrentUser

    async def close(self) -> None:
        """Log out on the server if it is there, and free the connections."""
        try:
            await self.client.logout()
        except ServerError as error:
            log.info("could not log out cleanly: %s", error)
        finally:
            await self.client.aclose()


async def open_session(
    form: LoginForm, pins: PinStore, *, given_fingerprint: str | None = None
) -> Session:
    """Establish TLS trust, check the protocol, and log in; raise a ServerError if not."""
    context = await trusted_context(
        form.server_url, pins, given=given_fingerprint, advertised=form.advertised_fingerprint
    )
    client = ServerClient(form.server_url, ssl_context=context)
    try:
        user = await client.login(form.username, form.password)
    except BaseException:
        await client.aclose()
        raise
    return Session(server_url=client.base_url, client=client, user=user)


StatusListener = Callable[[ConnectionStatus, ServerError | None], None]


class ConnectionSupervisor:
    """Watches a session's connection and brings it back when it breaks.

    A lost server is retried after the tracker's back-off; a retry checks the health
    (so the protocol too) and that the session is still valid. Errors that retrying
    cannot mend (the session ended, another protocol, another certificate) end the
    supervision with the tracker GIVEN_UP.
    """

    def __init__(
        self,
        session: Session,
        tracker: ConnectionTracker,
        on_status: StatusListener,
        *,
        heartbeat_s: float = HEARTBEAT_S,
    ) -> None:
        self._session = session
        self._tracker = tracker
        self._on_status = on_status
        self._heartbeat_s = heartbeat_s
        self._check_soon = asyncio.Event()

    def check_now(self) -> None:
        """Check the server without waiting for the heartbeat: the event socket broke."""
        self._check_soon.set()

    @property
    def status(self) -> ConnectionStatus:
        return self._tracker.status

    async def run(self) -> None:
        """Supervise until given up or cancelled."""
        self._report(self._tracker.connected(), None)
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._check_soon.wait(), self._heartbeat_s)
            self._check_soon.clear()
            try:
                await self._session.client.me()
            except (ServerUnreachable, BadAnswer) as error:
                log.warning("lost the connection: %s", error)
                self._report(self._tracker.lost(str(error)), error)
                if not await self._reconnect():
                    return
            except ServerError as error:
                self._report(self._tracker.give_up(str(error)), error)
                return

    async def _reconnect(self) -> bool:
        while self._tracker.phase is ConnectionPhase.LOST:
            await asyncio.sleep(self._tracker.seconds_until_retry())
            self._report(self._tracker.retry_started(), None)
            try:
                await self._session.client.health()
                self._session.user = await self._session.client.me()
            except (ServerUnreachable, BadAnswer) as error:
                self._report(self._tracker.retry_failed(str(error)), error)
            except ServerError as error:
                self._report(self._tracker.give_up(str(error)), error)
                return False
            else:
                log.info("reconnected to %s", self._session.server_url)
                self._report(self._tracker.connected(), None)
                return True
        return False

    def _report(self, status: ConnectionStatus, error: ServerError | None) -> None:
        self._on_status(status, error)
