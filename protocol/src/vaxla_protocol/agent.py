"""Agent actions and the live picture of agents and queues (``/agent``, ``/agents``,
``/queues``)."""

from datetime import datetime
from typing import Literal

from pydantic import Field

from vaxla_protocol._base import WireModel

SIP_URI_PATTERN = (
    r"^sips?:([^\s\x00-\x1f\x7f-\x9f@<>\"]+@)?[A-Za-z0-9.\-\[\]:]+(;[^\s\x00-\x1f\x7f-\x9f<>\"]*)?$"
)
r"""A SIP URI as a softphone's contact: ``sip:`` or ``sips:``, an optional user part, a
host (name, IPv4, or [IPv6]) with an optional port, and URI parameters; no whitespace,
CR, LF or other control character (a header value with a line break would split the
server's INVITE). The control characters are named as well as ``\s``: the JSON Schema's
ECMAScript ``\s`` and the validator's leave U+0085 on different sides."""

AgentStateName = Literal["offline", "available", "offered", "busy", "paused", "wrap_up"]


class QueueRef(WireModel):
    id: int = Field(ge=0)
    name: str


class AgentLoginRequest(WireModel):
    """Log in to ``queues`` (ids; all the agent is a member of when omitted).
    ``sip_contact`` is where the agent's softphone takes the server's offers."""

    queues: list[int] | None = None
    sip_contact: str | None = Field(
        default=None,
        min_length=1,
        max_length=512,
        pattern=SIP_URI_PATTERN,
        description="A SIP URI (sip: or sips:, user@host[:port][;params]), no spaces or "
        "control characters.",
    )


class AgentLogoutRequest(WireModel):
    """Log out of ``queues`` (of every queue when omitted)."""

    queues: list[int] | None = None


class PauseRequest(WireModel):
    """Pause with the code of an active pause reason (``GET /config/pause-reasons``)."""

    reason: str = Field(min_length=1, max_length=64)


class ClassifyRequest(WireModel):
    """Classify the last answered contact with an active classification code."""

    code: str = Field(min_length=1, max_length=64)


class AgentCall(WireModel):
    """The contact an agent talks with (busy) or is being offered, ``since`` it answered
    (or was rung). ``queue`` is None for an outbound call. The caller's number is not
    here: colleagues see each other's states; an offer (``OfferMade``) carries it to
    those who may see it."""

    contact_id: int
    queue: QueueRef | None
    direction: Literal["inbound", "outbound"]
    since: datetime


class AgentState(WireModel):
    """An agent now: its state, the queues it is logged in to and those it may join."""

    agent_id: int
    username: str
    state: AgentStateName
    reason: str = ""
    """The pause reason while paused (``"no answer"`` after a ring-out)."""
    queues: list[QueueRef]
    member_of: list[QueueRef]
    last_contact: int | None = None
    wrap_up_until: datetime | None = None
    state_since: datetime | None = None
    """When it entered ``state``; None when the server did not see that happen (the
    state it had at the server's start)."""
    call: AgentCall | None = None
    standby: bool = False
    """Its profile marks it a stand-by agent: it may stand by (``POST /agent/standby``)."""
    standing_by: bool = False
    """A stand-by agent standing by: the server logs it in when its queues need it (R23)."""


class QueueState(WireModel):
    """A queue now, and its service level since midnight (server's time zone: UTC)."""

    id: int
    name: str
    waiting: int
    longest_wait_s: float
    agents_logged_in: int
    agents_available: int
    agents_busy: int
    agents_paused: int
    agents_wrap_up: int
    service_goal_percent: float
    service_goal_s: float
    offered_today: int
    answered_today: int
    abandoned_today: int
    service_level_today: float | None
    """Percent answered within the goal's seconds of the contacts offered today (short
    abandons, and callers still waiting who have not yet waited the goal's seconds, left
    out), or None before there is one to count."""
    estimated_wait_s: float | None = None
    """What a caller joining the line now can expect to wait (R9's estimate: 0 when an
    agent is free, None when nobody works the queue or nothing is known yet)."""


class WaitingContact(WireModel):
    """A contact waiting in a queue: its accumulated wait, its priority (higher is served
    first) and what the caller entered, as the agent it is offered to sees it (R5: a
    personnummer masked but for its last four digits, a PIN never)."""

    contact_id: int
    queue_id: int
    caller: str | None
    entry_point: str
    state: Literal["waiting", "offered", "scheduled"]
    """``scheduled``: a callback waiting out of the line until ``callback_due`` (its
    scheduled time, or its next try); its ``position`` is 0."""
    position: int
    wait_s: float
    estimated_wait_s: float | None
    priority: int = 0
    data: dict[str, str] = Field(default_factory=dict)
    callback_number: str | None = None
    """Set when the contact is a callback (R17): the caller left the line keeping its
    place, and this is the number it is called back on."""
    callback_due: datetime | None = None
    """Set while a callback waits out of the line (``scheduled``): when it enters it."""


class MoveRequest(WireModel):
    """Move a waiting contact to the queue ``queue_id``, keeping its wait."""

    queue_id: int = Field(ge=0)


class PriorityRequest(WireModel):
    """Give a waiting contact the priority ``priority`` (higher is served first)."""

    priority: int = Field(ge=0, le=100)


class PickRequest(WireModel):
    """Take a waiting contact out of its queue's line for the agent ``agent_id``, keeping
    its wait. ``offer`` true: the agent (who must be available) is rung at once, and the
    contact goes back to its queue if the agent does not take it; false: it waits in the
    agent's personal queue until the agent is free."""

    agent_id: int = Field(ge=0)
    offer: bool = True
