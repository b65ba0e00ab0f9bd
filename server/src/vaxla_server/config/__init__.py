"""The configuration: skills, pause reasons, classification codes, queues, agent profiles
and the licence (R11 to R24, R34).

``Configuration(store.engine)`` reads and changes it; a refused change raises a
``ConfigError`` that says what is wrong and changes nothing. ``dispatcher_events`` turns
what is stored into the dispatcher's ``AddQueue`` and ``AddAgent`` events.
"""

from vaxla_server.config.dispatch import dispatcher_events
from vaxla_server.config.errors import (
    ConfigError,
    DuplicateName,
    InvalidConfig,
    LicenceExceeded,
    NotAnAgent,
    NotFound,
    StillReferenced,
    UnknownStrategy,
)
from vaxla_server.config.licence import Licence
from vaxla_server.config.service import ConfigSnapshot, Configuration
from vaxla_server.config.settings import (
    AgentProfile,
    AgentSettings,
    ClassificationCode,
    ExpansionStep,
    Membership,
    PauseReason,
    Queue,
    QueueSettings,
    ServiceGoal,
    Skill,
)

__all__ = [
    "AgentProfile",
    "AgentSettings",
    "ClassificationCode",
    "ConfigError",
    "ConfigSnapshot",
    "Configuration",
    "DuplicateName",
    "ExpansionStep",
    "InvalidConfig",
    "Licence",
    "LicenceExceeded",
    "Membership",
    "NotAnAgent",
    "NotFound",
    "PauseReason",
    "Queue",
    "QueueSettings",
    "ServiceGoal",
    "Skill",
    "StillReferenced",
    "UnknownStrategy",
    "dispatcher_events",
]
