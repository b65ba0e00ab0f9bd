"""The running centre's state: the journaled records of contacts, agents' sessions
and offers (``_Contact``, ``_Session``, ``_Offer``), and the views it hands out."""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from vaxla_protocol.agent import AgentStateName
from vaxla_server.centre.journal import Journaled
from vaxla_server.config import ClassificationCode, ConfigSnapshot, Licence, PauseReason
from vaxla_server.store.events import CallbackOrder, CallbackReason, Channel, Event

WallClock = Callable[[], datetime]
Listener = Callable[[Sequence[Event]], None]
AgentStatus = Literal["available", "paused", "wrap_up"]
EndedBy = Literal["caller", "agent", "system"]
OverflowRule = Literal["max_length", "max_wait", "schedule", "nobody_logged_in"]


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


CALLBACK_NUMBER = re.compile(r"\+?[0-9]{3,20}")
"""A number a callback can call: 3 to 20 digits, ``+`` first when international."""


@dataclass
class _Callback(Journaled):
    """A callback a waiting caller asked for (R17), with its queue's terms then."""

    number: str
    reason: CallbackReason
    order: CallbackOrder
    tries: int
    retry_interval_s: float
    sms_text: str
    attempt: int = 1
    """The try in progress, or the next."""
    dialled: bool = False
    """The citizen's number is being called for this try."""
    dialled_for: int | None = None
    """Citizen first: the agent whose offer is held while the citizen's number is
    called (and rung once the citizen answered); ``None`` otherwise."""
    citizen_on_line: bool = False
    """Citizen first: the citizen answered and waits on the line for that agent."""
    due: float | None = None
    """Centre seconds when it goes back into its queue's line, while it waits out the
    retry interval or, scheduled, for its time (out of the line)."""
    due_priority: int | None = None
    """Set while a scheduled callback waits for its time: the priority it enters its
    queue's line with then (its wait counted from then on)."""


@dataclass(frozen=True, slots=True)
class VoicemailTaskView:
    """The message a voicemail task (R7) is about: its id, box, caller's number, when it
    came and how long it is."""

    message_id: int
    box: str
    caller: str
    received_at: datetime
    seconds: float


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
    held: bool = False
    """Parked on hold (a receptionist's, R29): out of the dispatcher, so never offered,
    until the agent takes it back."""
    come_back_to: int | None = None
    """Blind transfer by a receptionist (R29): the agent it comes back to if the target
    does not take it by ``come_back_at`` (centre seconds)."""
    come_back_at: float | None = None
    come_back_since: float = 0.0
    """Centre seconds when it was connected (the come-back's ``after_seconds`` start)."""
    came_back_from: int | None = None
    """The colleague a caller held here came back from (not answered there)."""
    outbound_agent: int | None = None
    """The agent whose softphone called this outside number (an outbound call)."""
    escalated_at: float | None = None
    """Centre seconds of the last rise by a queue's escalation rule (R16), if any."""
    callback: _Callback | None = None
    """The callback it became (R17): it waits without a voice leg."""
    voicemail: VoicemailTaskView | None = None
    """The message it is, when it is a voicemail task (R7): no voice leg either."""


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


@dataclass
class _Standby(Journaled):
    """A stand-by agent standing by (R23): where its softphone rings once the system logs
    it in, and the queues the system logged it in to (``auto``; only those it logs out)."""

    agent_id: int
    sip_contact: str | None
    session_key: str
    auto: set[int] = field(default_factory=set)


@dataclass
class _Alarm(Journaled):
    """A raised alarm (R24): its rule's name and queue, when (centre seconds), the figure
    then, and who acknowledged it (a user id) when."""

    rule: str
    queue_id: int
    raised_at: float
    value: float
    metric: str
    comparison: str
    threshold: float
    severity: str
    acknowledged_by: int | None = None
    acknowledged_at: float | None = None
    acknowledged_name: str | None = None


@dataclass(frozen=True, slots=True)
class StormView:
    """The storm message switched on at an entry point (R6)."""

    entry_point: str
    audio: str
    """The file played."""
    text: str | None
    """The words it was made from (text to speech), or None for a recorded prompt."""
    prompt: str | None
    """The recorded prompt it plays, or None when made from text."""
    started_at: datetime
    by_user: int | None


@dataclass(frozen=True, slots=True)
class PresenceView:
    """A user's presence (hänvisning, R29): away for ``reason`` until ``until`` (None:
    until ended), set at ``set_at`` by the user named ``set_by``."""

    username: str
    reason: str
    until: datetime | None
    note: str
    set_at: datetime
    set_by: str | None


@dataclass(frozen=True, slots=True)
class CallView:
    """An agent's current contact: answered (or rung) ``since``; ``queue_id`` None for an
    outbound call or a contact outside any queue."""

    contact_id: int
    queue_id: int | None
    outbound: bool
    since: datetime


@dataclass(frozen=True, slots=True)
class AgentView:
    """An agent as the centre sees it now."""

    agent_id: int
    username: str
    state: AgentStateName
    reason: str
    queues: tuple[int, ...]
    sip_contact: str | None
    last_contact: int | None
    wrap_up_until: datetime | None
    member_of: tuple[int, ...]
    state_since: datetime | None = None
    """When the agent entered ``state``, if the centre saw it happen (not before a restart)."""
    call: CallView | None = None
    """The contact it talks with (busy) or is offered."""
    standby: bool = False
    """Its profile marks it a stand-by agent (R23)."""
    standing_by: bool = False
    """A stand-by agent standing by: the system logs it in when traffic calls for it."""


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
    estimated_wait: float | None = None
    """What a caller joining the line now can expect to wait (the dispatcher's)."""


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
    callback_number: str | None = None
    """The number to call back, when the contact is a callback (R17)."""
    callback_reason: str | None = None
    callback_due: datetime | None = None
    """When a callback waiting out of the line (scheduled, or between tries) enters it."""
    held: bool = False
    came_back_from: int | None = None
    """Held with ``personal_agent`` because ``came_back_from`` did not take the blind
    transfer in time (R29)."""
    voicemail: VoicemailTaskView | None = None
    """The message, when the contact is a voicemail task (R7)."""
