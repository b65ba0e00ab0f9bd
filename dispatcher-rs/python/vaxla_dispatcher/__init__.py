"""Vaxla's dispatcher: who gets which waiting contact, and when.

The one way in for the rest of Vaxla is ``Dispatcher``. It runs the Rust engine
(``_native``) by default; ``Dispatcher(engine="reference")`` runs the pure-Python
reference, which implements the same rules and is the oracle of the tests.

    d = Dispatcher()
    d.apply([AddQueue(1), AddAgent(7, memberships=[Membership(1)]),
             SetAgentState(7, "available"), AddContact(100, queue=1)], now=0.0)
    d.assign(now=0.0)   # [Offer(contact=100, agent=7)]

Time is passed in (``now``, seconds, never running backwards); nothing reads a clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol, cast

from vaxla_dispatcher import _native, _source_digest, reference
from vaxla_dispatcher.errors import (
    DispatcherError,
    DuplicateId,
    InvalidState,
    InvalidValue,
    UnknownAgent,
    UnknownContact,
    UnknownId,
    UnknownQueue,
)
from vaxla_dispatcher.events import (
    RONA_REASON,
    STRATEGIES,
    Accept,
    AddAgent,
    AddContact,
    AddQueue,
    Decline,
    EndContact,
    Event,
    ExpansionStep,
    Membership,
    MoveContact,
    RemoveAgent,
    RemoveContact,
    RemoveQueue,
    SetAgentState,
    SetPriority,
    Timeout,
    UpdateAgent,
    UpdateQueue,
)

__all__ = [
    "RONA_REASON",
    "STRATEGIES",
    "Accept",
    "AddAgent",
    "AddContact",
    "AddQueue",
    "AgentStats",
    "ContactState",
    "Decline",
    "Dispatcher",
    "DispatcherError",
    "DuplicateId",
    "EndContact",
    "Event",
    "ExpansionStep",
    "InvalidState",
    "InvalidValue",
    "Membership",
    "MoveContact",
    "Offer",
    "QueueStats",
    "RemoveAgent",
    "RemoveContact",
    "RemoveQueue",
    "SetAgentState",
    "SetPriority",
    "Snapshot",
    "Timeout",
    "UnknownAgent",
    "UnknownContact",
    "UnknownId",
    "UnknownQueue",
    "UpdateAgent",
    "UpdateQueue",
]

_source_digest.check(_native.SOURCE_DIGEST)

EngineName = Literal["native", "reference"]


class Offer(NamedTuple):
    """Ring ``agent`` with ``contact`` (for ``ring_all`` one per agent)."""

    contact: int
    agent: int


class ContactState(NamedTuple):
    state: Literal["waiting", "offered", "active"]
    agents: list[int]
    """The agents it is offered to, or the one who answered it."""


@dataclass(frozen=True, slots=True)
class QueueStats:
    queue: int
    waiting: int
    offered: int
    longest_wait: float
    logged_in: int
    available: int
    busy: int
    paused: int
    wrap_up: int
    aht: float | None
    """Exponentially weighted mean handle time (talk + wrap-up), None before any call."""
    estimated_wait: float | None = None
    """Seconds a voice contact without skill needs that joined the line now could expect
    to wait: 0 when the line is empty and a working member has room; QLm with the whole
    line ahead once the queue has learned its rates, else ``(line + 1) × AHT / servers``,
    before any call the head-of-line wait; None when nobody works the line (or nobody
    waits and nothing is known yet)."""


@dataclass(frozen=True, slots=True)
class AgentStats:
    agent: int
    state: Literal["offline", "available", "offered", "busy", "paused", "wrap_up"]
    reason: str
    load: int
    idle_since: float
    calls_taken: int
    talk_time: float


@dataclass(frozen=True, slots=True)
class Snapshot:
    queues: list[QueueStats]
    agents: list[AgentStats]


class _Engine(Protocol):
    """What both engines provide (``_native.Engine`` and ``reference.Engine``)."""

    def copy(self) -> _Engine: ...
    def apply(self, events: Iterable[object], now: float, /) -> None: ...
    def assign(self, now: float, /) -> list[tuple[int, int]]: ...
    def position(self, contact: int, /) -> int: ...
    def estimated_wait(self, contact: int, now: float, /) -> float: ...
    def contact_state(self, contact: int, /) -> tuple[str, list[int]]: ...
    def snapshot(
        self, now: float, /
    ) -> tuple[list[reference.QueueRow], list[reference.AgentRow]]: ...


class Dispatcher:
    """The dispatcher facade. Bad input raises a ``DispatcherError`` and changes nothing;
    in a batch, the error's ``index`` names the failing event and the ones before it
    stay applied."""

    __slots__ = ("_engine", "engine_name")

    def __init__(self, seed: int = 0, *, engine: EngineName = "native") -> None:
        if engine == "native":
            self._engine: _Engine = _native.Engine(seed)
        elif engine == "reference":
            self._engine = reference.Engine(seed)
        else:
            raise InvalidValue(f"unknown engine {engine!r}; expected 'native' or 'reference'")
        self.engine_name: EngineName = engine

    def copy(self) -> Dispatcher:
        """An independent copy of the whole state: changing one never changes the other."""
        twin = object.__new__(Dispatcher)
        twin._engine = self._engine.copy()
        twin.engine_name = self.engine_name
        return twin

    def apply(self, events: Iterable[Event], now: float) -> None:
        """Applies a batch of events at ``now``."""
        self._engine.apply(events, now)

    def assign(self, now: float) -> list[Offer]:
        """The offers to make now; each is already counted as ringing its agent."""
        return [Offer(c, a) for c, a in self._engine.assign(now)]

    def position(self, contact: int) -> int:
        """1-based place in its queue; never grows unless its priority changed or it moved."""
        return self._engine.position(contact)

    def estimated_wait(self, contact: int, now: float) -> float:
        """Seconds the contact can still expect to wait."""
        return self._engine.estimated_wait(contact, now)

    def contact_state(self, contact: int) -> ContactState:
        state, agents = self._engine.contact_state(contact)
        return ContactState(cast(Literal["waiting", "offered", "active"], state), agents)

    def snapshot(self, now: float) -> Snapshot:
        """Per queue and per agent figures for wallboards, both sorted by id."""
        queues, agents = self._engine.snapshot(now)
        return Snapshot(
            [QueueStats(*row) for row in queues],
            [AgentStats(*row) for row in agents],  # type: ignore[arg-type]
        )
