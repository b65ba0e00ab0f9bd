"""The event socket's feed: the centre's news rendered once for every open socket.

Each batch of logged events is rendered into messages as it is published: under the
centre's lock, right after the change, so every message carries the state that change
left (not whatever the state is by the time a busy socket gets round to it), and each
message is encoded to JSON once however many sockets are open. The messages are handed
to the server's loop in the order the changes were made, and every socket keeps those
its user may see (``Connection.wants``) and sends them from an outbox of its own.

Queue snapshots are computed once per ``snapshot_interval_s`` for all sockets (the last
change always reaching them); sessions that end while a socket is open (a logout, a
deactivation, a new role or password) close it at once, and expired or otherwise
revoked sessions are found for all sockets in one query at the first batch after
``session_recheck_s``. A socket that falls ``MAX_BEHIND`` messages behind (a client that
stopped reading) is closed rather than let the server's memory grow: reconnecting gives
it the current state.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from vaxla_protocol import Role
from vaxla_protocol.agent import QueueState
from vaxla_protocol.alarms import AlarmsChanged, StandbyMoved
from vaxla_protocol.boards import (
    CLOSE_LINK_REVOKED,
    BoardFigures,
    BoardView,
    DayChart,
    tile_figures,
)
from vaxla_protocol.config import TrunkRegistration
from vaxla_protocol.directory import LineStatusChanged, PresenceChanged
from vaxla_protocol.events import (
    CLOSE_UNAUTHORIZED,
    AgentStateChanged,
    OfferMade,
    QueueSnapshot,
    TrunkRegistrationChanged,
    VoicemailChanged,
    WaitingContacts,
)
from vaxla_protocol.storm import StormChanged
from vaxla_protocol.voicemail import VoicemailTask
from vaxla_server.agents.wire import agent_state
from vaxla_server.alarms.wire import alarm_states
from vaxla_server.auth import SESSION_ENDED, SessionsEnded, User
from vaxla_server.boards.service import BOARD_NEWS, BoardNews
from vaxla_server.callflow.calls import CALL_NEWS
from vaxla_server.centre import (
    CENTRE_EVENTS,
    AgentView,
    ContactView,
    PresenceView,
    StormView,
    VoicemailTaskView,
)
from vaxla_server.config import CONFIG_CHANGED, ConfigChange
from vaxla_server.control.flow import ControlMessage
from vaxla_server.directory import wire as directory_wire
from vaxla_server.media.trunks import TRUNK_REGISTRATIONS
from vaxla_server.queues.wire import every_waiting_contact
from vaxla_server.services import Services
from vaxla_server.store.events import (
    AgentLoggedIn,
    AgentLoggedOut,
    AlarmAcknowledged,
    AlarmCleared,
    AlarmRaised,
    Event,
    Offered,
    PresenceEnded,
    PresenceSet,
    StormEnded,
    StormStarted,
)
from vaxla_server.storm.wire import storm_message, user_name
from vaxla_server.voicemail.messages import VOICEMAIL_NEWS, VoicemailNews, message_view

logger = logging.getLogger(__name__)
StormEvents = (StormStarted, StormEnded)

WATCHERS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.OPERATOR})
"""Roles that see every agent's state."""
SEE_ALL_OFFERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
"""Roles that see every agent's offers and call control besides their own."""
MAX_BEHIND = 20_000
"""Messages a socket may have waiting to be sent before it is closed as too slow."""
CLOSE_TOO_SLOW = 1013
ALARM_EVENTS = (AlarmRaised, AlarmCleared, AlarmAcknowledged)
"""RFC 6455's "try again later": the client fell too far behind."""
CHART_EVERY_S = 60.0
"""A board page's chart of the day is sent again at most this often (its intervals are
15 minutes); the tiles with every snapshot."""

Kind = Literal[
    "agent",
    "offer",
    "control",
    "snapshot",
    "trunk",
    "storm",
    "waiting",
    "alarm",
    "voicemail",
    "presence",
    "line",
]


@dataclass(frozen=True, slots=True)
class Item:
    """One message, encoded once, and what decides who may see it."""

    text: str
    kind: Kind
    agent_id: int | None = None
    """The agent it is about (its state, its offer, its call)."""
    member_of: frozenset[int] = frozenset()
    """For an agent's state: the queues that agent is a member of."""
    readers: frozenset[str] = frozenset()
    """For a voicemail message: the user names (lower case) and roles that read its box."""


@dataclass(frozen=True, slots=True)
class _Close:
    code: int
    reason: str


class Outbox:
    """One open socket's messages, in order, and how it ends: its sender drains it."""

    def __init__(self) -> None:
        self._outbox: asyncio.Queue[str | _Close] = asyncio.Queue()
        self._closing: _Close | None = None

    def end(self, code: int, reason: str) -> None:
        """Close the socket with ``code`` and ``reason`` before anything still queued."""
        if self._closing is None:
            self._closing = _Close(code, reason)
            self._outbox.put_nowait(self._closing)

    @property
    def ended(self) -> bool:
        return self._closing is not None

    async def run(
        self,
        send: Callable[[str], Awaitable[None]],
        close: Callable[[int, str], Awaitable[None]],
    ) -> None:
        """Send the outbox in order until ``end``; then close."""
        while True:
            message = await self._outbox.get()
            if self._closing is not None:
                await close(self._closing.code, self._closing.reason)
                return
            assert isinstance(message, str)
            await send(message)


class Connection(Outbox):
    """One user's open socket: what the user may see."""

    def __init__(self, user: User, digest: str, member_of: Iterable[int] = ()) -> None:
        super().__init__()
        self.user = user
        self.digest = digest
        """The session's token digest (to find it among ended or revoked sessions)."""
        self._mine = frozenset(member_of)

    def wants(self, item: Item) -> bool:
        """Whether the user may see ``item``: every role sees queue snapshots; watchers
        see every agent and agents their own state and their queues' colleagues;
        supervisors and admins see every offer and call, the trunks' registrations and
        the contacts waiting in the queues, others their own offers and calls."""
        role = self.user.role
        if item.kind in ("snapshot", "storm", "presence"):
            return True
        if item.kind == "line":
            return role in WATCHERS
        if item.kind in ("trunk", "waiting", "alarm"):
            return role in SEE_ALL_OFFERS
        if item.kind == "voicemail":
            return self.user.username.lower() in item.readers or f"role:{role}" in item.readers
        if item.kind == "agent":
            if item.agent_id == self.user.id:
                self._mine = item.member_of
                return True
            return role in WATCHERS or (role is Role.AGENT and bool(self._mine & item.member_of))
        return role in SEE_ALL_OFFERS or item.agent_id == self.user.id

    def take(self, items: Sequence[Item]) -> None:
        """Queue what the user may see of ``items`` (on the loop)."""
        if self._closing is not None:
            return
        for item in items:
            if self.wants(item):
                self._outbox.put_nowait(item.text)
        if self._outbox.qsize() > MAX_BEHIND:
            self.end(
                CLOSE_TOO_SLOW,
                f"more than {MAX_BEHIND} messages unread; reconnect for the current state",
            )

    def memberships(self, of: Mapping[int, frozenset[int]]) -> None:
        """After a configuration change: the user's queues now."""
        self._mine = of.get(self.user.id, frozenset())


class BoardConnection(Outbox):
    """A board link's page, opened by the link's token (no user): only its board's
    tiles, as ``BoardFigures``, never an agent, an offer or a call."""

    def __init__(self, link_id: int, board: BoardView) -> None:
        super().__init__()
        self.link_id = link_id
        self.board = board

    def send_text(self, text: str) -> None:
        if self._closing is None:
            self._outbox.put_nowait(text)


class Feed:
    """Renders the centre's news once and hands it to every ``Connection``."""

    def __init__(self, services: Services, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._services = services
        self._connections: set[Connection] = set()
        self._boards: set[BoardConnection] = set()
        self._charts: dict[int, tuple[float, DayChart]] = {}
        """Each board's last chart of the day, and when (loop time) it was made."""
        self._unsubscribe: list[Callable[[], None]] = []
        self._snapshot_task: asyncio.Task[None] | None = None
        self._last_snapshot = float("-inf")
        self._check_task: asyncio.Task[None] | None = None
        self._last_check = loop.time()
        self._lines: Mapping[str, str] = services.centre.line_states()
        """Each extension's line (BLF) as last told: only changes are sent."""

    def start(self) -> None:
        notifier = self._services.notifier
        self._unsubscribe = [
            notifier.subscribe(CENTRE_EVENTS, self._render),
            notifier.subscribe(CALL_NEWS, self._control),
            notifier.subscribe(SESSION_ENDED, self._sessions_ended),
            notifier.subscribe(CONFIG_CHANGED, self._config_changed),
            notifier.subscribe(TRUNK_REGISTRATIONS, self._trunk),
            notifier.subscribe(BOARD_NEWS, self._board_news),
            notifier.subscribe(VOICEMAIL_NEWS, self._voicemail),
        ]

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        for task in (self._snapshot_task, self._check_task):
            if task is not None:
                task.cancel()

    def join(self, connection: Connection) -> None:
        """From now on ``connection`` takes every message (call on the loop, before
        reading the state the socket starts with, so no change falls between)."""
        self._connections.add(connection)

    def leave(self, connection: Connection) -> None:
        self._connections.discard(connection)

    def join_board(self, connection: BoardConnection) -> None:
        """From now on the board page ``connection`` takes its board's figures."""
        self._boards.add(connection)

    def leave_board(self, connection: BoardConnection) -> None:
        self._boards.discard(connection)

    def board_sockets(self, link_id: int) -> int:
        return sum(1 for connection in self._boards if connection.link_id == link_id)

    def __len__(self) -> int:
        return len(self._connections)

    # What a socket starts with (in a thread: these read the centre).

    def everyone(self) -> list[Item]:
        """Every agent's state now."""
        centre = self._services.centre
        agents, _ = centre.as_logged(sorted(centre.agent_names()))
        return [self._agent_item(view) for view in agents.values()]

    def lines(self) -> list[Item]:
        """Every extension's line now (operators, supervisors and administrators)."""
        states = self._services.centre.line_states()
        return [self._line_item(name, states) for name in sorted(states)]

    def presences(self) -> list[Item]:
        """Every presence set now (every role)."""
        return [self._presence_item(view.username, view, None)
                for view in self._services.centre.presences()]  # fmt: skip

    @staticmethod
    def _line_item(name: str, states: Mapping[str, str]) -> Item:
        message = LineStatusChanged(line=directory_wire.line(name, states))
        return Item(message.model_dump_json(), "line")

    @staticmethod
    def _presence_item(username: str, view: PresenceView | None, by: str | None) -> Item:
        presence = None if view is None else directory_wire.presence(view)
        message = PresenceChanged(username=username, presence=presence, by=by)
        return Item(message.model_dump_json(), "presence")

    def alarms(self) -> Item:
        """The raised alarms now (supervisors and administrators see them)."""
        message = AlarmsChanged(alarms=alarm_states(self._services.centre))
        return Item(message.model_dump_json(), "alarm")

    def snapshot(self) -> Item:
        """The queues now (every role sees every queue's figures: ``GET /queues`` is open
        to all; an agent's panel shows the other groups' queues too, R28)."""
        return self._snapshot_of(self._states())

    def _states(self) -> list[QueueState]:
        return self._services.board.states(self._services.centre.wall_time())

    @staticmethod
    def _snapshot_of(states: list[QueueState]) -> Item:
        return Item(QueueSnapshot(queues=states).model_dump_json(), "snapshot")

    def waiting(self) -> Item:
        """Every contact waiting in a queue now (for supervisors and administrators)."""
        contacts = every_waiting_contact(self._services.centre)
        return Item(WaitingContacts(contacts=contacts).model_dump_json(), "waiting")

    def board_figures(
        self, board: BoardView, states: Sequence[QueueState], chart: DayChart | None
    ) -> str:
        """A board page's message: its tiles from ``states`` (and ``chart``), encoded."""
        figures = BoardFigures(
            name=board.name,
            tiles_per_page=board.tiles_per_page,
            page_seconds=board.page_seconds,
            tiles=tile_figures(board.tiles, board.thresholds, states),
            chart=chart,
        )
        return figures.model_dump_json()

    def board_start(self, board: BoardView) -> str:
        """What a board page starts with: its tiles now and the chart of the day (in a
        thread: this reads the centre)."""
        made, chart = self._charts.get(board.id, (float("-inf"), None))
        if chart is None or self.loop.time() - made >= CHART_EVERY_S:
            chart = self._chart(board)  # else the one the board's other pages were sent
        return self.board_figures(board, self._states(), chart)

    def _chart(self, board: BoardView) -> DayChart:
        queue_ids = {i for tile in board.tiles for i in tile.queue_ids}
        return self._services.board.chart(self._services.centre.wall_time(), queue_ids)

    # Followers (in the publisher's thread).

    def _render(self, batch: Sequence[Event]) -> None:
        """Under the centre's lock, right after the change: the offers and agent states
        the batch brings, in that order, then the lines it changed and its presences."""
        lines = self._changed_lines()
        if not self._connections and not self._boards:
            return
        agent_ids: list[int] = []
        offers = [event for event in batch if isinstance(event, Offered)]
        for event in batch:
            agent_id = getattr(event, "agent_id", None)
            if isinstance(agent_id, int) and agent_id not in agent_ids:
                agent_ids.append(agent_id)
        centre = self._services.centre
        agents, contacts = centre.as_logged(agent_ids, {event.contact_id for event in offers})
        items: list[Item] = []
        for event in offers:
            contact = contacts.get(event.contact_id)
            if contact is not None and (offer := self._offer(event, contact)) is not None:
                items.append(Item(offer.model_dump_json(), "offer", event.agent_id))
        items.extend(self._agent_item(agents[a]) for a in agent_ids if a in agents)
        items.extend(self._storm_item(event) for event in batch if isinstance(event, StormEvents))
        items.extend(lines)
        items.extend(self._presence_changes(batch))
        items.extend(self._standby_moves(batch))
        if any(isinstance(event, ALARM_EVENTS) for event in batch):
            items.append(self.alarms())
        moves = any(_moves_queues(event) for event in batch)
        self._hand_over(lambda: self._deliver(items, moves))

    def _changed_lines(self) -> list[Item]:
        states = self._services.centre.line_states()
        changed = [name for name, state in states.items() if self._lines.get(name) != state]
        self._lines = states
        return [self._line_item(name, states) for name in sorted(changed)]

    def _presence_changes(self, batch: Sequence[Event]) -> list[Item]:
        items = []
        for event in batch:
            if isinstance(event, PresenceSet):
                view = PresenceView(event.username, event.reason, event.until, event.note,
                                    event.at, event.by_name)  # fmt: skip
                items.append(self._presence_item(event.username, view, event.by_name))
            elif isinstance(event, PresenceEnded):
                items.append(self._presence_item(event.username, None, event.by_name))
        return items

    def _standby_moves(self, batch: Sequence[Event]) -> list[Item]:
        """The system's log-ins and log-outs of stand-by agents, with why (for the agent,
        shown on its desktop, and for supervisors)."""
        moves = [e for e in batch if isinstance(e, AgentLoggedIn | AgentLoggedOut) and e.reason]
        if not moves:
            return []
        names = self._services.centre.queue_names()
        items = []
        for event in moves:
            assert event.reason is not None
            message = StandbyMoved(
                agent_id=event.agent_id,
                queue_id=event.queue_id,
                queue=names.get(event.queue_id, str(event.queue_id)),
                logged_in=isinstance(event, AgentLoggedIn),
                reason=event.reason,
            )
            items.append(Item(message.model_dump_json(), "control", event.agent_id))
        return items

    def _offer(self, event: Offered, contact: ContactView) -> OfferMade | None:
        offer_id = contact.offer_ids.get(event.agent_id)
        if offer_id is None or contact.queue_id is None:
            return None  # answered or withdrawn in the same change
        return OfferMade(
            agent_id=event.agent_id,
            offer_id=offer_id,
            contact_id=contact.contact_id,
            queue_id=contact.queue_id,
            queue=self._services.centre.queue_names().get(contact.queue_id, str(contact.queue_id)),
            caller=contact.caller,
            entry_point=contact.entry_point,
            wait_s=contact.wait_seconds,
            data=dict(contact.data),
            callback_number=contact.callback_number,
            voicemail=_task(contact.voicemail),
        )

    def _storm_item(self, event: StormStarted | StormEnded) -> Item:
        auth = self._services.auth
        storm = None
        if isinstance(event, StormStarted):
            view = StormView(event.entry_point, event.audio, event.text, event.prompt, event.at,
                             event.by_user)  # fmt: skip
            storm = storm_message(view, auth)
        message = StormChanged(
            entry_point=event.entry_point, storm=storm, by=user_name(auth, event.by_user)
        )
        return Item(message.model_dump_json(), "storm")

    def _agent_item(self, view: AgentView) -> Item:
        message = AgentStateChanged(agent=agent_state(self._services.centre, view))
        return Item(message.model_dump_json(), "agent", view.agent_id, frozenset(view.member_of))

    def _control(self, message: ControlMessage) -> None:
        """A transfer, a personal queue, a consultation's offer or a call's progress."""
        if self._connections:
            item = Item(message.model_dump_json(), "control", message.agent_id)
            self._hand_over(lambda: self._deliver([item], moves=False))

    def _voicemail(self, news: VoicemailNews) -> None:
        """A message left, handled or purged: told to the box's readers alone."""
        if not self._connections:
            return
        box = next(
            (b for b in self._services.configuration.voicemail_boxes.list()
             if b.name == news.message.box),
            None,
        )  # fmt: skip
        if box is None:
            return  # a box no longer configured has no readers
        readers = frozenset(
            [name.lower() for name in box.readers] + [f"role:{role}" for role in box.reader_roles]
        )
        message = VoicemailChanged(change=news.change, message=message_view(news.message))
        item = Item(message.model_dump_json(), "voicemail", readers=readers)
        self._hand_over(lambda: self._deliver([item], moves=False))

    def _trunk(self, registration: TrunkRegistration) -> None:
        message = TrunkRegistrationChanged(registration=registration)
        item = Item(message.model_dump_json(), "trunk")
        self._hand_over(lambda: self._deliver([item], moves=False))

    def _sessions_ended(self, ended: SessionsEnded) -> None:
        self._hand_over(lambda: self._end_sessions(ended))

    def _config_changed(self, _change: ConfigChange) -> None:
        """After the centre reloaded (it follows the configuration first): every agent's
        queues, for agents' sockets that show their colleagues."""
        if not self._connections:
            return
        centre = self._services.centre
        agents, _ = centre.as_logged(sorted(centre.agent_names()))
        of = {agent_id: frozenset(view.member_of) for agent_id, view in agents.items()}

        def tell() -> None:
            for connection in list(self._connections):
                connection.memberships(of)

        self._hand_over(tell)

    def _hand_over(self, work: Callable[[], None]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closing with the server
            self.loop.call_soon_threadsafe(work)

    # On the loop.

    def _deliver(self, items: Sequence[Item], moves: bool) -> None:
        for connection in list(self._connections):
            connection.take(items)
        if moves:
            self._snapshot_soon()
        self._check_sessions_if_due()

    def _end_sessions(self, ended: SessionsEnded) -> None:
        for connection in list(self._connections):
            if ended.covers(connection.digest, connection.user.id):
                connection.end(CLOSE_UNAUTHORIZED, ended.reason)

    def _snapshot_soon(self) -> None:
        if self._snapshot_task is not None:
            return  # the one pending will show this change too
        interval = self._services.event_socket.snapshot_interval_s
        delay = max(0.0, self._last_snapshot + interval - self.loop.time())
        self._snapshot_task = self.loop.create_task(self._snapshot_after(delay))

    async def _snapshot_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        # A change from here on asks for a snapshot of its own.
        self._snapshot_task = None
        self._last_snapshot = self.loop.time()
        boards = {c.board.id: c.board for c in self._boards}
        due = {
            board_id
            for board_id in boards
            if self.loop.time() - self._charts.get(board_id, (float("-inf"), None))[0]
            >= CHART_EVERY_S
        }
        try:
            waiting, states = await asyncio.to_thread(lambda: (self.waiting(), self._states()))
            charts = await asyncio.to_thread(lambda: {i: self._chart(boards[i]) for i in due})
        except Exception:
            logger.exception("queue snapshot for the event sockets failed")
            return
        item = self._snapshot_of(states)
        for connection in list(self._connections):
            connection.take([waiting, item])
        for board_id, chart in charts.items():
            self._charts[board_id] = (self.loop.time(), chart)
        # Each board's message is encoded once for all its pages.
        texts = {
            board_id: self.board_figures(board, states, charts.get(board_id))
            for board_id, board in boards.items()
        }
        for page in list(self._boards):
            page.send_text(texts[page.board.id])

    def _board_news(self, news: BoardNews) -> None:
        self._hand_over(lambda: self._board_changed(news))

    def _board_changed(self, news: BoardNews) -> None:
        """Close the pages of links that no longer open the board; show the others the
        board as it is now."""
        self._charts.pop(news.board_id, None)
        for page in list(self._boards):
            if page.board.id != news.board_id:
                continue
            if page.link_id in news.closed_links or news.board is None:
                page.end(CLOSE_LINK_REVOKED, news.reason)
            else:
                page.board = news.board
        self._last_snapshot = float("-inf")
        self._snapshot_soon()

    def _check_sessions_if_due(self) -> None:
        recheck = self._services.event_socket.session_recheck_s
        if self._check_task is not None or self.loop.time() - self._last_check < recheck:
            return
        self._last_check = self.loop.time()
        self._check_task = self.loop.create_task(self._check_sessions())

    async def _check_sessions(self) -> None:
        """Close the sockets whose sessions expired or were revoked elsewhere (another
        process, the command line), all found in one query."""
        try:
            connections = list(self._connections)
            digests = {connection.digest for connection in connections}
            invalid = await asyncio.to_thread(
                self._services.auth.sessions.invalid_among,
                digests,
                self._services.centre.wall_time(),
            )
            for connection in connections:
                if (error := invalid.get(connection.digest)) is not None:
                    connection.end(CLOSE_UNAUTHORIZED, str(error))
        except Exception:
            logger.exception("checking the event sockets' sessions failed")
        finally:
            self._check_task = None


def _task(view: VoicemailTaskView | None) -> VoicemailTask | None:
    """A voicemail task's message on the wire (R7)."""
    if view is None:
        return None
    return VoicemailTask(
        message_id=view.message_id,
        box=view.box,
        caller=view.caller,
        received_at=view.received_at,
        seconds=view.seconds,
    )


def _moves_queues(event: Event) -> bool:
    """Whether the event can change a queue snapshot (a contact in a queue, an agent)."""
    return (
        getattr(event, "queue_id", None) is not None or getattr(event, "agent_id", None) is not None
    )
