"""The event WebSocket (``/api/v1/events``): what the server pushes to desktops.

The client opens the socket and sends ``Hello`` first (its bearer token and protocol
version). A bad token closes the socket with ``CLOSE_UNAUTHORIZED``, another protocol
version with ``CLOSE_PROTOCOL_MISMATCH``; the close reason says what is wrong. Otherwise
the server answers ``Welcome`` and from then on pushes ``ServerEvent``s, filtered by
role: an agent gets its own state and offers, its own call's control (transfers, the
personal queue, the call's progress: ``vaxla_protocol.control``), its colleagues' states
(agents sharing a queue with it) and the snapshots of every queue (its own and the other
groups', R28); an operator every agent's state and every queue; a supervisor or
administrator that, every offer and every agent's call control, the trunks'
registrations and every contact waiting in a queue (``WaitingContacts``, R16).
"""

from typing import Annotated, Final, Literal

from pydantic import Field, TypeAdapter

from vaxla_protocol._base import WireModel
from vaxla_protocol.agent import AgentState, QueueState, WaitingContact
from vaxla_protocol.alarms import AlarmsChanged, StandbyMoved
from vaxla_protocol.auth import Role
from vaxla_protocol.config import TrunkRegistration
from vaxla_protocol.control import CallProgress, ParkedChanged, TransferChanged
from vaxla_protocol.directory import LineStatusChanged, PresenceChanged
from vaxla_protocol.storm import StormChanged
from vaxla_protocol.voicemail import VoicemailMessageView, VoicemailTask

EVENTS_PATH: Final = "/events"
CLOSE_UNAUTHORIZED: Final = 4401
CLOSE_PROTOCOL_MISMATCH: Final = 4400
CLOSE_BAD_HELLO: Final = 4422


class Hello(WireModel):
    """The client's first message."""

    token: str = Field(min_length=1, repr=False)
    protocol_version: int


class Welcome(WireModel):
    type: Literal["welcome"] = "welcome"
    protocol_version: int
    username: str
    role: Role


class AgentStateChanged(WireModel):
    type: Literal["agent_state"] = "agent_state"
    agent: AgentState


class QueueSnapshot(WireModel):
    """Every queue the receiver may see, as it is now (sent on change, rate-limited)."""

    type: Literal["queue_snapshot"] = "queue_snapshot"
    queues: list[QueueState]


class OfferMade(WireModel):
    """A contact offered to ``agent_id``; its softphone is being rung with the offer
    ``offer_id`` in the ``X-Vaxla-Offer`` header (a voicemail task rings none)."""

    type: Literal["offer"] = "offer"
    agent_id: int
    offer_id: str
    contact_id: int
    queue_id: int
    queue: str
    caller: str | None
    entry_point: str
    wait_s: float
    data: dict[str, str]
    """What the caller entered (R5); secrets (PINs) are never in it."""
    callback_number: str | None = None
    """Set when the offer is a callback (R17): the number the agent's call goes to."""
    voicemail: VoicemailTask | None = None
    """Set when the offer is a voicemail task (R7): no softphone rings; the desktop shows
    the offer and takes or declines it through the API."""


class TrunkRegistrationChanged(WireModel):
    """A registration trunk's registration changed state (supervisors and administrators
    only): registered, failed with the operator's reason, or unregistered."""

    type: Literal["trunk_registration"] = "trunk_registration"
    registration: TrunkRegistration


class WaitingContacts(WireModel):
    """Every contact waiting in a queue's line now, by queue and position (supervisors
    and administrators only; sent just before each queue snapshot, so as often)."""

    type: Literal["waiting_contacts"] = "waiting_contacts"
    contacts: list[WaitingContact]


class VoicemailChanged(WireModel):
    """A message came to a voicemail box (``left``), was handled or purged: sent only to
    the users who may read the box (R7: the app's notification)."""

    type: Literal["voicemail"] = "voicemail"
    change: Literal["left", "handled", "purged"]
    message: VoicemailMessageView


ServerEvent = Annotated[
    Welcome
    | AgentStateChanged
    | QueueSnapshot
    | OfferMade
    | TransferChanged
    | ParkedChanged
    | CallProgress
    | TrunkRegistrationChanged
    | StormChanged
    | WaitingContacts
    | AlarmsChanged
    | StandbyMoved
    | VoicemailChanged
    | PresenceChanged
    | LineStatusChanged,
    Field(discriminator="type"),
]
SERVER_EVENT: TypeAdapter[ServerEvent] = TypeAdapter(ServerEvent)
