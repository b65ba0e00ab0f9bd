"""How an offer reaches an agent: the interface the call flow implements.

The centre decides who gets which contact and publishes each offer and withdrawal on
its notifier (``OFFERS``), once the events saying so are written; a ``Delivery`` that
follows them (``follow_offers``) rings the agent's softphone (at the SIP contact it
reported at login, with the per-offer token in the ``X-Vaxla-Offer`` header) and stops
ringing when the offer is withdrawn. It reports back through the centre's ``answered``,
``declined`` and ``ended``.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from vaxla_protocol.offers import OfferToken
from vaxla_server.notifier import Notifier, Topic


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
    callback_number: str | None = None
    """A callback (R17): the number the agent's call goes to once answered."""
    callback_order: str | None = None
    """A callback's order (R17): ``agent_first`` or ``citizen_first``."""


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


@dataclass(frozen=True, slots=True)
class Offer:
    """Ring ``agent`` with ``contact`` (``token`` goes in the INVITE's header)."""

    contact: OfferedContact
    agent: AgentLeg
    token: OfferToken


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """Stop ringing ``agent_id`` for ``contact_id``."""

    contact_id: int
    agent_id: int


OFFERS: Topic[Offer | Withdrawal] = Topic("offers to agents")
"""The centre's offers and withdrawals, in the order it made them."""


def follow_offers(notifier: Notifier, delivery: Delivery) -> Callable[[], None]:
    """Have ``delivery`` carry out every offer and withdrawal published on ``notifier``;
    returns the function that stops it."""

    def carry_out(message: Offer | Withdrawal) -> None:
        if isinstance(message, Offer):
            delivery.offer(message.contact, message.agent, message.token)
        else:
            delivery.withdraw(message.contact_id, message.agent_id)

    return notifier.subscribe(OFFERS, carry_out)


class NoDelivery:
    """Offers go nowhere: the centre runs without media workers (tests of the API, a
    server started before its workers)."""

    def offer(self, contact: OfferedContact, agent: AgentLeg, token: OfferToken) -> None:
        return None

    def withdraw(self, contact_id: int, agent_id: int) -> None:
        return None


class PhonesOnly:
    """Hands ``delivery`` the offers that ring a softphone. A voicemail task (R7,
    channel ``voicemail``) has no voice leg: its offer reaches the agent's desktop over
    the event socket alone, and the agent takes or declines it through the API."""

    def __init__(self, delivery: Delivery) -> None:
        self._delivery = delivery

    def offer(self, contact: OfferedContact, agent: AgentLeg, token: OfferToken) -> None:
        if contact.channel != "voicemail":
            self._delivery.offer(contact, agent, token)

    def withdraw(self, contact_id: int, agent_id: int) -> None:
        self._delivery.withdraw(contact_id, agent_id)  # nothing rings for a task: no-op there
