"""Which mode the main window opens in, by the user's role.

Each mode asks the server only for what its role may read (the server's route × role
table): an agent's mode uses ``/agent``; the real-time view ``/agents`` (read) and, for
a supervisor, ``/agents/{id}/…``. Operators and administrators get the real-time view without
its actions, never the agent's window (whose requests they would be refused).
A supervisor or an operator may have an agent profile too (the server gives profiles to
agents, supervisors and operators, and lets them use ``/agent``): their mode asks
``GET /agent`` once, and when it answers offers a switch (Ctrl+Shift+T) between the
real-time view and the agent's mode (the agent panel and the softphone; an operator's
with the Switchboard tab first, R29) in the same window; back in the view, they are
logged out of their queues. Without a profile there is no switch and no further
``/agent`` request.
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
