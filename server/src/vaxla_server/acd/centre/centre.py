"""The running contact centre: one dispatcher, the event log and the timers, composed.

Every change of a contact or an agent goes through ``ContactCentre``: it checks the
request against the configuration and the current state, applies the dispatcher's
events, appends the typed events to the log and hands them to subscribers, in that
order and under one lock. A refused request raises a ``CentreError`` before any of that.

Time is the injected clock's; the centre keeps its own seconds line for the dispatcher
(starting at the first reading, never running backwards). Ring timeouts and wrap-up ends
are timers on that line, run by ``tick()`` — which every action calls first, and which
the server's timer task calls when the next timer is due.
"""

import asyncio
import contextlib
import functools
import itertools
import logging
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, Protocol

from vaxla_protocol.offers import OfferToken, make_offer_token
from vaxla_server.acd.centre.delivery import (
    OFFERS,
    AgentLeg,
    Delivery,
    Offer,
    OfferedContact,
    Withdrawal,
    follow_offers,
)
from vaxla_server.acd.centre.engine import (
    RONA_REASON,
    Accept,
    AddAgent,
    AddContact,
    AddQueue,
    Decline,
    Dispatcher,
    DispatcherError,
    DispatcherEvent,
    DispatcherMembership,
    EndContact,
    MoveContact,
    RemoveAgent,
    RemoveContact,
    RemoveQueue,
    SetAgentState,
    SetPriority,
    Timeout,
    UpdateAgent,
    UpdateQueue,
    dispatcher_events,
)
from vaxla_server.acd.centre.errors import (
    EventLogUnavailable,
    InvalidAction,
    InvalidValue,
    UnknownSubject,
)
from vaxla_server.acd.centre.journal import Journal, Journaled, recording
from vaxla_server.acd.centre.recovery import left_open
from vaxla_server.acd.centre.timers import Timers
from vaxla_server.config import (
    CONFIG_CHANGED,
    ClassificationCode,
    ConfigSnapshot,
    Configuration,
    Licence,
    PauseReason,
    QueueNotEmpty,
)
from vaxla_server.config.settings import AgentProfile, QueueSettings
from vaxla_server.notifier import Notifier, Topic
from vaxla_server.store import EventLog
from vaxla_server.store.events import (
    Abandoned,
    AgentAutoPaused,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    AnnouncementKind,
    AnnouncementPlayed,
    Answered,
    Channel,
    Classified,
    ContactEntered,
    DigitsEntered,
    EndCause,
    Ended,
    Event,
    MenuChoice,
    Moved,
    NotAnswered,
    Offered,
    OutboundAnswered,
    OutboundCall,
    Overflowed,
    Parked,
    Queued,
    Transferred,
    WrapUpEnded,
    WrapUpStarted,
)

logger = logging.getLogger(__name__)

WallClock = Callable[[], datetime]
Listener = Callable[[Sequence[Event]], None]
CENTRE_EVENTS: Topic[Sequence[Event]] = Topic("the centre's events")
"""Every batch of events the centre logged, published once it is written (in order,
under the centre's lock)."""
AgentStatus = Literal["available", "paused", "wrap_up"]
EndedBy = Literal["caller", "agent", "system"]
OverflowRule = Literal["max_length", "max_wait", "schedule", "nobody_logged_in"]
TRANSFER_TAKEN_S = 20.0
"""How long a caller transferred blind to an agent waits in that agent's personal queue
for the offer to be answered, when the agent's queue has no ring timeout to go by; a
decline, a ring-out or this time passing sends the caller back to its queue."""
TIMER_POLL_S = 0.2
"""How long the timer task sleeps at most, so a timer set meanwhile is seen soon."""


class ConfigSource(Protocol):
    """What the centre reads of the configuration (``Configuration`` provides it)."""

    def snapshot(self) -> ConfigSnapshot: ...
    def licence(self) -> Licence | None: ...
    def pause_reasons(self) -> list[PauseReason]: ...
    def classification_codes(self) -> list[ClassificationCode]: ...


@dataclass
class _Offer(Journaled):
    offer_id: str
    started: float


@dataclass
class _Contact(Journaled):
    id: int
    entry_point: str
    caller: str | None
    channel: Channel
    entered_at: datetime
    state: Literal["entered", "waiting", "active"] = "entered"
    queue_id: int | None = None
    wait_started: float | None = None
    """Centre seconds when it first started waiting; kept across moves (R15)."""
    priority: int = 0
    data: dict[str, str] = field(default_factory=dict)
    offers: dict[int, _Offer] = field(default_factory=dict)
    agent_id: int | None = None
    answered_at: float | None = None
    position: int | None = None
    requirements: dict[int, int] = field(default_factory=dict)
    personal_agent: int | None = None
    """The agent whose personal queue it waits in (parked, or transferred to it)."""
    return_queue: int | None = None
    """Blind transfer to an agent: the queue it goes back to if that agent does not take
    it."""
    parked_at: float | None = None
    outbound_agent: int | None = None
    """The agent whose softphone called this outside number (an outbound call)."""


@dataclass
class _Session(Journaled):
    """An agent logged in to at least one queue."""

    agent_id: int
    queues: set[int]
    sip_contact: str | None
    session_key: str
    status: AgentStatus = "available"
    reason: str = ""
    last_contact: int | None = None
    wrap_contact: int | None = None
    active: set[int] = field(default_factory=set)
    outbound: int | None = None
    """The agent's outbound call in progress: its voice lines are taken meanwhile."""


@dataclass(frozen=True, slots=True)
class AgentView:
    """An agent as the centre sees it now."""

    agent_id: int
    username: str
    state: Literal["offline", "available", "offered", "busy", "paused", "wrap_up"]
    reason: str
    queues: tuple[int, ...]
    sip_contact: str | None
    last_contact: int | None
    wrap_up_until: datetime | None
    member_of: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class QueueView:
    queue_id: int
    name: str
    waiting: int
    offered: int
    longest_wait: float
    logged_in: int
    available: int
    busy: int
    paused: int
    wrap_up: int
    service_goal_percent: float
    service_goal_s: float


@dataclass(frozen=True, slots=True)
class ContactView:
    contact_id: int
    entry_point: str
    caller: str | None
    channel: str
    state: Literal["entered", "waiting", "offered", "active"]
    queue_id: int | None
    agent_id: int | None
    offered_to: tuple[int, ...]
    offer_ids: Mapping[int, str]
    """Agent id → the id of the offer made to it (the one in its ``X-Vaxla-Offer``)."""
    queue_priority: int
    position: int | None
    wait_seconds: float
    estimated_wait: float | None
    entered_at: datetime
    data: Mapping[str, str]
    personal_agent: int | None = None
    parked_at: datetime | None = None


class ContactCentre(Journaled):
    """The running contact centre over one dispatcher and the event log.

    Write-ahead: a change's events are appended to the log before anyone can see the
    state they describe. Every public method is one transaction under the lock (see
    ``_transaction``): its changes are recorded in a journal and kept only once their
    events are written (``_finish``); a failed write, or any error, undoes them, so a
    reader never sees a state the log does not hold."""

    def __init__(
        self,
        *,
        log: EventLog,
        config: ConfigSource,
        clock: WallClock,
        delivery: Delivery | None = None,
        dispatcher: Dispatcher | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.notifier = notifier or Notifier()
        if delivery is not None:
            follow_offers(self.notifier, delivery)
        self._log = log
        self._config = config
        self._clock = clock
        self._dispatcher = dispatcher or Dispatcher()
        self._lock = threading.RLock()
        self._journal = Journal()
        self._depth = 0
        self._dispatcher_saved_in: int | None = None
        self._withdrawals: list[tuple[int, int]] = []
        """Offers to withdraw from phones once the current change is written."""
        """The journal generation in which the dispatcher was last copied for undo."""
        self._epoch = clock()
        self._now = 0.0
        self._timers = Timers()
        self._queues: dict[int, QueueSettings] = {}
        self._profiles: dict[int, AgentProfile] = {}
        self._skill_ids: dict[str, int] = {}
        self._contacts: dict[int, _Contact] = {}
        self._sessions: dict[int, _Session] = {}
        self._known_agents: set[int] = set()
        self._offers_of: dict[int, set[int]] = {}
        self._outbound_of: dict[int, int] = {}
        """Agent id → its outbound call in progress (logged in to a queue or not)."""
        self._next_contact = 0
        self._offer_ids = itertools.count(1)
        self._started = False
        self.version = 0
        """Grows with every batch of events logged: a cache key for derived views."""

    # Start, reload and time

    def start(self) -> None:
        """Load the configuration into the dispatcher and close what a stopped server
        left open: contacts end (``by="system"``), wrap-ups end and agents still logged in
        are logged out (``forced``), since their softphones must report again."""
        with self._transaction():
            if self._started:
                return
            snapshot = self._config.snapshot()
            self._changing_dispatcher().apply(
                [self._without_memberships(event) for event in dispatcher_events(snapshot)],
                self._now,
            )
            self._remember(snapshot)
            found = left_open(self._log)
            self._next_contact = found.last_contact_id + 1
            at = self._at(self._now)
            closing: list[Event] = []
            for contact in found.contacts.values():
                closing.append(
                    Ended(
                        at=at,
                        contact_id=contact.contact_id,
                        queue_id=contact.queue_id,
                        agent_id=contact.agent_id,
                        by="system",
                        cause="restart",
                    )
                )
            for agent_id, contact_id in found.wrap_ups.items():
                closing.append(
                    WrapUpEnded(at=at, agent_id=agent_id, contact_id=contact_id, early=True)
                )
            for agent_id, queues in found.logged_in.items():
                closing.extend(
                    AgentLoggedOut(at=at, agent_id=agent_id, queue_id=queue_id, forced=True)
                    for queue_id in sorted(queues)
                )
            if closing:
                logger.info(
                    "restart: closed %d contacts and logged out %d agents left open",
                    len(found.contacts),
                    len(found.logged_in),
                )
            self._log.append(closing)
            self._started = True

    def reload(self) -> None:
        """Bring the dispatcher in line with the stored configuration after a change.

        Queues and agents are added, updated and removed; an agent logged in to a queue
        it is no longer a member of is logged out of it (``forced``). A queue or agent
        the dispatcher cannot remove yet (contacts still in it) stays until a later
        reload."""
        with self._transaction():
            t = self._tick()
            snapshot = self._config.snapshot()
            queue_events = [e for e in dispatcher_events(snapshot) if isinstance(e, AddQueue)]
            self._apply(
                [_as_update(e) if e.queue in self._queues else e for e in queue_events],
                t,
            )
            self._skill_ids = {skill.name: skill.id for skill in snapshot.skills}
            self._queues.update({queue.id: queue.settings for queue in snapshot.queues})
            out: list[Event] = []
            at = self._at(t)
            profiles = {profile.user_id: profile for profile in snapshot.agents}
            for agent_id, profile in profiles.items():
                self._profiles[agent_id] = profile
                session = self._sessions.get(agent_id)
                if session is not None:
                    gone = sorted(session.queues - self._member_queues(agent_id))
                    out.extend(
                        AgentLoggedOut(at=at, agent_id=agent_id, queue_id=queue_id, forced=True)
                        for queue_id in gone
                    )
                    session.queues.difference_update(gone)
                known = agent_id in self._known_agents
                self._apply([self._agent_event(agent_id, update=known)], t)
                if session is not None and not session.queues:
                    out.extend(self._end_session(session, t))
            for agent_id in sorted(self._known_agents - set(profiles)):
                session = self._sessions.get(agent_id)
                if session is not None:
                    out.extend(
                        AgentLoggedOut(at=at, agent_id=agent_id, queue_id=queue_id, forced=True)
                        for queue_id in sorted(session.queues)
                    )
                    out.extend(self._end_session(session, t))
                try:
                    self._changing_dispatcher().apply([RemoveAgent(agent_id)], t)
                except DispatcherError as error:
                    logger.warning("agent %d stays until its contacts end: %s", agent_id, error)
                    continue
                self._known_agents.discard(agent_id)
                del self._profiles[agent_id]
            wanted = {queue.id for queue in snapshot.queues}
            for queue_id in sorted(set(self._queues) - wanted):
                try:
                    self._changing_dispatcher().apply([RemoveQueue(queue_id)], t)
                except DispatcherError as error:
                    logger.warning("queue %d stays until its contacts leave: %s", queue_id, error)
                    continue
                del self._queues[queue_id]
            self._finish(out, t)

    def follow(self, config: Configuration) -> None:
        """Reload after every committed change of ``config``, and refuse deleting a queue
        that contacts wait in."""
        config.notifier.subscribe(CONFIG_CHANGED, lambda _change: self.reload())
        config.add_queue_delete_guard(self.check_queue_delete)

    def check_queue_delete(self, queue_id: int, name: str) -> None:
        """Refuse (``QueueNotEmpty``) deleting a queue that contacts wait in."""
        with self._transaction():
            waiting = sum(
                1
                for contact in self._contacts.values()
                if contact.state == "waiting" and contact.queue_id == queue_id
            )
        if waiting:
            raise QueueNotEmpty(name, waiting)

    def tick(self) -> None:
        """Run the timers that are due by the clock's time now, and make the offers that
        time alone made possible (an exclusion or a sticky reservation ran out, an
        expansion step was reached)."""
        with self._transaction():
            t = self._tick()
            self._finish([], t)

    def seconds_to_next_timer(self) -> float | None:
        with self._transaction():
            at = self._timers.next_at()
            if at is None:
                return None
            return max(0.0, at - self._seconds())

    async def run_timers(
        self, sleep: Callable[[float], Awaitable[None]], *, in_thread: bool = True
    ) -> None:
        """Fire timers as they come due, until cancelled (the server's timer task).

        A tick writes to the log, so it runs in a worker thread unless ``in_thread`` is
        false (a test on a manual clock, whose steps must finish within the loop)."""
        while True:
            try:
                if in_thread:
                    await asyncio.to_thread(self.tick)
                else:
                    self.tick()
            except EventLogUnavailable:
                pass  # logged where it failed; the timers are undone and fire again later
            except Exception:
                logger.exception("a timer of the running centre failed")
            pending = self.seconds_to_next_timer()
            await sleep(TIMER_POLL_S if pending is None else min(pending, TIMER_POLL_S))

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every batch of events as it is logged (a subscription
        to ``CENTRE_EVENTS`` on the centre's notifier); returns the function that
        unsubscribes. Listeners run under the centre's lock: they must only hand the
        events on (to a queue, to a loop), never block."""
        return self.notifier.subscribe(CENTRE_EVENTS, listener)

    # Transactions: the write-ahead kernel

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """Hold the lock and journal every change; an error undoes the changes since the
        last events written (a refusal after a partial change leaves nothing behind)."""
        with self._lock:
            depth = self._depth
            object.__setattr__(self, "_depth", depth + 1)  # bookkeeping, never undone
            try:
                if depth:
                    yield
                    return
                with recording(self._journal):
                    try:
                        yield
                    except BaseException:
                        self._journal.rollback()
                        self._withdrawals.clear()
                        raise
                    self._journal.commit()  # changes that have no events (a new contact URI)
                    self._withdraw()
            finally:
                object.__setattr__(self, "_depth", depth)

    def _changing_dispatcher(self) -> Dispatcher:
        """The dispatcher, about to be changed: copied once per journal stretch, so a
        rollback puts the copy back."""
        journal = self._journal
        if self._depth and self._dispatcher_saved_in != journal.generation:
            object.__setattr__(self, "_dispatcher_saved_in", journal.generation)
            saved = self._dispatcher.copy()
            journal.record(lambda: object.__setattr__(self, "_dispatcher", saved))
        return self._dispatcher

    # Agents

    def log_in(
        self,
        agent_id: int,
        *,
        session_key: str,
        queues: Sequence[int] | None = None,
        sip_contact: str | None = None,
    ) -> AgentView:
        """Log the agent in to ``queues`` (all it is a member of when None). The first
        log-in makes it available; it is refused when the licence's limit of agents
        logged in at once is reached (R34). ``sip_contact`` is where its softphone rings."""
        with self._transaction():
            t = self._tick()
            members = self._member_queues(agent_id)
            wanted = set(members if queues is None else queues)
            if not wanted:
                raise InvalidValue(f"agent {self._name(agent_id)!r} is a member of no queue")
            strangers = sorted(wanted - members)
            if strangers:
                raise InvalidValue(
                    f"agent {self._name(agent_id)!r} is not a member of "
                    f"{', '.join(self._queue_name(q) for q in strangers)}"
                )
            session = self._sessions.get(agent_id)
            if session is None:
                licence = self._config.licence()
                if licence is not None:
                    licence.check_log_in(len(self._sessions))
            new = sorted(wanted - (session.queues if session else set()))
            at = self._at(t)
            out: list[Event] = [
                AgentLoggedIn(at=at, agent_id=agent_id, queue_id=queue_id) for queue_id in new
            ]
            if session is None:
                session = _Session(agent_id, set(), sip_contact, session_key)
                self._sessions[agent_id] = session
                session.queues.update(new)
                outbound = self._outbound_of.get(agent_id)
                if outbound is not None:  # on an outbound call already: busy from now
                    session.outbound = outbound
                    session.active.add(outbound)
                self._apply(
                    [
                        self._agent_event(agent_id, update=True),
                        SetAgentState(agent_id, "available"),
                    ],
                    t,
                )
                out.append(AgentReady(at=at, agent_id=agent_id))
            else:
                # A log-in to one more queue may leave the softphone's contact unsaid.
                if sip_contact is not None:
                    session.sip_contact = sip_contact
                session.session_key = session_key
                if new:
                    session.queues.update(new)
                    self._apply([self._agent_event(agent_id, update=True)], t)
            self._finish(out, t)
            return self._agent_view(agent_id)

    def log_out(
        self, agent_id: int, *, queues: Sequence[int] | None = None, forced: bool = False
    ) -> AgentView:
        """Log the agent out of ``queues`` (of all when None); out of the last one, it is
        offline: its offers are withdrawn and a running wrap-up ends."""
        with self._transaction():
            t = self._tick()
            session = self._session(agent_id)
            leaving = set(session.queues if queues is None else queues)
            strangers = sorted(leaving - session.queues)
            if strangers:
                raise InvalidAction(
                    f"agent {self._name(agent_id)!r} is not logged in to "
                    f"{', '.join(self._queue_name(q) for q in strangers)}"
                )
            at = self._at(t)
            out: list[Event] = [
                AgentLoggedOut(at=at, agent_id=agent_id, queue_id=queue_id, forced=forced)
                for queue_id in sorted(leaving)
            ]
            session.queues -= leaving
            if session.queues:
                self._apply([self._agent_event(agent_id, update=True)], t)
            else:
                out.extend(self._end_session(session, t))
            self._finish(out, t)
            return self._agent_view(agent_id)

    def ready(self, agent_id: int) -> AgentView:
        """Make the agent available: ends a pause, or its wrap-up early (R19)."""
        with self._transaction():
            t = self._tick()
            session = self._session(agent_id)
            at = self._at(t)
            out: list[Event] = []
            if session.status == "wrap_up":
                out.append(self._end_wrap_up(session, t, early=True))
            elif session.status == "paused":
                out.append(AgentReady(at=at, agent_id=agent_id))
            if out:
                self._apply([SetAgentState(agent_id, "available")], t)
                session.status, session.reason = "available", ""
            self._finish(out, t)
            return self._agent_view(agent_id)

    def pause(self, agent_id: int, reason: str) -> AgentView:
        """Pause the agent with one of the active configured pause reasons (R20)."""
        with self._transaction():
            t = self._tick()
            session = self._session(agent_id)
            active = {r.code for r in self._config.pause_reasons() if r.active}
            if reason not in active:
                known = ", ".join(sorted(active)) or "none are configured"
                raise InvalidValue(f"{reason!r} is not an active pause reason; reasons: {known}")
            out: list[Event] = []
            if session.status == "wrap_up":
                out.append(self._end_wrap_up(session, t, early=True))
            out.append(AgentPaused(at=self._at(t), agent_id=agent_id, reason=reason))
            self._apply([SetAgentState(agent_id, "paused", reason)], t)
            self._withdraw_offers_of(agent_id)
            session.status, session.reason = "paused", reason
            self._finish(out, t)
            return self._agent_view(agent_id)

    def classify(self, agent_id: int, code: str) -> AgentView:
        """Give the agent's last contact a classification code (R21)."""
        with self._transaction():
            t = self._tick()
            session = self._session(agent_id)
            active = {c.code for c in self._config.classification_codes() if c.active}
            if code not in active:
                known = ", ".join(sorted(active)) or "none are configured"
                raise InvalidValue(f"{code!r} is not an active classification code; codes: {known}")
            if session.last_contact is None:
                raise InvalidAction(
                    f"agent {self._name(agent_id)!r} has answered no contact to classify"
                )
            event = Classified(
                at=self._at(t), contact_id=session.last_contact, agent_id=agent_id, code=code
            )
            self._finish([event], t)
            return self._agent_view(agent_id)

    def agent(self, agent_id: int) -> AgentView:
        with self._transaction():
            self._tick()
            return self._agent_view(agent_id)

    def agents(self) -> list[AgentView]:
        with self._transaction():
            self._tick()
            return [self._agent_view(agent_id) for agent_id in sorted(self._profiles)]

    def session_of(self, agent_id: int) -> AgentLeg | None:
        """Where the agent's softphone rings, if it is logged in."""
        with self._transaction():
            session = self._sessions.get(agent_id)
            return None if session is None else AgentLeg(agent_id, session.sip_contact)

    def session_key_of(self, agent_id: int) -> str | None:
        """The key of the agent's logged-in session (``offers.session_key`` of its
        bearer token), or ``None`` when it is not logged in."""
        with self._transaction():
            session = self._sessions.get(agent_id)
            return None if session is None else session.session_key

    # Contacts

    def enter(
        self,
        entry_point: str,
        caller: str | None,
        channel: Channel = "voice",
        language: str | None = None,
    ) -> int:
        """A contact arrived at ``entry_point``; its new id."""
        with self._transaction():
            t = self._tick()
            contact_id = self._next_contact
            at = self._at(t)
            event = ContactEntered(
                at=at,
                contact_id=contact_id,
                entry_point=entry_point,
                channel=channel,
                caller=caller,
                language=language,
            )
            self._finish([event], t)
            self._next_contact += 1
            self._contacts[contact_id] = _Contact(contact_id, entry_point, caller, channel, at)
            return contact_id

    def queue(
        self,
        contact_id: int,
        queue_id: int,
        *,
        priority: int = 0,
        skills: Mapping[str, int] | None = None,
        data: Mapping[str, str] | None = None,
        preferred_agent: int | None = None,
        preferred_for_s: float = 0.0,
    ) -> int:
        """The contact starts waiting in the queue; its position. ``skills`` (by name)
        are required on top of the queue's; ``data`` is what the caller entered (R5)."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if contact.state != "entered":
                raise InvalidAction(f"contact {contact_id} is {contact.state} already")
            self._known_queue(queue_id)
            requirements = self._skill_levels(skills or {})
            if preferred_agent is not None and preferred_agent not in self._profiles:
                raise UnknownSubject("agent", preferred_agent)
            self._apply(
                [
                    AddContact(
                        contact_id,
                        queue=queue_id,
                        priority=priority,
                        channel=contact.channel,
                        requirements=requirements,
                        waited_s=0.0,
                        preferred_agent=preferred_agent,
                        preferred_until=t + preferred_for_s,
                    )
                ],
                t,
            )
            contact.state, contact.queue_id, contact.priority = "waiting", queue_id, priority
            contact.requirements = dict(requirements)
            contact.wait_started = t
            contact.data = dict(data or {})
            event = self._queued(contact, t)
            self._finish([event], t)
            return event.position

    def answered(self, contact_id: int, agent_id: int) -> None:
        """The agent answered the offer; offers of the contact to others are withdrawn."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if agent_id not in contact.offers:
                raise InvalidAction(f"contact {contact_id} is not offered to agent {agent_id}")
            self._apply([Accept(contact_id, agent_id)], t)
            for other in sorted(contact.offers):
                self._drop_offer(contact, other, withdraw=other != agent_id)
            assert contact.wait_started is not None
            contact.state, contact.agent_id, contact.answered_at = "active", agent_id, t
            contact.personal_agent = contact.return_queue = contact.parked_at = None
            self._timers.cancel(("transfer", contact_id))
            session = self._sessions.get(agent_id)
            if session is not None:
                session.active.add(contact_id)
                session.last_contact = contact_id
            event = Answered(
                at=self._at(t),
                contact_id=contact_id,
                queue_id=contact.queue_id,
                agent_id=agent_id,
                wait_seconds=t - contact.wait_started,
            )
            self._finish([event], t)

    def declined(self, contact_id: int, agent_id: int) -> None:
        """The agent declined the offer; the contact is offered to someone else (R18)."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            offer = contact.offers.get(agent_id)
            if offer is None:
                raise InvalidAction(f"contact {contact_id} is not offered to agent {agent_id}")
            self._apply([Decline(contact_id, agent_id)], t)
            self._drop_offer(contact, agent_id, withdraw=False)
            event = NotAnswered(
                at=self._at(t),
                contact_id=contact_id,
                queue_id=contact.queue_id,
                agent_id=agent_id,
                reason="declined",
                ring_seconds=t - offer.started,
            )
            self._finish([event, *self._transfer_failed(contact, t)], t)

    def abandoned(self, contact_id: int) -> None:
        """The caller hung up while waiting: logged with position and wait, and ended."""
        with self._transaction():
            t = self._tick()
            contact = self._waiting(contact_id)
            out = self._abandon(contact, t)
            self._finish(out, t)

    def ended(self, contact_id: int, by: EndedBy, *, cause: EndCause | None = None) -> None:
        """The contact is over. An answered one puts its agent in wrap-up (R19); a waiting
        one that the caller ended is abandoned."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            at = self._at(t)
            out: list[Event] = []
            if contact.state == "waiting" and by == "caller":
                out = self._abandon(contact, t, cause)
            elif contact.state == "waiting":
                self._apply([RemoveContact(contact_id)], t)
                for agent_id in list(contact.offers):
                    self._drop_offer(contact, agent_id, withdraw=True)
                out.append(
                    Ended(
                        at=at, contact_id=contact_id, queue_id=contact.queue_id, by=by, cause=cause
                    )
                )
            elif contact.outbound_agent is not None:
                out.extend(self._outbound_over(contact, by, cause, t))
            elif contact.state == "active":
                out.extend(self._end_answered(contact, by, cause, t))
            else:
                out.append(Ended(at=at, contact_id=contact_id, by=by, cause=cause))
            self._contacts.pop(contact_id, None)
            self._finish(out, t)

    def move(self, contact_id: int, queue_id: int, *, by_agent: int | None = None) -> int:
        """Move a waiting contact to another queue, keeping its wait (R15, R16); its new
        position."""
        with self._transaction():
            t = self._tick()
            contact = self._waiting(contact_id)
            self._known_queue(queue_id)
            if queue_id == contact.queue_id:
                raise InvalidAction(
                    f"contact {contact_id} waits in {self._queue_name(queue_id)} already"
                )
            old = contact.queue_id
            assert old is not None
            self._apply([MoveContact(contact_id, queue=queue_id)], t)
            for agent_id in list(contact.offers):
                self._drop_offer(contact, agent_id, withdraw=True)
            contact.queue_id, contact.position = queue_id, None
            event = Moved(
                at=self._at(t),
                contact_id=contact_id,
                queue_id=old,
                to_queue_id=queue_id,
                by_agent_id=by_agent,
            )
            position = self._position(contact)
            self._finish([event], t)
            return position

    def overflowed(
        self, contact_id: int, rule: OverflowRule, target: str, *, to_queue: int | None = None
    ) -> None:
        """A queue's overflow rule takes the waiting contact out: into ``to_queue``
        (keeping its wait) or out of the queues to ``target`` (a number, a message)."""
        with self._transaction():
            t = self._tick()
            contact = self._waiting(contact_id)
            old = contact.queue_id
            assert old is not None and contact.wait_started is not None
            if to_queue is not None:
                self._known_queue(to_queue)
                if to_queue == old:
                    raise InvalidAction(f"contact {contact_id} cannot overflow into its own queue")
                self._apply([MoveContact(contact_id, queue=to_queue)], t)
            else:
                self._apply([RemoveContact(contact_id)], t)
            for agent_id in list(contact.offers):
                self._drop_offer(contact, agent_id, withdraw=True)
            at = self._at(t)
            out: list[Event] = [
                Overflowed(
                    at=at,
                    contact_id=contact_id,
                    queue_id=old,
                    rule=rule,
                    target=target,
                    wait_seconds=t - contact.wait_started,
                )
            ]
            if to_queue is not None:
                contact.queue_id, contact.position = to_queue, None
                out.append(self._queued(contact, t))
            else:
                contact.state, contact.queue_id, contact.position = "entered", None, None
            self._finish(out, t)

    def contact(self, contact_id: int) -> ContactView:
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            return self._contact_view(contact, t)

    def waiting_contacts(self, queue_id: int | None = None) -> list[ContactView]:
        with self._transaction():
            t = self._tick()
            return [
                self._contact_view(contact, t)
                for contact in self._contacts.values()
                if contact.state == "waiting"
                and contact.personal_agent is None
                and queue_id in (None, contact.queue_id)
            ]

    def queues(self) -> list[QueueView]:
        with self._transaction():
            t = self._tick()
            stats = self._dispatcher.snapshot(t).queues
            return [
                QueueView(
                    queue_id=row.queue,
                    name=self._queues[row.queue].name,
                    waiting=row.waiting + row.offered,
                    offered=row.offered,
                    longest_wait=row.longest_wait,
                    logged_in=row.logged_in,
                    available=row.available,
                    busy=row.busy,
                    paused=row.paused,
                    wrap_up=row.wrap_up,
                    service_goal_percent=self._queues[row.queue].service_goal.percent,
                    service_goal_s=self._queues[row.queue].service_goal.within_s,
                )
                for row in stats
                if row.queue in self._queues
            ]

    def queue_settings(self, queue_id: int) -> QueueSettings:
        with self._transaction():
            return self._known_queue(queue_id)

    def queue_names(self) -> dict[int, str]:
        with self._transaction():
            return {queue_id: settings.name for queue_id, settings in self._queues.items()}

    def service_goals(self) -> dict[int, float]:
        """Queue id → the service goal's seconds (T)."""
        with self._transaction():
            return {q: settings.service_goal.within_s for q, settings in self._queues.items()}

    def wall_time(self) -> datetime:
        """The injected clock's time now."""
        return self._clock()

    @property
    def log(self) -> EventLog:
        return self._log

    def agent_names(self) -> dict[int, str]:
        with self._transaction():
            return {agent_id: p.username for agent_id, p in self._profiles.items()}

    # Internals: time

    def _seconds(self) -> float:
        return max(self._now, (self._clock() - self._epoch).total_seconds())

    def _at(self, t: float) -> datetime:
        return self._epoch + timedelta(seconds=t)

    def _tick(self) -> float:
        """Fire due timers in order, each at its own moment; the time now."""
        now = self._seconds()
        while (due := self._timers.pop_due(now)) is not None:
            at, action = due
            self._now = max(self._now, at)
            action()
        self._now = now
        return now

    # Internals: applying and finishing

    def _apply(self, events: Sequence[DispatcherEvent], t: float) -> None:
        try:
            self._changing_dispatcher().apply(events, t)
        except DispatcherError as error:
            # The checks before should have refused this; the dispatcher's word is final.
            raise InvalidAction(str(error)) from None

    def _finish(self, out: list[Event], t: float) -> None:
        """Offer what can be offered, log the events, and only then keep the changes,
        ring the phones and tell listeners. A failed write raises
        ``EventLogUnavailable`` and the transaction undoes everything since the last
        events written."""
        deliveries = self._assign(t, out)
        try:
            self._log.append(out)
        except Exception as error:
            failure = EventLogUnavailable(error)
            logger.error("%d events not written: %s", len(out), failure)
            raise failure from error
        if out:
            self.version += 1
        self._journal.commit()
        self._withdraw()
        for contact_view, leg, token in deliveries:
            self.notifier.publish(OFFERS, Offer(contact_view, leg, token))
        if out:
            self.notifier.publish(CENTRE_EVENTS, out)

    def _withdraw(self) -> None:
        withdrawals, self._withdrawals[:] = list(self._withdrawals), []
        for contact_id, agent_id in withdrawals:
            self.notifier.publish(OFFERS, Withdrawal(contact_id, agent_id))

    def _assign(
        self, t: float, out: list[Event]
    ) -> list[tuple[OfferedContact, AgentLeg, OfferToken]]:
        deliveries: list[tuple[OfferedContact, AgentLeg, OfferToken]] = []
        for offer in self._changing_dispatcher().assign(t):
            contact = self._contacts[offer.contact]
            session = self._sessions[offer.agent]
            offer_id = f"c{offer.contact}a{offer.agent}n{next(self._offer_ids)}"
            contact.offers[offer.agent] = _Offer(offer_id, t)
            self._offers_of.setdefault(offer.agent, set()).add(offer.contact)
            queue = self._queues[contact.queue_id] if contact.queue_id is not None else None
            ring = queue.ring_timeout_s if queue is not None else 15.0
            self._timers.set(
                ("ring", offer.contact, offer.agent),
                t + ring,
                functools.partial(self._ring_out, offer.contact, offer.agent),
            )
            out.append(
                Offered(
                    at=self._at(t),
                    contact_id=offer.contact,
                    queue_id=contact.queue_id,
                    agent_id=offer.agent,
                )
            )
            assert contact.wait_started is not None and contact.queue_id is not None
            deliveries.append(
                (
                    OfferedContact(
                        contact_id=contact.id,
                        queue_id=contact.queue_id,
                        caller=contact.caller,
                        entry_point=contact.entry_point,
                        channel=contact.channel,
                        wait_seconds=t - contact.wait_started,
                        entered_at=contact.entered_at,
                        data=dict(contact.data),
                    ),
                    AgentLeg(offer.agent, session.sip_contact),
                    make_offer_token(session.session_key, offer_id),
                )
            )
        return deliveries

    # Internals: timers

    def _ring_out(self, contact_id: int, agent_id: int) -> None:
        """RONA: the offer rang out; the agent is paused when the queue says so (R18)."""
        t = self._now
        contact = self._contacts[contact_id]
        offer = contact.offers[agent_id]
        self._apply([Timeout(contact_id, agent_id)], t)
        self._drop_offer(contact, agent_id, withdraw=True)
        at = self._at(t)
        out: list[Event] = [
            NotAnswered(
                at=at,
                contact_id=contact_id,
                queue_id=contact.queue_id,
                agent_id=agent_id,
                reason="no_answer",
                ring_seconds=t - offer.started,
            )
        ]
        queue = self._queues.get(contact.queue_id) if contact.queue_id is not None else None
        session = self._sessions.get(agent_id)
        personal = contact.personal_agent is not None  # a personal queue always pauses
        out.extend(self._transfer_failed(contact, t))
        if (queue is None or queue.autopause or personal) and session is not None:
            self._withdraw_offers_of(agent_id)
            if session.status == "wrap_up":
                out.append(self._end_wrap_up(session, t, early=True))
            session.status, session.reason = "paused", RONA_REASON
            out.append(
                AgentAutoPaused(at=at, agent_id=agent_id, contact_id=contact_id, reason=RONA_REASON)
            )
        self._finish(out, t)

    def _wrap_up_over(self, agent_id: int) -> None:
        session = self._sessions[agent_id]
        t = self._now
        event = self._end_wrap_up(session, t, early=False)
        session.status = "available"
        self._finish([event], t)

    def _end_wrap_up(self, session: _Session, t: float, *, early: bool) -> WrapUpEnded:
        assert session.wrap_contact is not None
        self._timers.cancel(("wrap", session.agent_id))
        event = WrapUpEnded(
            at=self._at(t), agent_id=session.agent_id, contact_id=session.wrap_contact, early=early
        )
        session.wrap_contact = None
        return event

    # Internals: contacts

    def _end_answered(
        self, contact: _Contact, by: EndedBy, cause: EndCause | None, t: float
    ) -> list[Event]:
        """An answered contact ends: its talk time logged, its agent's wrap-up begun."""
        assert contact.agent_id is not None and contact.answered_at is not None
        self._apply([EndContact(contact.id)], t)
        ended = Ended(
            at=self._at(t),
            contact_id=contact.id,
            queue_id=contact.queue_id,
            agent_id=contact.agent_id,
            by=by,
            talk_seconds=t - contact.answered_at,
            cause=cause,
        )
        return [ended, *self._after_call(contact, t)]

    def _after_call(self, contact: _Contact, t: float) -> list[Event]:
        """The agent's wrap-up after an answered contact ended, if its queue has one and
        the agent is working (not paused or logged out)."""
        assert contact.agent_id is not None
        session = self._sessions.get(contact.agent_id)
        if session is None:
            return []
        session.active.discard(contact.id)
        queue = self._queues.get(contact.queue_id) if contact.queue_id is not None else None
        wrap = 0.0 if queue is None else queue.wrap_up_s
        if session.status == "paused" or wrap <= 0:
            return []
        if session.status == "wrap_up":
            # Already wrapping up another contact: the new one's wrap-up replaces it.
            self._timers.cancel(("wrap", session.agent_id))
        session.status, session.wrap_contact = "wrap_up", contact.id
        self._timers.set(
            ("wrap", session.agent_id),
            t + wrap,
            functools.partial(self._wrap_up_over, session.agent_id),
        )
        return [
            WrapUpStarted(
                at=self._at(t), agent_id=session.agent_id, contact_id=contact.id, seconds=wrap
            )
        ]

    def _abandon(self, contact: _Contact, t: float, cause: EndCause | None = None) -> list[Event]:
        assert contact.queue_id is not None and contact.wait_started is not None
        self._timers.cancel(("transfer", contact.id))
        position = self._position(contact)
        self._apply([RemoveContact(contact.id)], t)
        for agent_id in list(contact.offers):
            self._drop_offer(contact, agent_id, withdraw=True)
        at = self._at(t)
        del self._contacts[contact.id]
        return [
            Abandoned(
                at=at,
                contact_id=contact.id,
                queue_id=contact.queue_id,
                position=position,
                wait_seconds=t - contact.wait_started,
            ),
            Ended(
                at=at, contact_id=contact.id, queue_id=contact.queue_id, by="caller", cause=cause
            ),
        ]

    def _drop_offer(self, contact: _Contact, agent_id: int, *, withdraw: bool) -> None:
        contact.offers.pop(agent_id, None)
        self._timers.cancel(("ring", contact.id, agent_id))
        offered = self._offers_of.get(agent_id)
        if offered is not None:
            offered.discard(contact.id)
        if withdraw:  # the phone is told once the events saying so are written
            self._withdrawals.append((contact.id, agent_id))

    def _withdraw_offers_of(self, agent_id: int) -> None:
        for contact_id in sorted(self._offers_of.get(agent_id, set())):
            self._drop_offer(self._contacts[contact_id], agent_id, withdraw=True)

    def _queued(self, contact: _Contact, t: float) -> Queued:
        """The contact waits in its queue now: its priority and position there."""
        assert contact.queue_id is not None
        return Queued(
            at=self._at(t),
            contact_id=contact.id,
            queue_id=contact.queue_id,
            priority=contact.priority,
            position=self._position(contact),
        )

    def _position(self, contact: _Contact) -> int:
        """The dispatcher's position, never above what the caller was told before."""
        position = self._dispatcher.position(contact.id)
        if contact.position is not None:
            position = min(position, contact.position)
        contact.position = position
        return position

    def _contact_view(self, contact: _Contact, t: float) -> ContactView:
        waiting = contact.state == "waiting"
        state: Literal["entered", "waiting", "offered", "active"] = contact.state
        if waiting and contact.offers:
            state = "offered"
        return ContactView(
            contact_id=contact.id,
            entry_point=contact.entry_point,
            caller=contact.caller,
            channel=contact.channel,
            state=state,
            queue_id=contact.queue_id,
            agent_id=contact.agent_id,
            offered_to=tuple(sorted(contact.offers)),
            offer_ids={agent: offer.offer_id for agent, offer in contact.offers.items()},
            queue_priority=contact.priority,
            position=self._position(contact) if waiting else None,
            wait_seconds=0.0 if contact.wait_started is None else t - contact.wait_started,
            estimated_wait=self._dispatcher.estimated_wait(contact.id, t) if waiting else None,
            entered_at=contact.entered_at,
            data=dict(contact.data),
            personal_agent=contact.personal_agent,
            parked_at=None if contact.parked_at is None else self._at(contact.parked_at),
        )

    def _contact(self, contact_id: int) -> _Contact:
        contact = self._contacts.get(contact_id)
        if contact is None:
            raise UnknownSubject("contact", contact_id)
        return contact

    def _waiting(self, contact_id: int) -> _Contact:
        contact = self._contact(contact_id)
        if contact.state != "waiting":
            raise InvalidAction(f"contact {contact_id} is not waiting in a queue")
        return contact

    # Internals: agents and configuration

    def _session(self, agent_id: int) -> _Session:
        session = self._sessions.get(agent_id)
        if session is None:
            self._profile(agent_id)
            raise InvalidAction(f"agent {self._name(agent_id)!r} is not logged in")
        return session

    def _end_session(self, session: _Session, t: float) -> list[Event]:
        """The agent leaves its last queue: offline, offers withdrawn, wrap-up over; the
        callers in its personal queue (parked, transferred to it) go back to their queues
        rather than wait for an agent who is gone."""
        out: list[Event] = []
        for contact in list(self._contacts.values()):
            waiting = contact.state == "waiting" and contact.queue_id in self._queues
            if contact.personal_agent == session.agent_id and waiting:
                assert contact.queue_id is not None
                out.extend(self._back_to_queue(contact, t, contact.queue_id))
        if session.status == "wrap_up":
            out.append(self._end_wrap_up(session, t, early=True))
        self._withdraw_offers_of(session.agent_id)
        if self._dispatcher_knows_agent(session.agent_id):
            self._apply(
                [
                    self._agent_event(session.agent_id, update=True, offline=True),
                    SetAgentState(session.agent_id, "offline"),
                ],
                t,
            )
        del self._sessions[session.agent_id]
        return out

    def _profile(self, agent_id: int) -> AgentProfile:
        profile = self._profiles.get(agent_id)
        if profile is None:
            raise UnknownSubject("agent", agent_id)
        return profile

    def _name(self, agent_id: int) -> str:
        profile = self._profiles.get(agent_id)
        return str(agent_id) if profile is None else profile.username

    def _queue_name(self, queue_id: int) -> str:
        queue = self._queues.get(queue_id)
        return f"queue {queue_id}" if queue is None else f"queue {queue.name!r}"

    def _known_queue(self, queue_id: int) -> QueueSettings:
        queue = self._queues.get(queue_id)
        if queue is None:
            raise UnknownSubject("queue", queue_id)
        return queue

    def _member_queues(self, agent_id: int) -> set[int]:
        profile = self._profile(agent_id)
        ids = {settings.name: queue_id for queue_id, settings in self._queues.items()}
        return {ids[m.queue] for m in profile.settings.memberships if m.queue in ids}

    def _skill_levels(self, skills: Mapping[str, int]) -> dict[int, int]:
        levels: dict[int, int] = {}
        for name, level in skills.items():
            skill_id = self._skill_ids.get(name)
            if skill_id is None:
                known = ", ".join(sorted(self._skill_ids)) or "none are configured"
                raise InvalidValue(f"no skill named {name!r}; skills: {known}")
            if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 100:
                raise InvalidValue(f"the level of {name!r} must be 0 to 100, not {level!r}")
            levels[skill_id] = level
        return levels

    def _remember(self, snapshot: ConfigSnapshot) -> None:
        self._skill_ids = {skill.name: skill.id for skill in snapshot.skills}
        self._queues = {queue.id: queue.settings for queue in snapshot.queues}
        self._profiles = {profile.user_id: profile for profile in snapshot.agents}
        self._known_agents = set(self._profiles)

    def _dispatcher_knows_agent(self, agent_id: int) -> bool:
        return agent_id in self._known_agents

    def _agent_event(
        self, agent_id: int, *, update: bool = False, offline: bool = False
    ) -> AddAgent | UpdateAgent:
        """The agent's dispatcher profile with the memberships of the queues it is logged
        in to: in the dispatcher, per-queue log-in is membership."""
        settings = self._profiles[agent_id].settings
        session = self._sessions.get(agent_id)
        logged_in = set() if session is None or offline else session.queues
        ids = {queue.name: queue_id for queue_id, queue in self._queues.items()}
        memberships = tuple(
            DispatcherMembership(queue=ids[m.queue], penalty=m.penalty, order=m.order)
            for m in settings.memberships
            if ids.get(m.queue) in logged_in
        )
        skills = {
            self._skill_ids[name]: level
            for name, level in settings.skills.items()
            if name in self._skill_ids
        }
        self._known_agents.add(agent_id)
        capacity = dict(settings.capacity)
        if session is not None and session.outbound is not None:
            capacity["voice"] = 0  # on an outbound call: offered no voice contact
        kind = UpdateAgent if update else AddAgent
        return kind(
            agent=agent_id,
            skills=skills,
            memberships=memberships,
            capacity=capacity,
            personal_weight=settings.personal_weight,
        )

    def _without_memberships(self, event: AddQueue | AddAgent) -> AddQueue | AddAgent:
        if isinstance(event, AddAgent):
            return AddAgent(
                agent=event.agent,
                skills=event.skills,
                memberships=(),
                capacity=event.capacity,
                personal_weight=event.personal_weight,
            )
        return event

    def _agent_view(self, agent_id: int) -> AgentView:
        profile = self._profile(agent_id)
        session = self._sessions.get(agent_id)
        member_of = tuple(sorted(self._member_queues(agent_id)))
        if session is None:
            # Logged in to no queue: offline, but busy while it makes an outbound call.
            outside: Literal["busy", "offline"] = (
                "busy" if agent_id in self._outbound_of else "offline"
            )
            return AgentView(
                agent_id, profile.username, outside, "", (), None, None, None, member_of
            )
        state: Literal["offline", "available", "offered", "busy", "paused", "wrap_up"]
        if session.active:
            state = "busy"
        elif session.status != "available":
            state = session.status
        elif self._offers_of.get(agent_id):
            state = "offered"
        else:
            state = "available"
        wrap_at = self._timers.pending(("wrap", agent_id))
        return AgentView(
            agent_id=agent_id,
            username=profile.username,
            state=state,
            reason=session.reason,
            queues=tuple(sorted(session.queues)),
            sip_contact=session.sip_contact,
            last_contact=session.last_contact,
            wrap_up_until=None if wrap_at is None else self._at(wrap_at),
            member_of=member_of,
        )

    # The call flow's steps before and around the queue (callflow/flow.py)

    def menu_choice(self, contact_id: int, menu: str, key: str) -> None:
        """The caller pressed ``key`` in ``menu`` (a key the menu lacks is logged too)."""
        with self._transaction():
            t = self._tick()
            self._contact(contact_id)
            self._finish([MenuChoice(at=self._at(t), contact_id=contact_id, menu=menu, key=key)], t)

    def put_through(self, contact_id: int, number: str) -> None:
        """The call flow put the caller through to the outside ``number`` by a configured
        transfer (a menu key, an overflow rule) and it answered: a :class:`Transferred`
        with no agent, so the call log can say where the call went."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if contact.state != "entered":
                raise InvalidAction(f"contact {contact_id} is {contact.state}, not in the flow")
            event = Transferred(
                at=self._at(t),
                contact_id=contact_id,
                agent_id=None,
                queue_id=None,
                to_number=number,
            )
            self._finish([event], t)

    def digits_entered(
        self, contact_id: int, collection: str, digits: str | None, *, valid: bool, attempt: int
    ) -> None:
        """The caller keyed in digits; ``digits`` as the log may keep them (masked, or
        ``None`` for a PIN)."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if valid and digits is not None:
                contact.data[collection] = digits
            event = DigitsEntered(
                at=self._at(t),
                contact_id=contact_id,
                collection=collection,
                digits=digits,
                valid=valid,
                attempt=attempt,
            )
            self._finish([event], t)

    def announced(self, contact_id: int, announcement: AnnouncementKind, prompt: str) -> None:
        """A queue announcement was played to the waiting caller."""
        with self._transaction():
            t = self._tick()
            contact = self._waiting(contact_id)
            assert contact.queue_id is not None
            event = AnnouncementPlayed(
                at=self._at(t),
                contact_id=contact_id,
                queue_id=contact.queue_id,
                announcement=announcement,
                prompt=prompt,
            )
            self._finish([event], t)

    def turned_away(self, contact_id: int, queue_id: int, rule: OverflowRule, target: str) -> None:
        """The queue's overflow rule sent the caller elsewhere before it could wait there
        (``max_length``, ``nobody_logged_in``, ``schedule``): logged as an overflow with
        no wait; the contact can go on to another step."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if contact.state != "entered":
                raise InvalidAction(f"contact {contact_id} is {contact.state} already")
            self._known_queue(queue_id)
            event = Overflowed(
                at=self._at(t),
                contact_id=contact_id,
                queue_id=queue_id,
                rule=rule,
                target=target,
                wait_seconds=0.0,
            )
            self._finish([event], t)

    # The agent's call control: transfers and the personal queue (R22)

    def own_call(self, contact_id: int, agent_id: int) -> ContactView:
        """The contact, if it is the answered call of ``agent_id``; refused otherwise."""
        with self._transaction():
            t = self._tick()
            return self._contact_view(self._call_of(contact_id, agent_id), t)

    def check_transfer_target(self, agent_id: int, to_agent: int) -> AgentLeg:
        """Where ``to_agent``'s softphone rings, if it may be handed a call now."""
        with self._transaction():
            self._tick()
            return self._target(agent_id, to_agent)

    def consult_offer(
        self, contact_id: int, agent_id: int, to_agent: int
    ) -> tuple[AgentLeg, OfferToken]:
        """Where to ring ``to_agent`` for an attended transfer of ``agent_id``'s call,
        with an offer token only that agent's session verifies."""
        with self._transaction():
            self._tick()
            self._call_of(contact_id, agent_id)
            leg = self._target(agent_id, to_agent)
            offer_id = f"c{contact_id}a{to_agent}t{next(self._offer_ids)}"
            return leg, make_offer_token(self._sessions[to_agent].session_key, offer_id)

    def transfer_to_queue(
        self, contact_id: int, agent_id: int, queue_id: int, *, attended: bool = False
    ) -> int:
        """The agent hands its answered contact to a queue: the caller waits there with
        the wait it had before it was answered, the agent wraps up as after any call.
        The new position."""
        with self._transaction():
            t = self._tick()
            contact = self._call_of(contact_id, agent_id)
            self._known_queue(queue_id)
            event = Transferred(
                at=self._at(t),
                contact_id=contact_id,
                agent_id=agent_id,
                queue_id=contact.queue_id,
                to_queue_id=queue_id,
                attended=attended,
            )
            out: list[Event] = [event, *self._release(contact, t, queue_id)]
            queued = self._queued(contact, t)
            self._finish([*out, queued], t)
            return queued.position

    def transfer_to_agent(
        self, contact_id: int, agent_id: int, to_agent: int, *, attended: bool = False
    ) -> None:
        """The agent hands its answered contact to another agent: the caller waits in
        that agent's personal queue and is offered to it as usual. A blind transfer that
        agent declines, lets ring out or cannot take within its ring time goes back to
        the queue it came from. ``attended``: the two agents have spoken already (the
        target's softphone is connected to the caller)."""
        with self._transaction():
            t = self._tick()
            contact = self._call_of(contact_id, agent_id)
            self._target(agent_id, to_agent)
            old = contact.queue_id
            event = Transferred(
                at=self._at(t),
                contact_id=contact_id,
                agent_id=agent_id,
                queue_id=old,
                to_agent_id=to_agent,
                attended=attended,
            )
            out: list[Event] = [event, *self._release(contact, t, old, personal=to_agent)]
            if not attended and old is not None:
                contact.return_queue = old
                ring = self._queues[old].ring_timeout_s if old in self._queues else 0.0
                self._timers.set(
                    ("transfer", contact_id),
                    t + (ring or TRANSFER_TAKEN_S),
                    functools.partial(self._transfer_expired, contact_id),
                )
            self._finish(out, t)

    def transferred_out(
        self, contact_id: int, agent_id: int, number: str, *, attended: bool
    ) -> None:
        """The agent handed its answered contact to an outside number: the agent's part
        ends (wrap-up), and so does the contact for the centre — the caller talks on
        with the outside party through the media worker."""
        with self._transaction():
            t = self._tick()
            contact = self._call_of(contact_id, agent_id)
            event = Transferred(
                at=self._at(t),
                contact_id=contact_id,
                agent_id=agent_id,
                queue_id=contact.queue_id,
                to_number=number,
                attended=attended,
            )
            out = [event, *self._end_answered(contact, "agent", "transferred", t)]
            del self._contacts[contact_id]
            self._finish(out, t)

    # Outbound calls from the agent's softphone (callflow/outbound.py)

    def outbound_started(self, agent_id: int, number: str) -> int:
        """The agent calls the outside ``number``; the new contact's id. It is busy until
        :meth:`ended` (logged in to no queue too, then offline again); logged in to a queue,
        it is offered no voice contact meanwhile, and one that logs in meanwhile is busy
        from its log-in. Refused while it talks with or is offered a
        caller, or makes another outbound call; raises ``UnknownSubject`` for a user
        without an agent profile."""
        with self._transaction():
            t = self._tick()
            self._profile(agent_id)
            session = self._sessions.get(agent_id)
            if agent_id in self._outbound_of or (session is not None and session.active):
                raise InvalidAction(f"agent {self._name(agent_id)!r} is on a call already")
            if self._offers_of.get(agent_id):
                raise InvalidAction(f"agent {self._name(agent_id)!r} is being offered a call")
            contact_id = self._next_contact
            self._next_contact += 1
            at = self._at(t)
            contact = _Contact(contact_id, number, self._name(agent_id), "voice", at)
            contact.state, contact.agent_id = "active", agent_id
            contact.outbound_agent = agent_id
            self._contacts[contact_id] = contact
            self._outbound_of[agent_id] = contact_id
            if session is not None:
                session.active.add(contact_id)
                session.outbound = contact_id
                self._apply([self._agent_event(agent_id, update=True)], t)
            out: list[Event] = [
                ContactEntered(
                    at=at,
                    contact_id=contact_id,
                    entry_point=number,
                    channel="voice",
                    caller=self._name(agent_id),
                ),
                OutboundCall(at=at, contact_id=contact_id, agent_id=agent_id, number=number),
            ]
            self._finish(out, t)
            return contact_id

    def outbound_answered(self, contact_id: int) -> None:
        """The outside number answered the agent's outbound call."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            agent_id = contact.outbound_agent
            if agent_id is None or contact.answered_at is not None:
                raise InvalidAction(f"contact {contact_id} is no unanswered outbound call")
            contact.answered_at = t
            ring = (self._at(t) - contact.entered_at).total_seconds()
            event = OutboundAnswered(
                at=self._at(t), contact_id=contact_id, agent_id=agent_id, ring_seconds=max(ring, 0)
            )
            self._finish([event], t)

    def _outbound_over(
        self, contact: _Contact, by: EndedBy, cause: EndCause | None, t: float
    ) -> list[Event]:
        agent_id = contact.outbound_agent
        assert agent_id is not None
        talk = 0.0 if contact.answered_at is None else t - contact.answered_at
        if self._outbound_of.get(agent_id) == contact.id:
            del self._outbound_of[agent_id]
        session = self._sessions.get(agent_id)
        if session is not None and session.outbound == contact.id:
            session.outbound = None
            session.active.discard(contact.id)
            session.last_contact = contact.id
            self._apply([self._agent_event(agent_id, update=True)], t)
        return [
            Ended(
                at=self._at(t),
                contact_id=contact.id,
                agent_id=agent_id,
                by=by,
                talk_seconds=talk,
                cause=cause,
            )
        ]

    def park(self, contact_id: int, agent_id: int) -> ContactView:
        """The agent parks its answered contact in its own personal queue (R22): the
        caller keeps its wait and is offered to this agent again when it is free, by the
        agent's personal-queue weight against its service queues."""
        with self._transaction():
            t = self._tick()
            contact = self._call_of(contact_id, agent_id)
            event = Parked(
                at=self._at(t), contact_id=contact_id, agent_id=agent_id, queue_id=contact.queue_id
            )
            out: list[Event] = [
                event,
                *self._release(contact, t, contact.queue_id, personal=agent_id),
            ]
            contact.parked_at = t
            view = self._contact_view(contact, t)
            self._finish(out, t)
            return view

    def parked(self, agent_id: int) -> list[ContactView]:
        """The contacts parked in the agent's personal queue, longest parked first."""
        with self._transaction():
            t = self._tick()
            self._profile(agent_id)
            mine = [
                contact
                for contact in self._contacts.values()
                if contact.personal_agent == agent_id and contact.parked_at is not None
            ]
            mine.sort(key=lambda contact: (contact.parked_at or 0.0, contact.id))
            return [self._contact_view(contact, t) for contact in mine]

    def take_parked(self, contact_id: int, agent_id: int) -> ContactView:
        """The agent takes a parked contact back: it goes first in the personal queue and
        a wrap-up or pause ends, so it is offered to the agent now (if no service queue
        outweighs the personal queue, R22); refused while the agent is in a call."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if contact.personal_agent != agent_id or contact.parked_at is None:
                raise InvalidAction(
                    f"contact {contact_id} is not parked with agent {self._name(agent_id)!r}"
                )
            session = self._session(agent_id)
            if session.active:
                raise InvalidAction(
                    f"agent {self._name(agent_id)!r} is in a call: end it before taking "
                    "a parked one"
                )
            out: list[Event] = []
            if not contact.offers:
                top = max(
                    (
                        other.priority
                        for other in self._contacts.values()
                        if other.personal_agent == agent_id and other.state == "waiting"
                    ),
                    default=contact.priority,
                )
                if top >= contact.priority and len(self._parked_ids(agent_id)) > 1:
                    contact.priority = top + 1
                    self._apply([SetPriority(contact_id, contact.priority)], t)
            if session.status == "wrap_up":
                out.append(self._end_wrap_up(session, t, early=True))
            elif session.status == "paused":
                out.append(AgentReady(at=self._at(t), agent_id=agent_id))
            if out:
                self._apply([SetAgentState(agent_id, "available")], t)
                session.status, session.reason = "available", ""
            view = self._contact_view(contact, t)
            self._finish(out, t)
            return view

    def _parked_ids(self, agent_id: int) -> list[int]:
        return [
            c.id
            for c in self._contacts.values()
            if c.personal_agent == agent_id and c.parked_at is not None
        ]

    def _call_of(self, contact_id: int, agent_id: int) -> _Contact:
        contact = self._contact(contact_id)
        self._profile(agent_id)
        if contact.state != "active" or contact.agent_id != agent_id:
            raise InvalidAction(
                f"contact {contact_id} is not a call agent {self._name(agent_id)!r} is in"
            )
        return contact

    def _target(self, agent_id: int, to_agent: int) -> AgentLeg:
        if to_agent == agent_id:
            raise InvalidValue("an agent cannot transfer a call to itself; park it instead")
        self._profile(to_agent)
        session = self._sessions.get(to_agent)
        if session is None or session.sip_contact is None:
            raise InvalidAction(f"agent {self._name(to_agent)!r} is not logged in with a softphone")
        return AgentLeg(to_agent, session.sip_contact)

    def _release(
        self, contact: _Contact, t: float, queue_id: int | None, *, personal: int | None = None
    ) -> list[Event]:
        """The agent's part of an answered contact is over but the caller stays: the
        agent wraps up as after any call, and the contact waits again in ``queue_id`` (in
        the personal queue of ``personal`` if given) with the wait it had when answered."""
        assert contact.answered_at is not None and contact.wait_started is not None
        assert queue_id is not None
        waited = contact.answered_at - contact.wait_started
        events: list[DispatcherEvent] = [
            EndContact(contact.id),
            AddContact(
                contact.id,
                queue=queue_id,
                priority=contact.priority,
                channel=contact.channel,
                requirements=contact.requirements,
                waited_s=waited,
            ),
        ]
        if personal is not None:
            events.append(MoveContact(contact.id, agent=personal))
        self._apply(events, t)
        out = self._after_call(contact, t)
        contact.state, contact.agent_id, contact.answered_at = "waiting", None, None
        contact.queue_id, contact.position = queue_id, None
        contact.personal_agent = personal
        contact.wait_started = t - waited
        return out

    def _transfer_failed(self, contact: _Contact, t: float) -> list[Event]:
        """A blind transfer to an agent was not taken: back to the queue it came from."""
        queue_id = contact.return_queue
        if queue_id is None or contact.state != "waiting" or queue_id not in self._queues:
            return []
        return self._back_to_queue(contact, t, queue_id)

    def _back_to_queue(self, contact: _Contact, t: float, queue_id: int) -> list[Event]:
        """A contact in a personal queue goes back to ``queue_id``, keeping its wait."""
        self._timers.cancel(("transfer", contact.id))
        for agent_id in list(contact.offers):
            self._drop_offer(contact, agent_id, withdraw=True)
        self._apply([MoveContact(contact.id, queue=queue_id)], t)
        contact.personal_agent = contact.return_queue = contact.parked_at = None
        contact.queue_id, contact.position = queue_id, None
        return [self._queued(contact, t)]

    def _transfer_expired(self, contact_id: int) -> None:
        contact = self._contacts.get(contact_id)
        if contact is None or contact.offers:
            return  # answered or gone; a ringing offer rings out on its own
        t = self._now
        self._finish(self._transfer_failed(contact, t), t)


def _as_update(event: AddQueue) -> UpdateQueue:
    return UpdateQueue(
        queue=event.queue,
        strategy=event.strategy,
        weight=event.weight,
        requirements=event.requirements,
        max_penalty=event.max_penalty,
        expansion=event.expansion,
        exclusion_s=event.exclusion_s,
        autopause=event.autopause,
        wrap_up_s=event.wrap_up_s,
    )
