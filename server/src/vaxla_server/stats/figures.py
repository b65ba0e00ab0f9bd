"""Queue and agent figures over an interval, from the events alone.

Queue figures count the events whose ``at`` lies in the interval:

* ``offered`` — contacts that started waiting in the queue (``queued``, and ``moved``
  into it);
* ``answered``, ``abandoned``, ``overflowed`` — contacts that left the queue that way;
* service level — answered within the queue's goal T (wait ``<=`` T) in percent of
  the offered minus those abandoned before T (``abandoned_short``: callers who hung
  up within T are left out of the denominator, the usual convention); None when that
  is 0. Waits are the caller's accumulated wait, across moves and overflows (R15);
* average and max wait over the contacts that left the queue (answered, abandoned or
  overflowed); average speed of answer over the answered; average handle time is
  (talk + wrap-up) per contact ended after an answer in the queue.

Agent figures: contacts answered and talk time are counted when the event falls in the
interval; wrap-up, pause (per reason) and logged-in time are durations clipped to the
interval, so the events before it are read to know the state at its start.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vaxla_server.store.events import (
    Abandoned,
    AgentAutoPaused,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    Answered,
    CallbackAnswered,
    CallbackNoAnswer,
    CallbackRequested,
    ContactEntered,
    Ended,
    Event,
    Moved,
    NotAnswered,
    Overflowed,
    Queued,
    WrapUpEnded,
    WrapUpStarted,
)

DENSE_LIMIT = 2000


@dataclass
class QueueFigures:
    queue_id: int
    start: datetime
    end: datetime
    offered: int = 0
    answered: int = 0
    answered_within_goal: int = 0
    abandoned: int = 0
    abandoned_short: int = 0
    overflowed: int = 0
    handled: int = 0
    max_wait_s: float = 0.0
    _waits: list[float] = field(default_factory=list, repr=False)
    _answer_waits: list[float] = field(default_factory=list, repr=False)
    _handle_s: float = field(default=0.0, repr=False)

    @property
    def service_level(self) -> float | None:
        base = self.offered - self.abandoned_short
        return None if base <= 0 else min(100.0, 100.0 * self.answered_within_goal / base)

    @property
    def average_wait_s(self) -> float | None:
        return sum(self._waits) / len(self._waits) if self._waits else None

    @property
    def average_speed_of_answer_s(self) -> float | None:
        waits = self._answer_waits
        return sum(waits) / len(waits) if waits else None

    @property
    def average_handle_s(self) -> float | None:
        return self._handle_s / self.handled if self.handled else None

    def _left(self, wait: float) -> None:
        self._waits.append(wait)
        self.max_wait_s = max(self.max_wait_s, wait)


def queue_intervals(
    events: Iterable[Event],
    *,
    start: datetime,
    end: datetime,
    step: timedelta,
    goals: Mapping[int, float],
) -> list[QueueFigures]:
    """Figures per queue of ``goals`` (queue id → goal T in seconds) and per ``step``
    from ``start`` to ``end``, by interval then queue id. Every queue and interval has
    a row when there are at most ``DENSE_LIMIT`` intervals; beyond that, only those in
    which something happened (so a long period in short steps stays small). A period
    that does not end after it starts has no rows."""
    if step <= timedelta(0):
        raise ValueError("the interval must be positive")
    table: dict[tuple[int, int], QueueFigures] = {}
    count = max(0, -(-(end - start) // step))
    if count <= DENSE_LIMIT:
        for index in range(count):
            lo = start + index * step
            for queue_id in sorted(goals):
                table[(index, queue_id)] = QueueFigures(queue_id, lo, min(end, lo + step))
    wrap_started: dict[int, datetime] = {}
    ended_in: dict[int, int] = {}
    queued: set[int] = set()
    """Contacts offered (queued) once already."""
    callbacks: dict[int, float | None] = {}
    """Callbacks (R17) → the wait when an agent took the one try in progress: counted
    answered when the citizen answers, and offered once however often tried."""
    citizen_on_line: set[int] = set()
    """Callbacks made citizen first whose citizen answered: counted answered when the
    agent answers."""

    def cell(at: datetime, queue_id: int | None) -> QueueFigures | None:
        if queue_id is None or queue_id not in goals or not start <= at < end:
            return None
        index = (at - start) // step
        if (index, queue_id) not in table:
            lo = start + index * step
            table[(index, queue_id)] = QueueFigures(queue_id, lo, min(end, lo + step))
        return table[(index, queue_id)]

    tasks: set[int] = set()
    """Voicemail tasks (R7): no calls, so not counted here (the summaries count them)."""

    for event in events:
        match event:
            case ContactEntered() if event.channel == "voicemail":
                tasks.add(event.contact_id)
            case Queued() | Moved() | Answered() | Abandoned() | Overflowed() | Ended() if (
                event.contact_id in tasks
            ):
                pass
            case CallbackRequested():
                callbacks[event.contact_id] = None
            case Queued() if event.contact_id in callbacks and event.contact_id in queued:
                pass  # a callback back in line for another try, or when due: offered once
            case Answered() if event.contact_id in callbacks.keys() - citizen_on_line:
                callbacks[event.contact_id] = event.wait_seconds
            case CallbackAnswered() if callbacks.get(event.contact_id, 0.0) is None:
                citizen_on_line.add(event.contact_id)  # citizen first: no agent yet
            case NotAnswered() | CallbackNoAnswer() if event.contact_id in citizen_on_line:
                citizen_on_line.discard(event.contact_id)  # the agent did not take it
            case CallbackAnswered():
                wait = callbacks.pop(event.contact_id, None)
                if wait is not None and (figures := cell(event.at, event.queue_id)) is not None:
                    figures.answered += 1
                    figures.answered_within_goal += wait <= goals[event.queue_id]
                    figures._answer_waits.append(wait)
                    figures._left(wait)
            case Queued():
                queued.add(event.contact_id)
                if (figures := cell(event.at, event.queue_id)) is not None:
                    figures.offered += 1
            case Moved():
                if (figures := cell(event.at, event.to_queue_id)) is not None:
                    figures.offered += 1
            case Answered():
                callbacks.pop(event.contact_id, None)  # citizen first: answered now
                citizen_on_line.discard(event.contact_id)
                if (figures := cell(event.at, event.queue_id)) is not None:
                    goal = goals[event.queue_id] if event.queue_id is not None else 0.0
                    figures.answered += 1
                    figures.answered_within_goal += event.wait_seconds <= goal
                    figures._answer_waits.append(event.wait_seconds)
                    figures._left(event.wait_seconds)
            case Abandoned():
                if (figures := cell(event.at, event.queue_id)) is not None:
                    figures.abandoned += 1
                    figures.abandoned_short += event.wait_seconds < goals[event.queue_id]
                    figures._left(event.wait_seconds)
            case Overflowed():
                if (figures := cell(event.at, event.queue_id)) is not None:
                    figures.overflowed += 1
                    figures._left(event.wait_seconds)
            case Ended() if event.agent_id is not None:
                if (figures := cell(event.at, event.queue_id)) is not None:
                    figures.handled += 1
                    figures._handle_s += event.talk_seconds
                    ended_in[event.contact_id] = figures.queue_id
            case WrapUpStarted():
                wrap_started[event.contact_id] = event.at
            case WrapUpEnded():
                wrap_began = wrap_started.pop(event.contact_id, None)
                handled_in = ended_in.pop(event.contact_id, None)
                if wrap_began is not None and (figures := cell(wrap_began, handled_in)) is not None:
                    figures._handle_s += (event.at - wrap_began).total_seconds()
            case _:
                pass
    return [table[key] for key in sorted(table)]


def queue_figures(
    events: Iterable[Event], *, start: datetime, end: datetime, goals: Mapping[int, float]
) -> list[QueueFigures]:
    """One interval from ``start`` to ``end``, per queue."""
    if end <= start:
        return []
    return queue_intervals(events, start=start, end=end, step=end - start, goals=goals)


@dataclass
class AgentFigures:
    agent_id: int
    answered: int = 0
    talk_s: float = 0.0
    wrap_up_s: float = 0.0
    logged_in_s: float = 0.0
    pause_s: dict[str, float] = field(default_factory=dict)


def agent_figures(
    events: Iterable[Event], *, start: datetime, end: datetime, now: datetime | None = None
) -> list[AgentFigures]:
    """Per agent seen in ``events`` (read from before ``start`` for the state at start),
    by agent id. A log-in, pause or wrap-up still open counts until ``end``, or until
    ``now`` when the period reaches past it."""
    if end <= start:
        raise ValueError("the interval must end after it starts")
    open_until = end if now is None else max(start, min(end, now))
    figures: dict[int, AgentFigures] = {}
    logged_in: dict[int, set[int]] = {}
    login_since: dict[int, datetime] = {}
    paused: dict[int, tuple[str, datetime]] = {}
    wrapping: dict[int, datetime] = {}

    def clipped(began: datetime, stopped: datetime) -> float:
        lo, hi = max(began, start), min(stopped, end)
        return max(0.0, (hi - lo).total_seconds())

    def of(agent_id: int) -> AgentFigures:
        return figures.setdefault(agent_id, AgentFigures(agent_id))

    def end_pause(agent_id: int, at: datetime) -> None:
        if (pause := paused.pop(agent_id, None)) is not None:
            reason, began = pause
            spent = of(agent_id).pause_s
            spent[reason] = spent.get(reason, 0.0) + clipped(began, at)

    tasks: set[int] = set()
    """Voicemail tasks (R7): an agent who takes one answers no call."""
    for event in events:
        if event.at >= end:
            continue
        inside = event.at >= start
        match event:
            case ContactEntered() if event.channel == "voicemail":
                tasks.add(event.contact_id)
            case Answered() | Ended() if event.contact_id in tasks:
                pass
            case AgentLoggedIn():
                queues = logged_in.setdefault(event.agent_id, set())
                if not queues:
                    login_since[event.agent_id] = event.at
                queues.add(event.queue_id)
                of(event.agent_id)
            case AgentLoggedOut():
                queues = logged_in.get(event.agent_id, set())
                queues.discard(event.queue_id)
                if not queues and event.agent_id in login_since:
                    began = login_since.pop(event.agent_id)
                    of(event.agent_id).logged_in_s += clipped(began, event.at)
                    end_pause(event.agent_id, event.at)
            case AgentPaused() | AgentAutoPaused():
                end_pause(event.agent_id, event.at)
                paused[event.agent_id] = (event.reason, event.at)
            case AgentReady():
                end_pause(event.agent_id, event.at)
            case Answered() if inside:
                of(event.agent_id).answered += 1
            case Ended() if inside and event.agent_id is not None:
                of(event.agent_id).talk_s += event.talk_seconds
            case WrapUpStarted():
                wrapping[event.agent_id] = event.at
            case WrapUpEnded():
                if (wrap_began := wrapping.pop(event.agent_id, None)) is not None:
                    of(event.agent_id).wrap_up_s += clipped(wrap_began, event.at)
            case _:
                pass
    for agent_id, began in login_since.items():
        of(agent_id).logged_in_s += clipped(began, open_until)
    for agent_id in list(paused):
        end_pause(agent_id, open_until)
    for agent_id, began in wrapping.items():
        of(agent_id).wrap_up_s += clipped(began, open_until)
    return [figures[key] for key in sorted(figures)]
