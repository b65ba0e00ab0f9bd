"""The events a dispatcher takes, in batches, through ``Engine.apply(events, now)``.

Both engines (the Rust one behind ``_native`` and the pure-Python ``reference``) read
these same objects. Each class carries a ``TAG`` the native side dispatches on, so the
field names and tags here are part of the contract with ``bindings/src/convert.rs``.

Ids are non-negative integers chosen by the caller (the server maps its own keys).
Skill levels and requirement levels are integers 0..=100. Channels are free strings
("voice", "chat", "email", ...); an agent has capacity 0 on a channel it does not list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

STRATEGIES: tuple[str, ...] = (
    "sequential",
    "longest_idle",
    "round_robin",
    "fewest_calls",
    "least_talk_time",
    "random",
    "ring_all",
    "skills",
)
"""Distribution strategies a queue may use (R11)."""

AgentStatus = Literal["offline", "available", "paused"]
"""States an agent can be put in by ``SetAgentState``; wrap-up is entered by ``EndContact``."""


@dataclass(frozen=True, slots=True)
class Membership:
    """An agent's membership of a queue: lower ``penalty`` (tier) is offered first;
    ``order`` is the fixed order used by ``sequential`` and ``round_robin``."""

    queue: int
    penalty: int = 0
    order: int = 0


@dataclass(frozen=True, slots=True)
class ExpansionStep:
    """After a contact has waited ``after_s`` seconds (accumulated), every required skill
    level of it is lowered by ``relax`` (a level that reaches 0 is dropped) and, if
    ``max_penalty`` is given, members up to that penalty become eligible (``None`` keeps
    the limit of the step before, or the queue's). Steps do not add up: the last one
    reached applies."""

    after_s: float
    relax: int = 0
    max_penalty: int | None = None


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """A queue's configuration, as ``AddQueue`` and ``UpdateQueue`` carry it."""

    queue: int
    strategy: str = "longest_idle"
    weight: int = 0
    requirements: Mapping[int, int] = field(default_factory=dict)
    max_penalty: int | None = None
    expansion: Sequence[ExpansionStep] = ()
    exclusion_s: float = 30.0
    autopause: bool = True
    wrap_up_s: float = 0.0


@dataclass(frozen=True, slots=True)
class AddQueue(QueueSettings):
    TAG: ClassVar[int] = 1


@dataclass(frozen=True, slots=True)
class UpdateQueue(QueueSettings):
    """Replaces a queue's configuration; waiting contacts, members and statistics stay.
    The new rules apply at once to the contacts already waiting."""

    TAG: ClassVar[int] = 2


@dataclass(frozen=True, slots=True)
class RemoveQueue:
    """Removes a queue that no contact waits in; its memberships go with it."""

    TAG: ClassVar[int] = 3
    queue: int


@dataclass(frozen=True, slots=True)
class AgentProfile:
    """An agent's profile, as ``AddAgent`` and ``UpdateAgent`` carry it."""

    agent: int
    skills: Mapping[int, int] = field(default_factory=dict)
    memberships: Sequence[Membership] = ()
    capacity: Mapping[str, int] = field(default_factory=lambda: {"voice": 1})
    personal_weight: int = 0


@dataclass(frozen=True, slots=True)
class AddAgent(AgentProfile):
    TAG: ClassVar[int] = 4


@dataclass(frozen=True, slots=True)
class UpdateAgent(AgentProfile):
    """Replaces an agent's profile (skills, memberships, capacity, personal-queue
    weight); its state, load and statistics stay."""

    TAG: ClassVar[int] = 5


@dataclass(frozen=True, slots=True)
class RemoveAgent:
    """Removes an agent with no offers, no active contacts and an empty personal queue."""

    TAG: ClassVar[int] = 6
    agent: int


@dataclass(frozen=True, slots=True)
class SetAgentState:
    """Logs an agent in or out, makes it ready, or pauses it with a reason (R20).
    Going offline or paused withdraws the agent's pending offers; ``available``
    during wrap-up ends the wrap-up early (R19)."""

    TAG: ClassVar[int] = 7
    agent: int
    state: AgentStatus
    reason: str = ""


@dataclass(frozen=True, slots=True)
class AddContact:
    """A contact starts waiting in ``queue``. ``waited_s`` is time already waited
    elsewhere (R15). While ``now < preferred_until`` the contact is kept for
    ``preferred_agent`` if that agent is logged in and a member of the queue (R13)."""

    TAG: ClassVar[int] = 8
    contact: int
    queue: int
    priority: int = 0
    channel: str = "voice"
    requirements: Mapping[int, int] = field(default_factory=dict)
    waited_s: float = 0.0
    preferred_agent: int | None = None
    preferred_until: float = 0.0


@dataclass(frozen=True, slots=True)
class RemoveContact:
    """A waiting or offered contact leaves (abandoned, overflowed out, ...)."""

    TAG: ClassVar[int] = 9
    contact: int


@dataclass(frozen=True, slots=True)
class MoveContact:
    """Moves a waiting or offered contact to another queue or to an agent's personal
    queue (exactly one of the two), keeping its accumulated wait (R15, R16, R22)."""

    TAG: ClassVar[int] = 10
    contact: int
    queue: int | None = None
    agent: int | None = None


@dataclass(frozen=True, slots=True)
class SetPriority:
    TAG: ClassVar[int] = 11
    contact: int
    priority: int


@dataclass(frozen=True, slots=True)
class Accept:
    """The agent answered an offer; offers of the same contact to others are withdrawn."""

    TAG: ClassVar[int] = 12
    contact: int
    agent: int


@dataclass(frozen=True, slots=True)
class Decline:
    """The agent declined an offer; the contact is not offered to it again for the
    queue's ``exclusion_s`` (R18)."""

    TAG: ClassVar[int] = 13
    contact: int
    agent: int


@dataclass(frozen=True, slots=True)
class Timeout:
    """The offer rang out (RONA): as ``Decline``, and if the queue says ``autopause``
    the agent is paused with the reason ``"no answer"`` (R18)."""

    TAG: ClassVar[int] = 14
    contact: int
    agent: int


@dataclass(frozen=True, slots=True)
class EndContact:
    """An answered contact ended; the agent enters the queue's wrap-up (R19)."""

    TAG: ClassVar[int] = 15
    contact: int


Event = (
    AddQueue
    | UpdateQueue
    | RemoveQueue
    | AddAgent
    | UpdateAgent
    | RemoveAgent
    | SetAgentState
    | AddContact
    | RemoveContact
    | MoveContact
    | SetPriority
    | Accept
    | Decline
    | Timeout
    | EndContact
)

RONA_REASON = "no answer"
"""The pause reason an agent gets when an offer times out in an ``autopause`` queue."""
