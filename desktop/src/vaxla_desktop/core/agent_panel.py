"""What the agent panel knows, built only from the server's events; Qt-free.

:class:`PanelState` takes each :data:`~vaxla_protocol.events.ServerEvent` in
:meth:`PanelState.apply` and says which parts changed, so the widgets redraw only
those. Times that move on their own between events — the wrap-up countdown and the
wait of the longest-waiting caller — are computed against the injectable clock from
the last event, never by asking the server again.
"""

from datetime import datetime
from enum import Flag, auto

from vaxla_desktop.core.queue_picture import Clock, QueueFigures, QueuePicture, system_clock
from vaxla_protocol.agent import AgentState
from vaxla_protocol.control import ParkedChanged, ParkedContact
from vaxla_protocol.events import (
    AgentStateChanged,
    QueueSnapshot,
    ServerEvent,
    Welcome,
)


class Changed(Flag):
    NOTHING = 0
    ME = auto()
    COLLEAGUES = auto()
    QUEUES = auto()
    PARKED = auto()


class PanelState:
    """The agent's own state, its colleagues', the queues and the personal queue."""

    def __init__(self, clock: Clock = system_clock) -> None:
        self._clock = clock
        self.username: str | None = None
        self._reset()

    def _reset(self) -> None:
        self.me: AgentState | None = None
        self.colleagues: dict[int, AgentState] = {}
        self._picture = QueuePicture(self._clock)
        self.pictured = False
        """Whether the first snapshot came: every state the server had came before it."""
        self.parked: list[ParkedContact] = []
        self._parked_at: datetime | None = None
        self.classified_contact: int | None = None
        """The contact the agent classified last, so the chooser can say it is done."""

    def apply(self, event: ServerEvent) -> Changed:
        match event:
            case Welcome(username=username):
                if username != self.username:
                    self._reset()
                    self.username = username
                # Whatever comes next is the whole picture again; keep it until then.
                return Changed.NOTHING
            case AgentStateChanged(agent=agent) if agent.username == self.username:
                self.me = agent
                # Colleagues are the agents sharing a queue with me: the set may change.
                return Changed.ME | Changed.QUEUES | self._drop_strangers()
            case AgentStateChanged(agent=agent) if self._stranger(agent):
                # A supervisor taking calls hears every agent: only queue-mates count.
                gone = self.colleagues.pop(agent.agent_id, None)
                return Changed.NOTHING if gone is None else Changed.COLLEAGUES
            case AgentStateChanged(agent=agent):
                self.colleagues[agent.agent_id] = agent
                return Changed.COLLEAGUES
            case QueueSnapshot(queues=queues):
                self._picture.take(queues)
                self.pictured = True
                return Changed.QUEUES | Changed.ME
            case ParkedChanged(agent_id=agent_id, contacts=contacts) if self._is_me(agent_id):
                return self.set_parked(contacts)
        return Changed.NOTHING

    def set_parked(self, contacts: list[ParkedContact]) -> Changed:
        """The personal queue as an event, or ``GET /agent/parked`` at connect, gave it."""
        self.parked = sorted(contacts, key=lambda contact: contact.parked_at)
        self._parked_at = self._clock()
        return Changed.PARKED

    def _is_me(self, agent_id: int) -> bool:
        return self.me is not None and self.me.agent_id == agent_id

    def _stranger(self, agent: AgentState) -> bool:
        """Shares no queue with me (once I know mine)."""
        if self.me is None:
            return False
        return not {queue.id for queue in self.me.member_of} & {q.id for q in agent.member_of}

    def _drop_strangers(self) -> Changed:
        """Forget colleagues who no longer share a queue with me."""
        if self.me is None:
            return Changed.NOTHING
        mine = {queue.id for queue in self.me.member_of}
        strangers = [
            agent_id
            for agent_id, agent in self.colleagues.items()
            if not mine & {queue.id for queue in agent.member_of}
        ]
        for agent_id in strangers:
            del self.colleagues[agent_id]
        return Changed.COLLEAGUES if strangers else Changed.NOTHING

    # What the panel shows

    @property
    def now(self) -> datetime:
        return self._clock()

    def wrap_up_remaining_s(self) -> float | None:
        """Seconds of after-call work left, or None when not in wrap-up."""
        me = self.me
        if me is None or me.state != "wrap_up" or me.wrap_up_until is None:
            return None
        return max(0.0, (me.wrap_up_until - self._clock()).total_seconds())

    def may_classify(self) -> bool:
        """Whether there is an answered contact to classify (R21).

        Always at wrap-up. The server classifies the agent's last answered contact at
        any time, so a call left unclassified when the countdown ran out is still
        offered afterwards, until it is classified or the next call comes: not while a
        new call rings or runs, where a click racing the answer would classify the new
        call instead."""
        me = self.me
        if me is None or me.last_contact is None:
            return False
        if me.state == "wrap_up":
            return True
        return me.state in ("available", "paused") and self.classified_contact != me.last_contact

    def classifying_after_wrap_up(self) -> bool:
        """Whether the call offered for classifying is one whose wrap-up has ended."""
        return self.may_classify() and self.me is not None and self.me.state != "wrap_up"

    def classified(self, contact_id: int) -> None:
        self.classified_contact = contact_id

    def logged_in_queues(self) -> set[int]:
        return {queue.id for queue in self.me.queues} if self.me is not None else set()

    def queues(self) -> list[QueueFigures]:
        """Every queue of the last snapshot, mine first, with their waits up to now."""
        member = {queue.id for queue in self.me.member_of} if self.me is not None else set()
        return sorted(self._picture.figures(member), key=lambda figure: not figure.mine)

    def waiting_in_my_queues(self) -> int:
        return sum(figure.state.waiting for figure in self.queues() if figure.mine)

    def longest_wait_in_my_queues_s(self) -> float:
        return max((figure.longest_wait_s for figure in self.queues() if figure.mine), default=0.0)

    def parked_wait_s(self, contact: ParkedContact) -> float:
        """The parked caller's whole wait (``wait_s`` was counted when the list came)."""
        if self._parked_at is None:
            return contact.wait_s
        return contact.wait_s + max(0.0, (self._clock() - self._parked_at).total_seconds())
