"""The wire contract between the Vaxla server and its clients.

Both sides import these models; neither defines its own copy of a message.
"""

from vaxla_protocol.auth import CurrentUser, LoginRequest, LoginResponse, Role
from vaxla_protocol.health import Health
from vaxla_protocol.version import (
    API_PREFIX,
    PROTOCOL_VERSION,
    ProtocolMismatch,
    check_compatible,
)

__all__ = [
    "API_PREFIX",
    "PROTOCOL_VERSION",
    "CurrentUser",
    "Health",
    "LoginRequest",
    "LoginResponse",
    "ProtocolMismatch",
    "Role",
    "check_compatible",
]
