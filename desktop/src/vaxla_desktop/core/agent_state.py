"""An agent's working state and the moves between states.

``apply(status, event)`` is the only way to a new state; a move that is not allowed
raises :class:`InvalidTransition` and leaves the caller's status as it was (statuses
are immutable).
"""

from dataclasses import dataclass
from enum import StrEnum


class AgentState(StrEnum):
    """Whether the agent may be offered contacts.

    Being on a call is the call state machine's business, not a state here: an agent
    on a call is AVAILABLE until the call ends and wrap-up begins.
    """

    OFFLINE = "offline"
    AVAILABLE = "available"
    PAUSED = "paused"
    WRAP_UP = "wrap-up"


@dataclass(frozen=True, slots=True)
class AgentStatus:
    state: AgentState
    pause_reason: str | None = None

    def __post_init__(self) -> None:
        if (self.state is AgentState.PAUSED) != (self.pause_reason is not None):
            raise ValueError("an agent has a pause reason exactly when paused")


OFFLINE = AgentStatus(AgentState.OFFLINE)
AVAILABLE = AgentStatus(AgentState.AVAILABLE)
WRAP_UP = AgentStatus(AgentState.WRAP_UP)


@dataclass(frozen=True, slots=True)
class LogIn:
    pass


@dataclass(frozen=True, slots=True)
class LogOut:
    pass


@dataclass(frozen=True, slots=True)
class Pause:
    reason: str


@dataclass(frozen=True, slots=True)
class Resume:
    pass


@dataclass(frozen=True, slots=True)
class CallEnded:
    """The agent's call has ended: after-call work begins (R19)."""


@dataclass(frozen=True, slots=True)
class EndWrapUp:
    """The agent ends after-call work, possibly before its time is up (R19)."""


AgentEvent = LogIn | LogOut | Pause | Resume | CallEnded | EndWrapUp


class AgentStateError(Exception):
    """Base of the errors a state change can raise."""


class InvalidTransition(AgentStateError):
    def __init__(self, state: AgentState, event: AgentEvent) -> None:
        self.state = state
        self.event = event
        super().__init__(f"cannot {type(event).__name__} while {state.value}")


class MissingPauseReason(AgentStateError):
    def __init__(self) -> None:
        super().__init__("a pause needs a reason (R20)")


def apply(status: AgentStatus, event: AgentEvent) -> AgentStatus:
    """Return the status after ``event``, or raise if the move is not allowed."""
    state = status.state
    match event:
        case LogIn() if state is AgentState.OFFLINE:
            return AVAILABLE
        case LogOut() if state is not AgentState.OFFLINE:
            return OFFLINE
        case Pause(reason=reason) if state is not AgentState.OFFLINE:
            # Pausing while paused changes the reason.
            reason = reason.strip()
            if not reason:
                raise MissingPauseReason
            return AgentStatus(AgentState.PAUSED, pause_reason=reason)
        case Resume() if state is AgentState.PAUSED:
            return AVAILABLE
        case CallEnded() if state is AgentState.AVAILABLE:
            return WRAP_UP
        case EndWrapUp() if state is AgentState.WRAP_UP:
            return AVAILABLE
    raise InvalidTransition(state, event)
