"""The running contact centre: the dispatcher, the event log, the timers and the
offers to agents, composed in ``ContactCentre``."""

from vaxla_server.acd.centre.centre import (
    CENTRE_EVENTS,
    AgentView,
    ConfigSource,
    ContactCentre,
    ContactView,
    EndedBy,
    OverflowRule,
    QueueView,
)
from vaxla_server.acd.centre.delivery import (
    OFFERS,
    AgentLeg,
    Delivery,
    NoDelivery,
    Offer,
    OfferedContact,
    Withdrawal,
    follow_offers,
)
from vaxla_server.acd.centre.errors import (
    CentreError,
    EventLogUnavailable,
    InvalidAction,
    InvalidValue,
    UnknownSubject,
)

__all__ = [
    "CENTRE_EVENTS",
    "OFFERS",
    "AgentLeg",
    "AgentView",
    "CentreError",
    "ConfigSource",
    "ContactCentre",
    "ContactView",
    "Delivery",
    "EndedBy",
    "EventLogUnavailable",
    "InvalidAction",
    "InvalidValue",
    "NoDelivery",
    "Offer",
    "OfferedContact",
    "OverflowRule",
    "QueueView",
    "UnknownSubject",
    "Withdrawal",
    "follow_offers",
]
