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

The event socket carries :class:`TransferChanged` and :class:`ParkedChanged` to the
agent concerned (and to supervisors and administrators).
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


class ParkedContact(WireModel):
    contact_id: int
    agent_id: int
    caller: str | None
    queue: str
    """The queue the caller came from."""
    parked_at: datetime
    wait_s: float
    """Accumulated wait, including the time parked."""


class TransferChanged(WireModel):
    type: Literal["transfer"] = "transfer"
    agent_id: int
    transfer: TransferState


class ParkedChanged(WireModel):
    """The agent's personal queue as it is now."""

    type: Literal["parked"] = "parked"
    agent_id: int
    contacts: list[ParkedContact]
