"""How an offer reaches an agent: the interface the media workers implement.

The centre decides who gets which contact; a ``Delivery`` rings the agent's softphone
(at the SIP contact it reported at login, with the per-offer token in the
``X-Vaxla-Offer`` header) and stops ringing when the offer is withdrawn. It reports back
through the centre's ``answered``, ``declined`` and ``ended``.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from vaxla_protocol.offers import OfferToken


@dataclass(frozen=True, slots=True)
class OfferedContact:
    """What an agent is offered: the contact, where it waited, and what the caller entered."""

    contact_id: int
    queue_id: int
    caller: str | None
    entry_point: str
    channel: str
    wait_seconds: float
    entered_at: datetime
    data: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AgentLeg:
    """Where to ring the agent: its id and the SIP contact its softphone reported."""

    agent_id: int
    sip_contact: str | None


class Delivery(Protocol):
    def offer(self, contact: OfferedContact, agent: AgentLeg, token: OfferToken) -> None:
        """Ring ``agent`` with ``contact``; must not block."""
        ...

    def withdraw(self, contact_id: int, agent_id: int) -> None:
        """Stop ringing ``agent_id`` for ``contact_id`` (answered elsewhere, the agent
        paused, the caller left)."""
        ...


class NoDelivery:
    """Offers go nowhere: the centre runs without media workers (tests of the API, a
    server started before its workers)."""

    def offer(self, contact: OfferedContact, agent: AgentLeg, token: OfferToken) -> None:
        return None

    def withdraw(self, contact_id: int, agent_id: int) -> None:
        return None
