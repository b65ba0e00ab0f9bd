"""The running centre's kernel: its state, its time line and its write-ahead
transactions, which every feature of ``ContactCentre`` builds on.

``CentreKernel`` holds the dispatcher, the contacts and agents' sessions, the timers, the
journal, the lock and the notifier; it runs each public method of a feature as one
transaction (``_transaction``) whose changes are kept only once ``_finish`` has written
their events; and it has the helpers more than one feature needs (lookups, views, offers
withdrawn, a contact's end and wrap-up, a contact's way back to its queue). Start,
reload and the timers are its own: they touch every feature's state."""

import asyncio
import contextlib
import functools
import itertools
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Literal

from vaxla_protocol.agent import AgentStateName
from vaxla_protocol.offers import OfferToken, make_offer_token
from vaxla_server.centre.delivery import (
    OFFERS,
    AgentLeg,
    Delivery,
    Offer,
    OfferedContact,
    Withdrawal,
    follow_offers,
)
from vaxla_server.centre.engine import (
    RONA_REASON,
    AddAgent,
    AddContact,
    AddQueue,
    Dispatcher,
    DispatcherError,
    DispatcherEvent,
    DispatcherMembership,
    EndContact,
    MoveContact,
    RemoveAgent,
    RemoveQueue,
    SetAgentState,
    SetPriority,
    Timeout,
    UpdateAgent,
    UpdateQueue,
    dispatcher_events,
)
from vaxla_server.centre.errors import EventLogUnavailable, InvalidAction, UnknownSubject
from vaxla_server.centre.journal import Journal, Journaled, recording
from vaxla_server.centre.recovery import LeftOpen, OpenContact, left_open
from vaxla_server.centre.state import (
    AgentView,
    CallView,
    ConfigSource,
    ContactView,
    EndedBy,
    Listener,
    PresenceView,
    StormView,
    WallClock,
    _Alarm,
    _Callback,
    _Contact,
    _Offer,
    _Session,
    _Standby,
)
from vaxla_server.centre.timers import Timers
from vaxla_server.config import (
    CONFIG_CHANGED,
    AgentProfile,
    ConfigSnapshot,
    Configuration,
    QueueNotEmpty,
    QueueSettings,
)
from vaxla_server.notifier import Notifier, Topic
from vaxla_server.store import EventLog, Heartbeat
from vaxla_server.store.events import (
    AgentAutoPaused,
    AgentLoggedOut,
    CallbackNoAnswer,
    CallbackRetried,
    EndCause,
    Ended,
    Event,
    NotAnswered,
    Offered,
    PresenceEnded,
    PriorityChanged,
    Queued,
    TransferReturned,
    WrapUpEnded,
    WrapUpStarted,
)

logger = logging.getLogger(__name__)

CENTRE_EVENTS: Topic[Sequence[Event]] = Topic("the centre's events")
"""Every batch of events the centre logged, published once it is written (in order,
under the centre's lock)."""
TIMER_POLL_S = 0.2
ALIVE_EVERY_S = 5.0
"""How often the timer task notes in the store that the server runs (a crash's calls
are closed at the last such moment)."""
"""How long the timer task sleeps at most, so a timer set meanwhile is seen soon."""


class CentreKernel(Journaled):
    """The state, time line and transactions of the running centre.

    Every public method (here and in the features deriving from it) runs inside
    ``with self._transaction():``; ``_finish`` assigns offers, appends the events to the
    log, and only then commits the journal and publishes ``OFFERS`` and
    ``CENTRE_EVENTS`` on ``self.notifier``."""

    def __init__(
        self,
        *,
        log: EventLog,
        config: ConfigSource,
        clock: WallClock,
        delivery: Delivery | None = None,
        dispatcher: Dispatcher | None = None,
        notifier: Notifier | None = None,
        heartbeat: Heartbeat | None = None,
    ) -> None:
        self.notifier = notifier or Notifier()
        self._heartbeat = heartbeat
        """Where the timer task notes that the server runs (``None``: nowhere)."""
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
        self._state_since: dict[int, tuple[AgentStateName, float]] = {}
        """Agent id → its state as last logged and since when (centre seconds): noted
        after each logged batch, for the agents the batch names or whose offers it took
        back; not journaled, as it is only written once the batch is kept."""
        self._storms: dict[str, StormView] = {}
        """Entry point → its storm message, while one is switched on."""
        self._presences: dict[str, PresenceView] = {}
        """User name → its presence (hänvisning), while one is set (``directory/centre.py``)."""
        self._standby: dict[int, _Standby] = {}
        """Stand-by agents standing by (``agents/centre.py``)."""
        self._calm_since: dict[int, float] = {}
        """Queue id → since when its stand-by thresholds have not been reached, while
        stand-by agents are logged in to it by the system."""
        self._alarms: dict[str, _Alarm] = {}
        """Raised alarms by rule name (``alarms/centre.py``)."""
        self._alarm_quiet_until: dict[str, float] = {}
        """Rule name → until when it raises no new alarm (its quiet period)."""
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
            self._storms = {
                started.entry_point: StormView(
                    started.entry_point,
                    started.audio,
                    started.text,
                    started.prompt,
                    started.at,
                    started.by_user,
                )
                for started in found.storms.values()
            }
            for set_ in found.presences.values():
                presence = PresenceView(set_.username, set_.reason, set_.until, set_.note,
                                        set_.at, set_.by_name)  # fmt: skip
                self._presences[set_.username] = presence
                if presence.until is not None:  # due ones end at the first tick
                    due = max(self._now, self._seconds_at(presence.until))
                    self._timers.set(
                        ("presence", set_.username),
                        due,
                        functools.partial(self._presence_expired, set_.username),
                    )
            for raised, seen in found.alarms.values():
                # Still raised: kept as it was (no second raise, no second mail); the
                # watch clears it if its figure is back, or its rule changed meanwhile.
                alarm = _Alarm(
                    raised.rule,
                    raised.queue_id,
                    self._seconds_at(raised.at),
                    raised.value,
                    raised.metric,
                    raised.comparison,
                    raised.threshold,
                    raised.severity,
                )
                if seen is not None:
                    alarm.acknowledged_by = seen.by_user
                    alarm.acknowledged_at = self._seconds_at(seen.at)
                    alarm.acknowledged_name = seen.by_name
                self._alarms[raised.rule] = alarm
            at = self._last_alive(found.last_at)
            closing: list[Event] = []
            for contact in list(found.contacts.values()):
                if contact.callback is not None and contact.queue_id in self._queues:
                    closing.extend(self._restore_callback(contact, at))
                    del found.contacts[contact.contact_id]
            closing.extend(self._restore_voicemail_tasks(found, at))
            for contact in found.contacts.values():
                talk = 0.0
                if contact.answered_at is not None:
                    talk = max(0.0, (at - contact.answered_at).total_seconds())
                closing.append(
                    Ended(
                        at=at,
                        contact_id=contact.contact_id,
                        queue_id=contact.queue_id,
                        agent_id=contact.agent_id,
                        by="system",
                        talk_seconds=talk,
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
                    "restart: closed %d contacts and logged out %d agents left open, as of "
                    "%s (the server's last sign of life)",
                    len(found.contacts),
                    len(found.logged_in),
                    at.isoformat(timespec="seconds"),
                )
            self._log.append(closing)
            self._started = True

    def _restore_callback(self, found: OpenContact, at: datetime) -> list[Event]:
        """Put a callback the stopped server left open back in its queue's line with its
        whole wait (R17), or out of it until its retry is due. A try cut off by the
        restart reached nobody: it is made again."""
        assert found.callback is not None and found.entered is not None
        assert found.queue_id is not None
        t = self._now
        requested, entered = found.callback.requested, found.entered
        contact = _Contact(
            found.contact_id,
            entered.entry_point,
            entered.caller,
            entered.channel,
            entered.at,
            queue_id=found.queue_id,
            priority=found.priority,
            wait_started=self._seconds_at(requested.at) - requested.wait_seconds,
        )
        contact.callback = _Callback(
            number=requested.number,
            reason=requested.reason,
            order=requested.order,
            tries=requested.tries,
            retry_interval_s=requested.retry_interval_s,
            sms_text=requested.sms_text,
            attempt=found.callback.attempt,
        )
        if found.callback.scheduled:  # its time to come: it enters the line then
            contact.callback.due_priority = requested.due_priority
        elif requested.due_at is not None:  # in the line since its time: its wait from then
            contact.wait_started = self._seconds_at(requested.due_at)
        self._contacts[contact.id] = contact
        out: list[Event] = []
        # Citizen first, the agent's offer was held while the citizen's number was
        # called: a try cut off too, though the contact waited in the line meanwhile.
        agent_id = found.agent_id if found.agent_id is not None else found.callback.dialled_for
        if agent_id is not None:
            out.append(
                CallbackNoAnswer(
                    at=at,
                    contact_id=contact.id,
                    queue_id=found.queue_id,
                    agent_id=agent_id,
                    number=requested.number,
                    attempt=found.callback.attempt,
                    outcome="restart",
                )
            )
            out.append(
                CallbackRetried(
                    at=at,
                    contact_id=contact.id,
                    queue_id=found.queue_id,
                    attempt=found.callback.attempt,
                )
            )
        retry_at = found.callback.retry_at
        if retry_at is not None and found.agent_id is None and retry_at > self._at(t):
            contact.callback.due = self._seconds_at(retry_at)
            self._timers.set(
                ("callback", contact.id),
                contact.callback.due,
                functools.partial(self._retry_due, contact.id),
            )
            return out
        out_of_line = found.agent_id is not None or retry_at is not None
        if retry_at is not None:  # due while the server was down: it enters the line now
            self._scheduled_in(contact, self._seconds_at(retry_at))
        return [*out, *self._back_in_line(contact, t, log=out_of_line)]

    def _tasks_left_by(self, agent_id: int, t: float) -> list[Event]:
        """The voicemail tasks (R7) ``agent_id`` held when it went offline, back in their
        queues' lines with the wait they had when taken, so no message waits on an agent
        who is gone. ``voicemail/centre.py`` does it; a centre without that feature has
        none."""
        return []

    def _restore_voicemail_tasks(self, found: LeftOpen, at: datetime) -> list[Event]:
        """Put the voicemail tasks (R7) the stopped server left open back in their
        queues' lines, taking them out of ``found.contacts``; queue those it left
        untasked. ``voicemail/centre.py`` does it; a centre without that feature has
        none to restore."""
        return []

    def _retry_due(self, contact_id: int) -> None:
        """A callback's retry interval is over, or a scheduled callback's time has come:
        it waits in its queue's line (again)."""
        contact = self._contacts.get(contact_id)
        if contact is None or contact.callback is None or contact.state != "entered":
            return
        t = self._now
        due = contact.callback.due
        self._scheduled_in(contact, t if due is None else due)
        self._finish(self._back_in_line(contact, t), t)

    @staticmethod
    def _scheduled_in(contact: _Contact, due: float) -> None:
        """A scheduled callback enters the line as a caller arriving at ``due`` (its
        wait counted from then), with the priority it was given for then; any other
        callback keeps its wait and priority."""
        callback = contact.callback
        if callback is None or callback.due_priority is None:
            return
        contact.wait_started, contact.priority = due, callback.due_priority
        callback.due_priority = None

    def _back_in_line(self, contact: _Contact, t: float, *, log: bool = True) -> list[Event]:
        """The callback waits in its queue's line again with its whole wait, so at the
        place it had, before every caller who came after it (R17). ``log``: say so with
        a ``Queued`` (not when the log shows it waiting there already)."""
        assert contact.queue_id is not None and contact.wait_started is not None
        assert contact.callback is not None
        contact.callback.due = None
        self._apply(
            [
                AddContact(
                    contact.id,
                    queue=contact.queue_id,
                    priority=contact.priority,
                    channel=contact.channel,
                    requirements=dict(contact.requirements),
                    waited_s=max(0.0, t - contact.wait_started),
                )
            ],
            t,
        )
        contact.state, contact.position = "waiting", None
        if not log:
            self._escalate_later(contact, t)
            return []
        return [self._queued(contact, t)]

    def _last_alive(self, last_event_at: datetime | None) -> datetime:
        """When the server that stopped was last known alive: its last heartbeat
        (``mark_alive``) or its last event, whichever is later, and never after now."""
        now = self._at(self._now)
        alive = None if self._heartbeat is None else self._heartbeat.last()
        known = [t for t in (last_event_at, alive) if t is not None]
        return min(now, max(known)) if known else now

    def mark_alive(self) -> None:
        """Note in the store that the server runs now (the timer task, every
        ``ALIVE_EVERY_S``)."""
        if self._heartbeat is not None:
            self._heartbeat.mark(self._clock())

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
            for contact in self._contacts.values():
                self._escalate_later(contact, t)  # the queue's rule may be new or changed
            self._finish(out, t)

    def follow(self, config: Configuration) -> None:
        """Reload after every committed change of ``config``, and refuse deleting a queue
        that contacts wait in."""
        config.notifier.subscribe(CONFIG_CHANGED, lambda _change: self.reload())
        config.add_queue_delete_guard(self.check_queue_delete)

    def check_queue_delete(self, queue_id: int, name: str) -> None:
        """Refuse (``QueueNotEmpty``) deleting a queue that contacts wait in, callbacks
        waiting out a retry interval among them (R17)."""
        with self._transaction():
            waiting = sum(
                1
                for contact in self._contacts.values()
                if contact.queue_id == queue_id
                and (contact.state == "waiting" or contact.callback is not None)
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
        alive_noted: datetime | None = None
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
            now = self._clock()
            if alive_noted is None or (now - alive_noted).total_seconds() >= ALIVE_EVERY_S:
                alive_noted = now
                try:
                    if in_thread:
                        await asyncio.to_thread(self.mark_alive)
                    else:
                        self.mark_alive()
                except Exception as error:  # the store refusing writes is logged elsewhere
                    logger.debug("the heartbeat was not written: %s", error)
            # The lock may be held by a write: asked from the thread too.
            pending = (
                await asyncio.to_thread(self.seconds_to_next_timer)
                if in_thread
                else self.seconds_to_next_timer()
            )
            await sleep(TIMER_POLL_S if pending is None else min(pending, TIMER_POLL_S))

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every batch of events as it is logged (a subscription
        to ``CENTRE_EVENTS`` on the centre's notifier); returns the function that
        unsubscribes. Listeners run under the centre's lock: they must only hand the
        events on (to a queue, to a loop), never block."""
        return self.notifier.subscribe(CENTRE_EVENTS, listener)

    def as_logged(
        self, agent_ids: Iterable[int], contact_ids: Iterable[int] = ()
    ) -> tuple[dict[int, AgentView], dict[int, ContactView]]:
        """The views of these agents and contacts as the last logged change left them,
        without running timers (which would log changes of their own): what a
        ``CENTRE_EVENTS`` listener, called under the lock right after the change, shows
        of it. Ids the centre does not know (any more) are left out."""
        with self._transaction():
            t = self._now
            agents = {a: self._agent_view(a) for a in agent_ids if a in self._profiles}
            contacts = {
                c: self._contact_view(self._contacts[c], t)
                for c in contact_ids
                if c in self._contacts
            }
        return agents, contacts

    def wall_time(self) -> datetime:
        """The injected clock's time now."""
        return self._clock()

    @property
    def log(self) -> EventLog:
        return self._log

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

    # Internals: time

    def _seconds(self) -> float:
        return max(self._now, (self._clock() - self._epoch).total_seconds())

    def _at(self, t: float) -> datetime:
        return self._epoch + timedelta(seconds=t)

    def _seconds_at(self, at: datetime) -> float:
        """``at`` on the centre's seconds line (before its start: negative)."""
        return (at - self._epoch).total_seconds()

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
        touched = {agent for _, agent in self._withdrawals}
        touched.update(a for e in out if isinstance(a := getattr(e, "agent_id", None), int))
        self._note_states(touched, t)
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
            if contact.come_back_at is not None and contact.personal_agent == offer.agent:
                ring = max(contact.come_back_at - t, 1.0)  # rings until it comes back
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
            callback = contact.callback
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
                        callback_number=None if callback is None else callback.number,
                        callback_order=None if callback is None else callback.order,
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
            out.extend(self._withdraw_offers_of(agent_id, t))
            if session.status == "wrap_up":
                out.append(self._end_wrap_up(session, t, early=True))
            session.status, session.reason = "paused", RONA_REASON
            out.append(
                AgentAutoPaused(at=at, agent_id=agent_id, contact_id=contact_id, reason=RONA_REASON)
            )
        self._finish(out, t)

    def _presence_expired(self, username: str) -> None:
        """A presence's return time came (``directory/centre.py`` sets the same timer)."""
        t = self._now
        if self._presences.pop(username, None) is None:
            return
        self._finish([PresenceEnded(at=self._at(t), username=username, expired=True)], t)

    def _wrap_up_over(self, agent_id: int) -> None:
        session = self._sessions[agent_id]
        t = self._now
        event = self._end_wrap_up(session, t, early=False)
        session.status = "available"
        self._finish([event], t)

    def _end_wrap_up(
        self, session: _Session, t: float, *, early: bool, by_user: int | None = None
    ) -> WrapUpEnded:
        assert session.wrap_contact is not None
        self._timers.cancel(("wrap", session.agent_id))
        event = WrapUpEnded(
            at=self._at(t),
            agent_id=session.agent_id,
            contact_id=session.wrap_contact,
            early=early,
            by_user=by_user,
        )
        session.wrap_contact = None
        return event

    # Internals: contacts (shared by the features)

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

    def _transfer_failed(self, contact: _Contact, t: float) -> list[Event]:
        """A blind transfer to an agent was not taken: back to the receptionist who
        connected it (R29) if it said so and is still logged in, else to the queue it
        came from."""
        if contact.state == "waiting" and contact.come_back_to in self._sessions:
            return self._come_back(contact, t)
        queue_id = contact.return_queue
        if queue_id is None or contact.state != "waiting" or queue_id not in self._queues:
            return []
        return self._back_to_queue(contact, t, queue_id)

    def _come_back(self, contact: _Contact, t: float) -> list[Event]:
        """The caller comes back to the one who connected it: held in its personal queue
        (as if parked there) and offered to it again when it is free."""
        agent_id, target = contact.come_back_to, contact.personal_agent
        assert agent_id is not None and target is not None
        self._timers.cancel(("transfer", contact.id))
        for offered in list(contact.offers):
            self._drop_offer(contact, offered, withdraw=True)
        self._apply([MoveContact(contact.id, agent=agent_id)], t)
        event = TransferReturned(
            at=self._at(t),
            contact_id=contact.id,
            agent_id=agent_id,
            to_agent_id=target,
            queue_id=contact.queue_id,
            after_seconds=t - contact.come_back_since,
        )
        contact.personal_agent, contact.parked_at, contact.came_back_from = agent_id, t, target
        contact.come_back_to = contact.come_back_at = contact.return_queue = None
        return [event]

    def _transfer_expired(self, contact_id: int) -> None:
        """A caller handed to an agent's personal queue with a way back (a blind transfer,
        a supervisor's offer) was not taken in time: back to its queue."""
        contact = self._contacts.get(contact_id)
        if contact is None or contact.offers:
            return  # answered or gone; a ringing offer rings out on its own
        t = self._now
        self._finish(self._transfer_failed(contact, t), t)

    def _back_to_queue(self, contact: _Contact, t: float, queue_id: int) -> list[Event]:
        """A contact in a personal queue goes back to ``queue_id``, keeping its wait."""
        self._timers.cancel(("transfer", contact.id))
        for agent_id in list(contact.offers):
            self._drop_offer(contact, agent_id, withdraw=True)
        if contact.held:
            self._redispatch(contact, t, queue_id)
        else:
            self._apply([MoveContact(contact.id, queue=queue_id)], t)
        contact.personal_agent = contact.return_queue = contact.parked_at = None
        contact.come_back_to = contact.come_back_at = contact.came_back_from = None
        contact.queue_id, contact.position = queue_id, None
        return [self._queued(contact, t)]

    def _redispatch(
        self,
        contact: _Contact,
        t: float,
        queue_id: int,
        *,
        personal: int | None = None,
        waited_s: float | None = None,
        first: Sequence[DispatcherEvent] = (),
    ) -> None:
        """The caller goes (back) into the dispatcher after ``first``: in ``queue_id``
        (in the personal queue of ``personal`` if given), with ``waited_s`` (by default
        the wait it has now) — a caller on hold taken back, or one its agent let go."""
        assert contact.wait_started is not None
        events: list[DispatcherEvent] = [
            *first,
            AddContact(
                contact.id,
                queue=queue_id,
                priority=contact.priority,
                channel=contact.channel,
                requirements=contact.requirements,
                waited_s=t - contact.wait_started if waited_s is None else waited_s,
            ),
        ]
        if personal is not None:
            events.append(MoveContact(contact.id, agent=personal))
        self._apply(events, t)
        contact.held = False

    def _drop_offer(self, contact: _Contact, agent_id: int, *, withdraw: bool) -> None:
        contact.offers.pop(agent_id, None)
        callback = contact.callback
        if callback is not None and callback.dialled_for == agent_id:
            # Citizen first: the offer held for the citizen's call is gone (answered,
            # rung out, declined or withdrawn): the next offer makes a try of its own.
            callback.dialled, callback.dialled_for, callback.citizen_on_line = False, None, False
        self._timers.cancel(("ring", contact.id, agent_id))
        offered = self._offers_of.get(agent_id)
        if offered is not None:
            offered.discard(contact.id)
        if withdraw:  # the phone is told once the events saying so are written
            self._withdrawals.append((contact.id, agent_id))

    def _withdraw_offers_of(self, agent_id: int, t: float) -> list[Event]:
        """The agent's offers withdrawn (it paused, logged out or was auto-paused), each
        logged as not answered (``withdrawn``), so an offer in the log always ends."""
        out: list[Event] = []
        for contact_id in sorted(self._offers_of.get(agent_id, set())):
            contact = self._contacts[contact_id]
            offer = contact.offers.get(agent_id)
            callback = contact.callback
            held = (
                callback is not None
                and callback.dialled_for == agent_id
                and not callback.citizen_on_line
            )  # citizen first: the agent's phone has not rung yet
            self._drop_offer(contact, agent_id, withdraw=True)
            if offer is None:
                continue
            out.append(
                NotAnswered(
                    at=self._at(t),
                    contact_id=contact_id,
                    queue_id=contact.queue_id,
                    agent_id=agent_id,
                    reason="withdrawn",
                    ring_seconds=0.0 if held else max(0.0, t - offer.started),
                )
            )
        return out

    def _queued(self, contact: _Contact, t: float) -> Queued:
        """The contact waits in its queue now: its priority and position there."""
        assert contact.queue_id is not None
        self._escalate_later(contact, t)
        return Queued(
            at=self._at(t),
            contact_id=contact.id,
            queue_id=contact.queue_id,
            priority=contact.priority,
            position=self._position(contact),
        )

    # Internals: escalation (R16)

    def _escalate_later(self, contact: _Contact, t: float) -> None:
        """Set the timer of the next rise of the contact's priority by its queue's
        escalation rule: when its accumulated wait reaches ``after_s`` (at once if it
        has), then every ``every_s`` after the last rise. None for a contact not
        waiting in a queue's line, or whose queue has no rule (left), or at the top."""
        key = ("escalate", contact.id)
        queue = self._queues.get(contact.queue_id) if contact.queue_id is not None else None
        rule = None if queue is None else queue.escalation
        if (
            rule is None
            or contact.state != "waiting"
            or contact.personal_agent is not None
            or contact.wait_started is None
            or contact.priority >= rule.max_priority
        ):
            self._timers.cancel(key)
            return
        if contact.escalated_at is None:
            at = contact.wait_started + rule.after_s
        elif rule.every_s is not None:
            at = contact.escalated_at + rule.every_s
        else:
            self._timers.cancel(key)  # raised once already by a rule that does it once
            return
        self._timers.set(key, max(t, at), functools.partial(self._escalate, contact.id))

    def _escalate(self, contact_id: int) -> None:
        """The escalation timer: the contact's priority rises by its queue's rule."""
        t = self._now
        contact = self._contacts.get(contact_id)
        queue = None if contact is None else self._queues.get(contact.queue_id or -1)
        if contact is None or queue is None:
            return
        rule = queue.escalation
        waiting = contact.state == "waiting" and contact.personal_agent is None
        if rule is None or not waiting or contact.priority >= rule.max_priority:
            return
        event = self._set_priority(
            contact, min(rule.max_priority, contact.priority + rule.raise_by), t
        )
        contact.escalated_at = t
        self._escalate_later(contact, t)
        self._finish([event], t)

    def _set_priority(
        self, contact: _Contact, priority: int, t: float, *, by_user: int | None = None
    ) -> PriorityChanged:
        """The waiting contact's priority is ``priority`` now; the event saying so."""
        assert contact.queue_id is not None
        self._apply([SetPriority(contact.id, priority)], t)
        before, contact.priority, contact.position = contact.priority, priority, None
        return PriorityChanged(
            at=self._at(t),
            contact_id=contact.id,
            queue_id=contact.queue_id,
            from_priority=before,
            priority=priority,
            by_user=by_user,
        )

    def _position(self, contact: _Contact) -> int:
        """The dispatcher's position, never above what the caller was told before (a
        caller on hold is not in the dispatcher: the last position it had)."""
        if contact.held:
            return contact.position or 1
        position = self._dispatcher.position(contact.id)
        if contact.position is not None:
            position = min(position, contact.position)
        contact.position = position
        return position

    def _contact_view(self, contact: _Contact, t: float) -> ContactView:
        waiting = contact.state == "waiting"
        dispatched = waiting and not contact.held
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
            position=self._position(contact) if dispatched else None,
            wait_seconds=0.0 if contact.wait_started is None else t - contact.wait_started,
            estimated_wait=self._dispatcher.estimated_wait(contact.id, t) if dispatched else None,
            entered_at=contact.entered_at,
            data=dict(contact.data),
            personal_agent=contact.personal_agent,
            parked_at=None if contact.parked_at is None else self._at(contact.parked_at),
            callback_number=None if contact.callback is None else contact.callback.number,
            callback_reason=None if contact.callback is None else contact.callback.reason,
            callback_due=None
            if contact.callback is None or contact.callback.due is None
            else self._at(contact.callback.due),
            held=contact.held,
            came_back_from=contact.came_back_from,
            voicemail=contact.voicemail,
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
        out.extend(self._tasks_left_by(session.agent_id, t))
        if session.status == "wrap_up":
            out.append(self._end_wrap_up(session, t, early=True))
        out.extend(self._withdraw_offers_of(session.agent_id, t))
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
        state = self._state_name(agent_id)
        noted = self._state_since.get(agent_id)
        since = self._at(noted[1]) if noted is not None and noted[0] == state else None
        call = self._call_view(agent_id, state)
        standing_by = agent_id in self._standby
        if session is None:
            return AgentView(
                agent_id,
                profile.username,
                state,
                "",
                (),
                None,
                None,
                None,
                member_of,
                since,
                call,
                profile.settings.standby,
                standing_by,
            )
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
            state_since=since,
            call=call,
            standby=profile.settings.standby,
            standing_by=standing_by,
        )

    def _state_name(self, agent_id: int) -> AgentStateName:
        session = self._sessions.get(agent_id)
        if session is None:
            # Logged in to no queue: offline, but busy while it makes an outbound call.
            return "busy" if agent_id in self._outbound_of else "offline"
        if session.active:
            return "busy"
        if session.status != "available":
            return session.status
        return "offered" if self._offers_of.get(agent_id) else "available"

    def _call_view(self, agent_id: int, state: AgentStateName) -> CallView | None:
        """The contact the agent talks with (busy) or is offered, if any."""
        session = self._sessions.get(agent_id)
        if state == "busy":
            active = sorted(session.active) if session is not None else []
            contact_id = active[0] if active else self._outbound_of.get(agent_id)
        elif state == "offered":
            contact_id = min(self._offers_of.get(agent_id) or {-1})
        else:
            return None
        contact = self._contacts.get(contact_id) if contact_id is not None else None
        if contact is None:
            return None
        if contact.answered_at is not None:
            began = contact.answered_at
        elif (offer := contact.offers.get(agent_id)) is not None:
            began = offer.started
        else:
            began = self._now
        return CallView(
            contact_id=contact.id,
            queue_id=contact.queue_id,
            outbound=contact.outbound_agent == agent_id,
            since=self._at(began),
        )

    def _note_states(self, agent_ids: Iterable[int], t: float) -> None:
        for agent_id in agent_ids:
            if agent_id in self._profiles:
                state = self._state_name(agent_id)
                noted = self._state_since.get(agent_id)
                if noted is None or noted[0] != state:
                    self._state_since[agent_id] = (state, t)


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
