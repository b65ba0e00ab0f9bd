import pytest

from vaxla_desktop.core.agent_state import (
    AVAILABLE,
    OFFLINE,
    WRAP_UP,
    AgentEvent,
    AgentState,
    AgentStatus,
    CallEnded,
    EndWrapUp,
    InvalidTransition,
    LogIn,
    LogOut,
    MissingPauseReason,
    Pause,
    Resume,
    apply,
)

PAUSED_LUNCH = AgentStatus(AgentState.PAUSED, pause_reason="lunch")


def test_a_working_day() -> None:
    day: list[tuple[AgentEvent, AgentStatus]] = [
        (LogIn(), AVAILABLE),
        (CallEnded(), WRAP_UP),
        (EndWrapUp(), AVAILABLE),
        (Pause("lunch"), PAUSED_LUNCH),
        (Resume(), AVAILABLE),
        (LogOut(), OFFLINE),
    ]
    status = OFFLINE
    for event, expected in day:
        status = apply(status, event)
        assert status == expected


def test_pause_from_wrap_up_keeps_the_reason() -> None:
    assert apply(WRAP_UP, Pause("  meeting ")) == AgentStatus(
        AgentState.PAUSED, pause_reason="meeting"
    )


def test_pausing_again_changes_the_reason() -> None:
    assert apply(PAUSED_LUNCH, Pause("training")).pause_reason == "training"


@pytest.mark.parametrize("status", [AVAILABLE, WRAP_UP, PAUSED_LUNCH])
def test_log_out_from_any_logged_in_state(status: AgentStatus) -> None:
    assert apply(status, LogOut()) == OFFLINE


@pytest.mark.parametrize("reason", ["", "   "])
def test_pause_needs_a_reason(reason: str) -> None:
    with pytest.raises(MissingPauseReason):
        apply(AVAILABLE, Pause(reason))


@pytest.mark.parametrize(
    ("status", "event"),
    [
        (OFFLINE, LogOut()),
        (OFFLINE, Pause("lunch")),
        (OFFLINE, Resume()),
        (OFFLINE, CallEnded()),
        (AVAILABLE, LogIn()),
        (AVAILABLE, Resume()),
        (AVAILABLE, EndWrapUp()),
        (WRAP_UP, CallEnded()),
        (PAUSED_LUNCH, EndWrapUp()),
        (PAUSED_LUNCH, LogIn()),
    ],
)
def test_moves_that_are_not_allowed(status: AgentStatus, event: AgentEvent) -> None:
    with pytest.raises(InvalidTransition) as caught:
        apply(status, event)
    assert caught.value.state is status.state
    assert caught.value.event == event


def test_invalid_transition_message_names_event_and_state() -> None:
    with pytest.raises(InvalidTransition, match="cannot Resume while available"):
        apply(AVAILABLE, Resume())


@pytest.mark.parametrize(
    ("state", "reason"),
    [(AgentState.PAUSED, None), (AgentState.AVAILABLE, "lunch")],
)
def test_status_has_a_reason_exactly_when_paused(state: AgentState, reason: str | None) -> None:
    with pytest.raises(ValueError, match="exactly when paused"):
        AgentStatus(state, pause_reason=reason)
