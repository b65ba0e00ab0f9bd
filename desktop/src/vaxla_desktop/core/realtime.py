"""What the real-time view (R32) knows: every agent and every queue, built only from
the server's events; Qt-free.

:class:`RealtimeState` takes each :data:`~vaxla_protocol.events.ServerEvent` in
:meth:`RealtimeState.apply` and says what changed. Times that move on their own — an
agent's time in its state, a call's length, the longest wait — are computed against
the injectable clock from what the server said, never by asking again. The caller's
number of an agent's call comes from the offer that rang it (a supervisor's socket
carries every offer); a call that began before the socket opened shows none.

A supervisor's socket also brings every contact waiting in a queue (``WaitingContacts``,
R16) before each queue snapshot: :meth:`RealtimeState.waiting` gives them with their
waits brought up to now and their entered data masked as an agent sees it.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import Flag, auto

from vaxla_desktop.core.call_state import entry_label, mask_entry
from vaxla_desktop.core.queue_picture import Clock, QueueFigures, QueuePicture, system_clock
from vaxla_protocol.agent import AgentState, WaitingContact
from vaxla_protocol.alarms import AlarmsChanged, AlarmState
from vaxla_protocol.events import (
    AgentStateChanged,
    OfferMade,
    QueueSnapshot,
    ServerEvent,
    WaitingContacts,
    Welcome,
)

# Offers remembered for their callers' numbers; older ones are of calls long over.
KEPT_OFFERS = 2000


class RealtimeChanged(Flag):
    NOTHING = 0
    AGENTS = auto()
    QUEUES = auto()
    WAITING = auto()
    ALARMS = auto()


@dataclass(frozen=True, slots=True)
class AgentRow:
    """An agent as the view shows it, with the times brought up to now."""

    agent: AgentState
    in_state_s: float | None
    """Seconds in its state; None when the server did not see it begin."""
    call_s: float | None
    caller: str | None


@dataclass(frozen=True, slots=True)
class WaitingRow:
    """A contact waiting in a queue as the view shows it, its wait brought up to now."""

    contact: WaitingContact
    queue: str
    wait_s: float
    entries: tuple[tuple[str, str], ...]
    """(label, value) of what the caller entered, masked as the agent sees it."""


class RealtimeState:
    """Every agent's state and the queues, as the event socket tells them."""

    def __init__(self, clock: Clock = system_clock) -> None:
        self._clock = clock
        self.username: str | None = None
        self._reset()

    def _reset(self) -> None:
        self.agents: dict[int, AgentState] = {}
        self._picture = QueuePicture(self._clock)
        self.pictured = False
        """Whether the first snapshot came: every agent's state came before it."""
        self._callers: dict[int, str | None] = {}
        self._waiting: list[WaitingContact] = []
        self._waiting_at: datetime | None = None
        self.alarms: list[AlarmState] = []
        """The raised alarms, the newest first (supervisors' and administrators' sockets)."""

    def apply(self, event: ServerEvent) -> RealtimeChanged:
        match event:
            case Welcome(username=username):
                if username != self.username:
                    self._reset()
                    self.username = username
                return RealtimeChanged.NOTHING
            case AgentStateChanged(agent=agent):
                self.agents[agent.agent_id] = agent
                return RealtimeChanged.AGENTS
            case QueueSnapshot(queues=queues):
                self._picture.take(queues)
                self.pictured = True
                return RealtimeChanged.QUEUES
            case WaitingContacts(contacts=contacts):
                self._waiting, self._waiting_at = list(contacts), self._clock()
                return RealtimeChanged.WAITING
            case AlarmsChanged(alarms=alarms):
                self.alarms = list(alarms)
                return RealtimeChanged.ALARMS
            case OfferMade(contact_id=contact_id, caller=caller):
                self._callers[contact_id] = caller
                while len(self._callers) > KEPT_OFFERS:
                    del self._callers[next(iter(self._callers))]
                return RealtimeChanged.AGENTS
        return RealtimeChanged.NOTHING

    def rows(self) -> list[AgentRow]:
        now = self._clock()
        rows = []
        for agent in self.agents.values():
            since, call = agent.state_since, agent.call
            rows.append(
                AgentRow(
                    agent=agent,
                    in_state_s=None if since is None else max(0.0, (now - since).total_seconds()),
                    call_s=None if call is None else max(0.0, (now - call.since).total_seconds()),
                    caller=None if call is None else self._callers.get(call.contact_id),
                )
            )
        return rows

    def queues(self) -> list[QueueFigures]:
        return self._picture.figures()

    def waiting(self) -> list[WaitingRow]:
        """Every contact waiting in a queue, as the last list from the server had them."""
        aged = 0.0
        if self._waiting_at is not None:
            aged = max(0.0, (self._clock() - self._waiting_at).total_seconds())
        names = {figures.state.id: figures.state.name for figures in self.queues()}
        return [
            WaitingRow(
                contact=contact,
                queue=names.get(contact.queue_id, str(contact.queue_id)),
                wait_s=contact.wait_s + aged,
                entries=tuple(
                    (entry_label(key), mask_entry(key, value))
                    for key, value in contact.data.items()
                ),
            )
            for contact in self._waiting
        ]
