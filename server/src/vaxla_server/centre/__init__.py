"""The running contact centre's kernel: the state, the write-ahead transaction, the timers
and the dispatcher's door (``engine.py``), and what the features and the rest of the
server share from it: the views, the errors and the offers' delivery.

The features' rules in the centre live in their slices (``agents/centre.py``,
``queues/centre.py``, ``callflow/centre.py``, ``control/centre.py``,
``outbound/centre.py``), each deriving from ``CentreKernel``; ``contact_centre.py``
composes them into ``ContactCentre``. This package does not import that composition, so a
feature's centre part can import the kernel without a cycle.
"""

from vaxla_server.centre.delivery import (
    OFFERS,
    AgentLeg,
    Delivery,
    NoDelivery,
    Offer,
    OfferedContact,
    PhonesOnly,
    Withdrawal,
    follow_offers,
)
from vaxla_server.centre.errors import (
    CentreError,
    EventLogUnavailable,
    InvalidAction,
    InvalidValue,
    UnknownSubject,
)
from vaxla_server.centre.kernel import CENTRE_EVENTS
from vaxla_server.centre.state import (
    CALLBACK_NUMBER,
    AgentView,
    ConfigSource,
    ContactView,
    EndedBy,
    OverflowRule,
    PresenceView,
    QueueView,
    StormView,
    VoicemailTaskView,
)

__all__ = [
    "CALLBACK_NUMBER",
    "CENTRE_EVENTS",
    "OFFERS",
    "AgentLeg",
    "AgentView",
    "CentreError",
    "ConfigSource",
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
    "PhonesOnly",
    "PresenceView",
    "QueueView",
    "StormView",
    "UnknownSubject",
    "VoicemailTaskView",
    "Withdrawal",
    "follow_offers",
]
