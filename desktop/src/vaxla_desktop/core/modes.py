"""Which mode the main window opens in, by the user's role.

Each mode asks the server only for what its role may read (the server's route × role
table): an agent's mode uses ``/agent``; the real-time view ``/agents`` (read) and, for
a supervisor, ``/agents/{id}/…``. The operator's switchboard and the administrator's
mode are not built yet: until they are, those roles get the real-time view without
its actions, never the agent's window (whose requests they would be refused).
A supervisor may have an agent profile too (the server gives profiles to agents and
supervisors, and lets both use ``/agent``): the supervisor's mode asks ``GET /agent``
once, and when it answers offers a switch (Ctrl+Shift+T) between the real-time view and
the agent's mode (the agent panel and the softphone) in the same window; back in the
view, the supervisor is logged out of its queues. Without a profile there is no switch
and no further ``/agent`` request.
"""

from enum import Enum

from vaxla_protocol import Role


class Mode(Enum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    """The real-time view with the actions on agents."""
    WATCH = "watch"
    """The real-time view, read-only."""


def mode_for(role: Role) -> Mode:
    match role:
        case Role.AGENT:
            return Mode.AGENT
        case Role.SUPERVISOR:
            return Mode.SUPERVISOR
        case Role.OPERATOR | Role.ADMIN:
            return Mode.WATCH
