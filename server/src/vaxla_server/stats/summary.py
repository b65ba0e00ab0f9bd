"""Incremental summaries of the event log: what the reports read instead of the log.

Every event is folded once, as it is read after the last one folded (``Summaries.
catch_up``), into 15-minute buckets (UTC-aligned; Stockholm's offsets are whole hours,
so every site-time quarter, half hour, hour and day starts on a bucket's edge):

* per queue and bucket: offered, answered (with each answered wait, so the service level
  follows the queue's goal as it is when the report is read), abandoned (with each wait,
  for "within the goal" and "within 5 s"), overflowed, callbacks asked for, voicemail
  tasks (R7: queued and handled, counted apart from the calls), the sum,
  count and longest of the waits, the contacts handled and their talk and wrap-up time,
  the classifications of the contacts answered there, and staffing: agent-seconds
  logged in to the queue, ready in it and busy in it;
* per agent and bucket: answered, talk, wrap-up, logged-in and ready time and pause per
  reason;
* the call log's records (``calls.fold_call``), for ``GET /calls`` and its filters;
* the scheduled reports (their saves and deletions) and the last period each mailed.

Durations (logged in, paused, wrapping up, staffing) are split over the buckets they
cross when they close; what is still open is clipped at read time. A report over
bucket-aligned intervals is then a sum over buckets, not a read of the log: it gives the
figures of ``figures.queue_intervals`` and ``figures.agent_figures`` (the test
``test_summary_against_the_log`` compares them on a generated log).
"""

import dataclasses
import itertools
import logging
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any, TypeVar

from pydantic import TypeAdapter
from sqlalchemy.exc import SQLAlchemyError

from vaxla_server.clock import WallClock, system_time
from vaxla_server.stats.calls import CallFilter, CallRecord, fold_call, select_calls
from vaxla_server.stats.days import site_midnight
from vaxla_server.stats.figures import AgentFigures, QueueFigures
from vaxla_server.stats.reading import events_after
from vaxla_server.stats.snapshot import Saved, SummarySnapshots
from vaxla_server.store import EventLog
from vaxla_server.store.events import (
    Abandoned,
    AgentAutoPaused,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    Answered,
    CallbackRequested,
    Classified,
    Ended,
    Event,
    Moved,
    Overflowed,
    Queued,
    ReportMailed,
    ReportScheduleDeleted,
    ReportScheduleSaved,
    VoicemailTaskQueued,
    WrapUpEnded,
    WrapUpStarted,
)

log = logging.getLogger(__name__)

BUCKET = timedelta(minutes=15)
_EPSILON = timedelta(microseconds=1)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
SHORT_ABANDON_S = 5.0
"""Callers who hung up within this many seconds are counted apart ("abandoned within 5 s")."""
SNAPSHOT_VERSION = 2
"""The format of the saved summaries (``snapshot.py``): bump it with any change of what a
bucket, a contact or the open state holds, or of the rules that fold them."""
SAVE_EVERY_EVENTS = 20_000
SAVE_EVERY = timedelta(minutes=1)
Offload = Callable[[Callable[[], int]], Awaitable[int]]
"""Runs blocking work off the event loop (``asyncio.to_thread``)."""


def bucket_of(at: datetime) -> int:
    return (at - _EPOCH) // BUCKET


def bucket_start(index: int) -> datetime:
    return _EPOCH + index * BUCKET


def edge_after(moment: datetime) -> datetime:
    """The first bucket edge after ``moment`` (the end of the bucket holding it)."""
    return bucket_start(bucket_of(moment) + 1)


def aligned(moment: datetime) -> bool:
    """Whether ``moment`` lies on a bucket's edge."""
    return (moment - _EPOCH) % BUCKET == timedelta(0)


@dataclass(slots=True)
class QueueBucket:
    offered: int = 0
    answered_waits: list[float] = field(default_factory=list)
    abandoned_waits: list[float] = field(default_factory=list)
    overflowed: int = 0
    callbacks: int = 0
    voicemail_tasks: int = 0
    voicemail_handled: int = 0
    wait_sum: float = 0.0
    wait_count: int = 0
    wait_max: float = 0.0
    handled: int = 0
    talk_s: float = 0.0
    wraps: list[tuple[int, int, float]] = field(default_factory=list)
    """Wrap-ups that began in this bucket after a contact handled in the queue: the
    earliest and latest bucket of its three events (ended, wrap-up began and ended) and
    its seconds; it counts (in this bucket's interval) in a report whose period holds
    all three."""
    classified: Counter[str] = field(default_factory=Counter)
    logged_in_s: float = 0.0
    ready_s: float = 0.0
    busy_s: float = 0.0

    def left(self, wait: float) -> None:
        self.wait_sum += wait
        self.wait_count += 1
        self.wait_max = max(self.wait_max, wait)


@dataclass(slots=True)
class AgentBucket:
    answered: int = 0
    talk_s: float = 0.0
    wrap_up_s: float = 0.0
    logged_in_s: float = 0.0
    ready_s: float = 0.0
    pause_s: dict[str, float] = field(default_factory=dict)


@dataclass
class AgentPeriod(AgentFigures):
    """``AgentFigures`` and the time the agent was ready (logged in, not paused, not
    talking, not wrapping up)."""

    ready_s: float = 0.0

    @property
    def average_talk_s(self) -> float | None:
        return self.talk_s / self.answered if self.answered else None


@dataclass(slots=True)
class _Agent:
    """An agent's state as folded so far."""

    first_seen: int | None = None
    queues: set[int] = field(default_factory=set)
    login_since: datetime | None = None
    paused: tuple[str, datetime] | None = None
    wrapping: datetime | None = None
    talking: int = 0
    since: datetime | None = None
    """When the current staffing segment began (its state: queues, paused, talking)."""
    tasks: set[int] = field(default_factory=set)
    """The voicemail tasks (contact ids) the agent holds: one it leaves is queued again
    (it logged out holding it), which ends its part as an ``ended`` would."""


@dataclass
class QueueInterval(QueueFigures):
    """``QueueFigures`` and the figures only the reports give."""

    abandoned_within_5s: int = 0
    callbacks: int = 0
    voicemail_tasks: int = 0
    """Messages routed to the queue's agents as voicemail tasks (R7), counted apart:
    a task is neither offered, answered nor handled among the calls."""
    voicemail_handled: int = 0
    """Of the voicemail tasks: those that ended handled (by an agent or a reader)."""
    talk_s: float = 0.0
    wrap_up_s: float = 0.0
    staffed_logged_in_s: float = 0.0
    staffed_ready_s: float = 0.0
    staffed_busy_s: float = 0.0
    classified: Counter[str] = field(default_factory=Counter)
    _wait_sum: float = field(default=0.0, repr=False)
    _wait_count: int = field(default=0, repr=False)
    _answer_sum: float = field(default=0.0, repr=False)

    @property
    def average_wait_s(self) -> float | None:
        return self._wait_sum / self._wait_count if self._wait_count else None

    @property
    def average_speed_of_answer_s(self) -> float | None:
        return self._answer_sum / self.answered if self.answered else None

    @property
    def average_talk_s(self) -> float | None:
        return self.talk_s / self.handled if self.handled else None

    @property
    def average_wrap_up_s(self) -> float | None:
        return self.wrap_up_s / self.handled if self.handled else None

    def staffing(self) -> tuple[float, float, float]:
        """Agents logged in to, ready in and busy in the queue, on average over the
        interval (agent-seconds over the interval's seconds)."""
        seconds = (self.end - self.start).total_seconds()
        if seconds <= 0:
            return 0.0, 0.0, 0.0
        return (
            self.staffed_logged_in_s / seconds,
            self.staffed_ready_s / seconds,
            self.staffed_busy_s / seconds,
        )


class Summaries:
    """The event log folded into buckets, brought up to date on each read."""

    def __init__(
        self,
        log: EventLog,
        snapshots: SummarySnapshots | None = None,
        *,
        clock: WallClock = system_time,
        save_every_events: int = SAVE_EVERY_EVENTS,
        save_every: timedelta = SAVE_EVERY,
    ) -> None:
        self._log = log
        self._snapshots = snapshots
        self._clock = clock
        self._save_every_events = save_every_events
        self._save_every = save_every
        self._loaded = snapshots is None
        self._everything = False
        """The next save rewrites every part (the summaries were rebuilt from the log)."""
        self._saved_id = 0
        self._saved_at: datetime | None = None
        self._dirty_queues: set[tuple[int, int]] = set()
        self._dirty_agents: set[tuple[int, int]] = set()
        self._dirty_contacts: set[int] = set()
        self._lock = threading.Lock()
        self.last_id = 0
        """The id of the last event folded: the log position the summaries cover."""
        self.queues: dict[int, dict[int, QueueBucket]] = {}
        self.agents: dict[int, dict[int, AgentBucket]] = {}
        self._agent: dict[int, _Agent] = {}
        self._queue_of: dict[int, int] = {}
        self._ended_in: dict[int, tuple[int, int]] = {}
        self._wrap_started: dict[int, datetime] = {}
        self.latest: datetime | None = None
        self._calls: dict[int, CallRecord] = {}
        self._schedules: dict[str, tuple[dict[str, Any], datetime]] = {}
        self._mailed: dict[str, datetime] = {}

    # -- folding --------------------------------------------------------------------

    def catch_up(self) -> int:
        """Fold the events appended since the last look (after loading the saved
        summaries, the first time); the number folded. Saves when a save is due."""
        with self._lock:
            if not self._loaded:
                self._load()
            fresh, self.last_id = events_after(self._log, self.last_id)
            self.fold(fresh)
            if self._snapshots is None:
                self._dirty_queues, self._dirty_agents, self._dirty_contacts = set(), set(), set()
            elif self._save_due():
                self._save(self._snapshots)
            return len(fresh)

    def save(self) -> None:
        """Catch up and save whatever changed since the last save (at a clean stop)."""
        self.catch_up()
        with self._lock:
            if self._snapshots is not None and (self.last_id != self._saved_id or self._everything):
                self._save(self._snapshots)

    async def run(self, sleep: Callable[[float], Awaitable[None]], offload: Offload) -> None:
        """Catch up (and save when due) every ``save_every``, until cancelled; ``offload``
        runs the store's work off the event loop."""
        while True:
            await sleep(self._save_every.total_seconds())
            try:
                await offload(self.catch_up)
            except SQLAlchemyError as error:
                log.error("the report summaries could not catch up with the log: %s", error)

    # -- the store ------------------------------------------------------------------

    def _save_due(self) -> bool:
        if self.last_id == self._saved_id:
            return False
        if self._saved_at is None or self.last_id - self._saved_id >= self._save_every_events:
            return True
        return self._clock() - self._saved_at >= self._save_every

    def _load(self) -> None:
        assert self._snapshots is not None
        self._loaded = True
        saved = self._snapshots.load(SNAPSHOT_VERSION)
        if saved is not None:
            try:
                self._restore(saved)
                log.info("report summaries loaded, up to event %s", saved.upto)
                self._saved_id = saved.upto
                self._saved_at = self._clock()
                return
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
                log.warning(
                    "the saved report summaries cannot be read (%s: %s): they are rebuilt "
                    "from the event log",
                    type(error).__name__,
                    error,
                )
        self._reset()
        self._everything = True

    def _reset(self) -> None:
        self.last_id = 0
        self.queues, self.agents, self._agent = {}, {}, {}
        self._queue_of, self._ended_in, self._wrap_started = {}, {}, {}
        self.latest = None
        self._calls, self._schedules, self._mailed = {}, {}, {}
        self._dirty_queues, self._dirty_agents, self._dirty_contacts = set(), set(), set()

    def _restore(self, saved: Saved) -> None:
        self._reset()
        for key, body in saved.parts.items():
            kind, _, rest = key.partition(":")
            if kind == "q":
                owner, index = (int(x) for x in rest.split(":"))
                self.queues.setdefault(owner, {})[index] = _queue_bucket(body)
            elif kind == "a":
                owner, index = (int(x) for x in rest.split(":"))
                self.agents.setdefault(owner, {})[index] = _read(AgentBucket, body)
            elif kind == "c":
                self._restore_contact(int(rest), body)
            else:
                raise ValueError(f"unknown part {key!r}")
        state = saved.open_state
        self._agent = {int(k): _agent_state(v) for k, v in state["agents"].items()}
        self.latest = _when(state["latest"])
        self._schedules = {
            name: (dict(schedule), _moment(saved_at))
            for name, (schedule, saved_at) in state["schedules"].items()
        }
        self._mailed = {name: _moment(end) for name, end in state["mailed"].items()}
        self.last_id = saved.upto

    def _restore_contact(self, contact_id: int, body: dict[str, Any]) -> None:
        if body["call"] is not None:
            self._calls[contact_id] = _call_record(body["call"])
        if body["queue"] is not None:
            self._queue_of[contact_id] = int(body["queue"])
        if body["ended"] is not None:
            queue_id, index = body["ended"]
            self._ended_in[contact_id] = (int(queue_id), int(index))
        if body["wrap"] is not None:
            self._wrap_started[contact_id] = _moment(body["wrap"])

    def _save(self, snapshots: SummarySnapshots) -> None:
        changed: dict[str, Any] = {}
        for queue_id, index in self._dirty_queues:
            changed[f"q:{queue_id}:{index}"] = _queue_body(self.queues[queue_id][index])
        for agent_id, index in self._dirty_agents:
            changed[f"a:{agent_id}:{index}"] = dataclasses.asdict(self.agents[agent_id][index])
        for contact_id in self._dirty_contacts:
            changed[f"c:{contact_id}"] = self._contact_body(contact_id)
        open_state = {
            "agents": {str(k): _agent_body(v) for k, v in self._agent.items()},
            "latest": _iso(self.latest),
            "schedules": {
                name: [schedule, saved_at.isoformat()]
                for name, (schedule, saved_at) in self._schedules.items()
            },
            "mailed": {name: end.isoformat() for name, end in self._mailed.items()},
        }
        now = self._clock()
        snapshots.save(
            version=SNAPSHOT_VERSION,
            upto=self.last_id,
            saved_at=now,
            open_state=open_state,
            changed=changed,
            everything=self._everything,
        )
        self._everything = False
        self._saved_id, self._saved_at = self.last_id, now
        self._dirty_queues, self._dirty_agents, self._dirty_contacts = set(), set(), set()

    def _contact_body(self, contact_id: int) -> dict[str, Any] | None:
        call = self._calls.get(contact_id)
        queue_id = self._queue_of.get(contact_id)
        ended = self._ended_in.get(contact_id)
        wrap = self._wrap_started.get(contact_id)
        if call is None and queue_id is None and ended is None and wrap is None:
            return None
        return {
            "call": None if call is None else _call_body(call),
            "queue": queue_id,
            "ended": None if ended is None else list(ended),
            "wrap": _iso(wrap),
        }

    def fold(self, events: Iterable[Event]) -> None:
        for event in events:
            self._fold(event)

    def _is_task(self, event: Event) -> bool:
        """Whether ``event`` is about a voicemail task (its record's channel)."""
        contact_id = getattr(event, "contact_id", None)
        record = self._calls.get(contact_id) if isinstance(contact_id, int) else None
        return record is not None and record.channel == "voicemail"

    def _queue(self, queue_id: int, at: datetime) -> QueueBucket:
        buckets = self.queues.setdefault(queue_id, {})
        index = bucket_of(at)
        self._dirty_queues.add((queue_id, index))
        bucket = buckets.get(index)
        if bucket is None:
            bucket = buckets[index] = QueueBucket()
        return bucket

    def _agent_bucket(self, agent_id: int, index: int) -> AgentBucket:
        buckets = self.agents.setdefault(agent_id, {})
        self._dirty_agents.add((agent_id, index))
        bucket = buckets.get(index)
        if bucket is None:
            bucket = buckets[index] = AgentBucket()
        return bucket

    def _state(self, agent_id: int, at: datetime) -> _Agent:
        state = self._agent.get(agent_id)
        if state is None:
            state = self._agent[agent_id] = _Agent()
        if state.first_seen is None:
            state.first_seen = bucket_of(at)
        return state

    def _fold(self, event: Event) -> None:
        if self.latest is None or event.at > self.latest:
            self.latest = event.at
        if isinstance(contact_id := getattr(event, "contact_id", None), int):
            self._dirty_contacts.add(contact_id)
        # A callback back in its line (a retry, or its scheduled time come) was offered
        # once already: a callback counts once however it waits.
        record = self._calls.get(contact_id) if isinstance(contact_id, int) else None
        again = record is not None and record.callback and record.queued
        fold_call(self._calls, event)
        task = self._is_task(event)
        match event:
            case VoicemailTaskQueued():
                self._queue(event.queue_id, event.at).voicemail_tasks += 1
            case Queued() if task:
                # A voicemail task is no call: counted apart (R7). Queued again, its
                # agent (who logged out holding it) is done with it.
                for agent_id, state in self._agent.items():
                    if event.contact_id in state.tasks:
                        self._staff(agent_id, state, event.at)
                        state.tasks.discard(event.contact_id)
                        state.talking = max(0, state.talking - 1)
            case Moved() | Abandoned() | Overflowed() if task:
                pass  # a voicemail task is no call: counted apart (R7)
            case Answered() if task:
                state = self._state(event.agent_id, event.at)
                self._staff(event.agent_id, state, event.at)
                state.talking += 1  # busy with it, though no call answered
                state.tasks.add(event.contact_id)
            case Ended() if task:
                if event.agent_id is not None:
                    state = self._state(event.agent_id, event.at)
                    self._staff(event.agent_id, state, event.at)
                    state.tasks.discard(event.contact_id)
                    state.talking = max(0, state.talking - 1)
                if event.cause == "voicemail_handled" and event.queue_id is not None:
                    self._queue(event.queue_id, event.at).voicemail_handled += 1
            case Queued():
                if not again:
                    self._queue(event.queue_id, event.at).offered += 1
                self._queue_of[event.contact_id] = event.queue_id
            case Moved():
                self._queue(event.to_queue_id, event.at).offered += 1
                self._queue_of[event.contact_id] = event.to_queue_id
            case Answered():
                state = self._state(event.agent_id, event.at)
                self._staff(event.agent_id, state, event.at)
                state.talking += 1
                self._agent_bucket(event.agent_id, bucket_of(event.at)).answered += 1
                if event.queue_id is not None:
                    self._queue_of[event.contact_id] = event.queue_id
                    bucket = self._queue(event.queue_id, event.at)
                    bucket.answered_waits.append(event.wait_seconds)
                    bucket.left(event.wait_seconds)
            case Abandoned():
                bucket = self._queue(event.queue_id, event.at)
                bucket.abandoned_waits.append(event.wait_seconds)
                bucket.left(event.wait_seconds)
            case Overflowed():
                bucket = self._queue(event.queue_id, event.at)
                bucket.overflowed += 1
                bucket.left(event.wait_seconds)
            case CallbackRequested():
                self._queue(event.queue_id, event.at).callbacks += 1
            case Classified():
                if (queue_id := self._queue_of.get(event.contact_id)) is not None:
                    self._queue(queue_id, event.at).classified[event.code] += 1
            case Ended():
                # The contact's queue is kept: it is classified after it ended.
                if event.agent_id is not None:
                    state = self._state(event.agent_id, event.at)
                    self._staff(event.agent_id, state, event.at)
                    state.talking = max(0, state.talking - 1)
                    agent_bucket = self._agent_bucket(event.agent_id, bucket_of(event.at))
                    agent_bucket.talk_s += event.talk_seconds
                    if event.queue_id is not None:
                        bucket = self._queue(event.queue_id, event.at)
                        bucket.handled += 1
                        bucket.talk_s += event.talk_seconds
                        self._ended_in[event.contact_id] = (event.queue_id, bucket_of(event.at))
            case WrapUpStarted():
                self._wrap_started[event.contact_id] = event.at
                state = self._state(event.agent_id, event.at)
                self._staff(event.agent_id, state, event.at)
                state.wrapping = event.at
            case WrapUpEnded():
                self._queue_wrap(event)
                state = self._state(event.agent_id, event.at)
                self._staff(event.agent_id, state, event.at)
                if state.wrapping is not None:
                    self._spread(event.agent_id, state.wrapping, event.at, "wrap")
                    state.wrapping = None
            case AgentLoggedIn():
                state = self._state(event.agent_id, event.at)
                self._staff(event.agent_id, state, event.at)
                if not state.queues:
                    state.login_since = event.at
                state.queues.add(event.queue_id)
            case AgentLoggedOut():
                state = self._state(event.agent_id, event.at)
                self._staff(event.agent_id, state, event.at)
                state.queues.discard(event.queue_id)
                if not state.queues and state.login_since is not None:
                    self._spread(event.agent_id, state.login_since, event.at, "login")
                    state.login_since = None
                    self._end_pause(event.agent_id, state, event.at)
            case AgentPaused() | AgentAutoPaused():
                state = self._state(event.agent_id, event.at)
                self._staff(event.agent_id, state, event.at)
                self._end_pause(event.agent_id, state, event.at)
                state.paused = (event.reason, event.at)
            case ReportScheduleSaved():
                self._schedules[event.name] = (event.schedule, event.at)
            case ReportScheduleDeleted():
                self._schedules.pop(event.name, None)
                self._mailed.pop(event.name, None)
            case ReportMailed():
                self._mailed[event.name] = max(event.end, self._mailed.get(event.name, event.end))
            case AgentReady():
                if (known := self._agent.get(event.agent_id)) is not None:
                    self._staff(event.agent_id, known, event.at)
                    self._end_pause(event.agent_id, known, event.at)
            case _:
                pass

    def _queue_wrap(self, event: WrapUpEnded) -> None:
        began = self._wrap_started.pop(event.contact_id, None)
        ended = self._ended_in.pop(event.contact_id, None)
        if began is None or ended is None:
            return
        queue_id, ended_bucket = ended
        edges = (ended_bucket, bucket_of(began), bucket_of(event.at))
        seconds = (event.at - began).total_seconds()
        self._queue(queue_id, began).wraps.append((min(edges), max(edges), seconds))

    def _end_pause(self, agent_id: int, state: _Agent, at: datetime) -> None:
        if state.paused is not None:
            reason, began = state.paused
            self._spread(agent_id, began, at, reason, pause=True)
            state.paused = None

    def _spread(
        self, agent_id: int, began: datetime, stopped: datetime, what: str, pause: bool = False
    ) -> None:
        """Split the span ``began`` .. ``stopped`` over the agent's buckets."""
        for index, seconds in _pieces(began, stopped):
            bucket = self._agent_bucket(agent_id, index)
            if pause:
                bucket.pause_s[what] = bucket.pause_s.get(what, 0.0) + seconds
            elif what == "login":
                bucket.logged_in_s += seconds
            else:
                bucket.wrap_up_s += seconds

    def _staff(self, agent_id: int, state: _Agent, at: datetime) -> None:
        """Close the agent's staffing segment at ``at`` (its state is about to change)."""
        began, state.since = state.since, at
        if began is None or not state.queues or at <= began:
            return
        ready = _ready(state)
        busy = state.talking > 0
        for index, seconds in _pieces(began, at):
            if ready:
                self._agent_bucket(agent_id, index).ready_s += seconds
            for queue_id in state.queues:
                self._dirty_queues.add((queue_id, index))
                bucket = self.queues.setdefault(queue_id, {}).get(index)
                if bucket is None:
                    bucket = self.queues[queue_id][index] = QueueBucket()
                bucket.logged_in_s += seconds
                if ready:
                    bucket.ready_s += seconds
                if busy:
                    bucket.busy_s += seconds

    # -- reading --------------------------------------------------------------------

    def queue_intervals(
        self,
        edges: Sequence[datetime],
        goals: Mapping[int, float],
        *,
        now: datetime | None = None,
        dense: bool = True,
    ) -> list[QueueInterval]:
        """Per interval ``edges[i]`` .. ``edges[i + 1]`` (each on a bucket's edge) and per
        queue of ``goals`` (queue id → goal T in seconds), by interval then queue id.
        With ``dense`` every queue and interval has a row, else only those in which
        something happened. Staffing still open is counted until ``now``."""
        for edge in edges:
            if not aligned(edge):
                raise ValueError(f"{edge.isoformat()} is not on a quarter hour")
        edges = [edge.astimezone(UTC) for edge in edges]
        rows = []
        with self._lock:
            for lo, hi in itertools.pairwise(edges):
                for queue_id in sorted(goals):
                    row = self._queue_row(
                        queue_id, lo, hi, goals[queue_id], now, (edges[0], edges[-1])
                    )
                    if row is not None:
                        rows.append(row)
                    elif dense:
                        rows.append(QueueInterval(queue_id, lo, hi))
        return rows

    def today(self, now: datetime, goals: Mapping[int, float]) -> list[QueueInterval]:
        """Per queue of ``goals``, today so far: from midnight (site time) to ``now`` (the
        row's end is just after it, as ``figures.queue_figures`` gives it)."""
        rows = self.queue_intervals([site_midnight(now), edge_after(now)], goals, now=now)
        for row in rows:
            row.end = now + _EPSILON
        return rows

    def _queue_row(
        self,
        queue_id: int,
        lo: datetime,
        hi: datetime,
        goal: float,
        now: datetime | None,
        period: tuple[datetime, datetime],
    ) -> QueueInterval | None:
        buckets = self.queues.get(queue_id, {})
        first, last = bucket_of(lo), bucket_of(hi)
        period_first, period_last = bucket_of(period[0]), bucket_of(period[1])
        row = QueueInterval(queue_id, lo, hi)
        found = False
        for index in range(first, last):
            bucket = buckets.get(index)
            if bucket is None:
                continue
            found = True
            row.offered += bucket.offered
            row.answered += len(bucket.answered_waits)
            row.answered_within_goal += sum(1 for w in bucket.answered_waits if w <= goal)
            row._answer_sum += sum(bucket.answered_waits)
            row.abandoned += len(bucket.abandoned_waits)
            row.abandoned_short += sum(1 for w in bucket.abandoned_waits if w < goal)
            row.abandoned_within_5s += sum(
                1 for w in bucket.abandoned_waits if w <= SHORT_ABANDON_S
            )
            row.overflowed += bucket.overflowed
            row.callbacks += bucket.callbacks
            row.voicemail_tasks += bucket.voicemail_tasks
            row.voicemail_handled += bucket.voicemail_handled
            row._wait_sum += bucket.wait_sum
            row._wait_count += bucket.wait_count
            row.max_wait_s = max(row.max_wait_s, bucket.wait_max)
            row.handled += bucket.handled
            row.talk_s += bucket.talk_s
            for low, high, seconds in bucket.wraps:
                if low >= period_first and high < period_last:
                    row.wrap_up_s += seconds
            row.classified.update(bucket.classified)
            row.staffed_logged_in_s += bucket.logged_in_s
            row.staffed_ready_s += bucket.ready_s
            row.staffed_busy_s += bucket.busy_s
        row._handle_s = row.talk_s + row.wrap_up_s
        found = self._open_staffing(row, queue_id, lo, hi, now) or found
        return row if found else None

    def _open_staffing(
        self, row: QueueInterval, queue_id: int, lo: datetime, hi: datetime, now: datetime | None
    ) -> bool:
        found = False
        until = hi if now is None else min(hi, max(lo, now))
        for state in self._agent.values():
            if state.since is None or queue_id not in state.queues:
                continue
            seconds = _clipped(state.since, until, lo, hi)
            if seconds <= 0:
                continue
            found = True
            row.staffed_logged_in_s += seconds
            if state.talking:
                row.staffed_busy_s += seconds
            elif _ready(state):
                row.staffed_ready_s += seconds
        return found

    def schedules(self) -> dict[str, tuple[dict[str, Any], datetime, datetime | None]]:
        """The scheduled reports as the log has them: by name, the schedule, when it was
        saved, and the end of the last period mailed (``None``: none yet)."""
        with self._lock:
            return {
                name: (dict(schedule), saved, self._mailed.get(name))
                for name, (schedule, saved) in self._schedules.items()
            }

    def calls(self, wanted: CallFilter, limit: int | None = None) -> list[CallRecord]:
        """The call log's records that ``wanted`` lets through, newest first."""
        with self._lock:
            return select_calls(self._calls.values(), wanted, limit)

    def agent_figures(
        self, start: datetime, end: datetime, *, now: datetime | None = None
    ) -> list[AgentPeriod]:
        """Per agent seen before ``end`` over ``start`` .. ``end`` (on bucket edges), by
        agent id: as ``figures.agent_figures``, except that a pause reason whose time in
        the period is 0 is left out."""
        if end <= start:
            raise ValueError("the interval must end after it starts")
        for edge in (start, end):
            if not aligned(edge):
                raise ValueError(f"{edge.isoformat()} is not on a quarter hour")
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        open_until = end if now is None else max(start, min(end, now))
        first, last = bucket_of(start), bucket_of(end)
        figures = []
        with self._lock:
            for agent_id in sorted(self._agent):
                state = self._agent[agent_id]
                if state.first_seen is None or state.first_seen >= last:
                    continue
                row = AgentPeriod(agent_id)
                buckets = self.agents.get(agent_id, {})
                for index in range(first, last):
                    bucket = buckets.get(index)
                    if bucket is None:
                        continue
                    row.answered += bucket.answered
                    row.talk_s += bucket.talk_s
                    row.wrap_up_s += bucket.wrap_up_s
                    row.logged_in_s += bucket.logged_in_s
                    row.ready_s += bucket.ready_s
                    for reason, seconds in bucket.pause_s.items():
                        row.pause_s[reason] = row.pause_s.get(reason, 0.0) + seconds
                if state.login_since is not None:
                    row.logged_in_s += _clipped(state.login_since, open_until, start, end)
                if state.paused is not None:
                    reason, began = state.paused
                    row.pause_s[reason] = row.pause_s.get(reason, 0.0) + _clipped(
                        began, open_until, start, end
                    )
                if state.wrapping is not None:
                    row.wrap_up_s += _clipped(state.wrapping, open_until, start, end)
                if state.since is not None and state.queues and _ready(state):
                    row.ready_s += _clipped(state.since, open_until, start, end)
                row.pause_s = {k: v for k, v in row.pause_s.items() if v > 0}
                figures.append(row)
        return figures


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment.astimezone(UTC)


def _when(text: str | None) -> datetime | None:
    return None if text is None else _moment(text)


def _queue_body(bucket: QueueBucket) -> dict[str, Any]:
    body = dataclasses.asdict(bucket)
    body["classified"] = dict(bucket.classified)
    return body


T = TypeVar("T")
_READERS: dict[type, tuple[set[str], TypeAdapter[Any]]] = {}


def _read(kind: type[T], body: Any) -> T:
    """``body`` as a ``kind``: every field there, each of its type (else ``ValueError``)."""
    if not isinstance(body, dict):
        raise ValueError(f"a {kind.__name__} is not an object: {body!r:.80}")
    known = _READERS.get(kind)
    if known is None:
        names = {f.name for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
        known = _READERS[kind] = (names, TypeAdapter(kind))
    names, reader = known
    if body.keys() != names:
        raise ValueError(f"a {kind.__name__} has the fields {sorted(body)}, not {sorted(names)}")
    value: T = reader.validate_python(body)
    return value


def _queue_bucket(body: Any) -> QueueBucket:
    return _read(QueueBucket, body)


def _agent_body(state: _Agent) -> dict[str, Any]:
    return {
        "first_seen": state.first_seen,
        "queues": sorted(state.queues),
        "login_since": _iso(state.login_since),
        "paused": None if state.paused is None else [state.paused[0], state.paused[1].isoformat()],
        "wrapping": _iso(state.wrapping),
        "talking": state.talking,
        "since": _iso(state.since),
        "tasks": sorted(state.tasks),
    }


def _agent_state(body: dict[str, Any]) -> _Agent:
    paused = body["paused"]
    first_seen = body["first_seen"]
    if first_seen is not None and type(first_seen) is not int:
        raise ValueError(f"an agent's first bucket is not a number: {first_seen!r:.80}")
    return _Agent(
        first_seen=first_seen,
        queues={int(q) for q in body["queues"]},
        login_since=_when(body["login_since"]),
        paused=None if paused is None else (str(paused[0]), _moment(paused[1])),
        wrapping=_when(body["wrapping"]),
        talking=int(body["talking"]),
        since=_when(body["since"]),
        tasks={int(c) for c in body.get("tasks", [])},
    )


def _call_body(call: CallRecord) -> dict[str, Any]:
    body = {f.name: getattr(call, f.name) for f in dataclasses.fields(call)}
    body["started_at"] = call.started_at.isoformat()
    body["ended_at"] = _iso(call.ended_at)
    body["transfer"] = None if call.transfer is None else call.transfer.model_dump(mode="json")
    return body


def _call_record(body: Any) -> CallRecord:
    call = _read(CallRecord, body)
    call.started_at = _moment(body["started_at"])
    call.ended_at = _when(body["ended_at"])
    return call


def _ready(state: _Agent) -> bool:
    return state.paused is None and state.talking == 0 and state.wrapping is None


def _clipped(began: datetime, stopped: datetime, start: datetime, end: datetime) -> float:
    lo, hi = max(began, start), min(stopped, end)
    return max(0.0, (hi - lo).total_seconds())


def _pieces(began: datetime, stopped: datetime) -> Iterable[tuple[int, float]]:
    """The span ``began`` .. ``stopped`` as (bucket, seconds in it)."""
    if stopped <= began:
        return
    index = bucket_of(began)
    while True:
        edge = bucket_start(index + 1)
        if stopped <= edge:
            yield index, (stopped - max(began, bucket_start(index))).total_seconds()
            return
        yield index, (edge - max(began, bucket_start(index))).total_seconds()
        index += 1


MAX_PERIOD = timedelta(days=732)
"""The longest period a report covers (two years, a leap day included)."""
STEPS = {"15m": timedelta(minutes=15), "30m": timedelta(minutes=30), "1h": timedelta(hours=1)}
"""The report intervals of a fixed length; ``1d`` is the site's day (23, 24 or 25 hours)."""


def interval_edges(start: datetime, end: datetime, interval: str, zone: tzinfo) -> list[datetime]:
    """The edges (in UTC) of the intervals from ``start`` to ``end``: every
    ``STEPS[interval]``, or for ``1d`` every midnight in ``zone`` (so a DST day is 23 or
    25 hours long). The last interval ends at ``end``. Both must be on a quarter hour; an
    empty period has none."""
    for name, moment in (("from", start), ("to", end)):
        if not aligned(moment):
            raise ValueError(f"'{name}' ({moment.isoformat()}) must be on a quarter hour")
    if interval != "1d" and interval not in STEPS:
        raise ValueError(f"unknown interval {interval!r}: one of 15m, 30m, 1h, 1d")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return []
    if end - start > MAX_PERIOD:
        raise ValueError(f"a report covers at most {MAX_PERIOD.days} days")
    edges = [start]
    while edges[-1] < end:
        last = edges[-1]
        if interval == "1d":
            day = last.astimezone(zone).date() + timedelta(days=1)
            following = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        else:
            following = last + STEPS[interval]
        edges.append(min(end, following))
    return edges
