"""The configuration: skills, pause reasons, classification codes, queues, agent profiles,
the licence, the trunks to operators (``trunks.py``), and the call flow: schedules,
prompts, announcement sets, digit collections, menus, entry points, queue call-flow
settings and alarm rules (R10 to R24, R34).

``Configuration(store.engine)`` reads and changes it; a refused change raises a
``ConfigError`` that says what is wrong and changes nothing (the dispatcher's view of it
is made at the dispatcher's one door, ``centre/engine.py``). ``apply_document`` and
``export_document`` load and save all of it as one ``vaxla_protocol.config.ConfigDocument``;
``check`` lists problems of what is stored.
"""

from vaxla_server.config.call_flow import build_schedule, digit_rule
from vaxla_server.config.caller_input import (
    CallerInputError,
    EnteredData,
    Personnummer,
    mask_personnummer,
)
from vaxla_server.config.changes import CONFIG_CHANGED, ChangeKind, ConfigChange
from vaxla_server.config.errors import (
    ConfigError,
    DuplicateName,
    InvalidConfig,
    InvalidDocument,
    LicenceExceeded,
    MissingReference,
    NotAnAgent,
    NotAvailableYet,
    NotFound,
    QueueNotEmpty,
    StillReferenced,
    UnknownPrompt,
    UnknownStrategy,
)
from vaxla_server.config.licence import Licence
from vaxla_server.config.mail import MailServer
from vaxla_server.config.problems import ConfigProblem, Severity
from vaxla_server.config.prompts import PromptLibrary
from vaxla_server.config.schedule import Schedule, StatusKind
from vaxla_server.config.service import ConfigSnapshot, Configuration
from vaxla_server.config.settings import (
    MAX_PRIORITY,
    AgentProfile,
    AgentSettings,
    ClassificationCode,
    Escalation,
    ExpansionStep,
    Membership,
    PauseReason,
    Queue,
    QueueSettings,
    ServiceGoal,
    Skill,
    Standby,
)
from vaxla_server.config.trunks import Trunk, TrunkConflict, Trunks

__all__ = [
    "CONFIG_CHANGED",
    "MAX_PRIORITY",
    "AgentProfile",
    "AgentSettings",
    "CallerInputError",
    "ChangeKind",
    "ClassificationCode",
    "ConfigChange",
    "ConfigError",
    "ConfigProblem",
    "ConfigSnapshot",
    "Configuration",
    "DuplicateName",
    "EnteredData",
    "Escalation",
    "ExpansionStep",
    "InvalidConfig",
    "InvalidDocument",
    "Licence",
    "LicenceExceeded",
    "MailServer",
    "Membership",
    "MissingReference",
    "NotAnAgent",
    "NotAvailableYet",
    "NotFound",
    "PauseReason",
    "Personnummer",
    "PromptLibrary",
    "Queue",
    "QueueNotEmpty",
    "QueueSettings",
    "Schedule",
    "ServiceGoal",
    "Severity",
    "Skill",
    "Standby",
    "StatusKind",
    "StillReferenced",
    "Trunk",
    "TrunkConflict",
    "Trunks",
    "UnknownPrompt",
    "UnknownStrategy",
    "build_schedule",
    "digit_rule",
    "mask_personnummer",
]
