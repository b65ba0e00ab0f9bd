"""Which mode the main window opens in, by the user's role.

Each mode asks the server only for what its role may read (the server's route × role
table): an agent's mode uses ``/agent``; the real-time view ``/agents`` (read) and, for
a supervisor, ``/agents/{id}/…``. The operator's switchboard and the administrator's
mode are not built yet: until they are, those roles get the real-time view without
its actions, never the agent's window (whose requests they would be refused).
No user is both agent and supervisor, so there is no switching between the two: the
server gives agent profiles to agent users only, and keeps ``/agent`` to them.
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
