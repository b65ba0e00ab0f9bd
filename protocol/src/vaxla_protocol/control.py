"""An agent's control of the call it is in: transfer and the personal queue (R22).

Hold and mute are not here: hold is a SIP re-INVITE from the softphone (the media
worker plays music on hold to the caller while the agent's leg is held), mute is the
softphone's own.

Routes (under ``/api/v1/agent``, the agent's own session):

- ``POST /transfer`` with :class:`TransferRequest` → :class:`TransferState`. A blind
  transfer hands the caller over at once and ends the agent's leg; an attended one puts
  the caller on music on hold and connects the agent with the target first
  (``state == "consulting"``) until the agent completes or cancels it.
- ``POST /transfer/{transfer_id}/complete`` and ``POST /transfer/{transfer_id}/cancel``
  → :class:`TransferState`.
- ``POST /park`` with :class:`ParkRequest` → :class:`ParkedContact`: the caller waits in
  the agent's personal queue (music on hold) and the agent's leg ends.
- ``GET /parked`` → ``list[ParkedContact]``.
- ``POST /parked/{contact_id}/take`` → :class:`ParkedContact`: the server offers the
  parked caller to this agent again (the softphone rings with an offer as usual).

The event socket carries :class:`TransferChanged`, :class:`ParkedChanged` and
:class:`CallProgress` to the agent concerned (and to supervisors and administrators).
"""

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from vaxla_protocol._base import WireModel


class TransferKind(StrEnum):
    AGENT = "agent"
    """``target`` is a user name; the agent's softphone is rung with an offer."""
    QUEUE = "queue"
    """``target`` is a queue name; the caller keeps the accumulated wait."""
    NUMBER = "number"
    """``target`` is a telephone number (digits, optionally a leading ``+``)."""


class TransferRequest(WireModel):
    contact_id: int = Field(ge=0)
    kind: TransferKind
    target: str = Field(min_length=1, max_length=64)
    attended: bool = False
    come_back_after_s: float | None = Field(default=None, ge=5, le=600)
    """A blind transfer to an agent only (a receptionist's connection, R29): if the
    colleague does not answer within this many seconds (or declines), the caller comes
    back to the one who connected it, held in its personal queue and offered to it again
    (``ParkedContact.came_back_from``), instead of going back to its queue."""


TransferStateName = Literal["consulting", "completed", "cancelled", "failed"]


class TransferState(WireModel):
    transfer_id: str
    contact_id: int
    kind: TransferKind
    target: str
    attended: bool
    state: TransferStateName
    detail: str = ""
    """Why a transfer failed (target busy, no answer, unknown), in words for the agent."""


class ParkRequest(WireModel):
    contact_id: int = Field(ge=0)
    hold: bool = False
    """Keep the caller on hold (a receptionist holding several callers, R29): it is
    offered to the agent only when the agent takes it back, not as soon as it is free."""


class ParkedContact(WireModel):
    contact_id: int
    agent_id: int
    caller: str | None
    queue: str
    """The queue the caller came from."""
    parked_at: datetime
    wait_s: float
    """Accumulated wait, including the time parked."""
    held: bool = False
    """Parked with ``hold``: waits until taken back."""
    came_back_from: str | None = None
    """The colleague (user name) a blind connection with ``come_back_after_s`` was not
    answered by, so the caller came back here (R29); ``None`` for a call parked here."""


class TransferChanged(WireModel):
    type: Literal["transfer"] = "transfer"
    agent_id: int
    transfer: TransferState


class ParkedChanged(WireModel):
    """The agent's personal queue as it is now."""

    type: Literal["parked"] = "parked"
    agent_id: int
    contacts: list[ParkedContact]


CallProgressState = Literal["ringing", "bridged", "target_answered"]


class CallProgress(WireModel):
    """A step of the agent's call that its softphone cannot see for itself, said when the
    server has taken it (so a desktop, or a test, waits on it instead of guessing):

    - ``ringing``: the number of the agent's outbound call rings (its 180 or 183 reached
      the media worker); hanging up now cancels the call at the number.
    - ``bridged``: the caller and the agent talk through the media worker. For a caller
      the call control takes the agent's transfers and parks of ``contact_id`` from this
      moment (before it they are refused 409 "not connected to you yet"); for an outbound
      call the number answered and is bridged with the agent.
    - ``target_answered``: the target of the attended transfer ``transfer_id`` answered
      the consultation; the transfer can be completed now.
    """

    type: Literal["call_progress"] = "call_progress"
    agent_id: int
    contact_id: int
    state: CallProgressState
    transfer_id: str | None = None
