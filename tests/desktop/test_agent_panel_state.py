"""The agent panel's state from server events, without Qt, on a hand-moved clock."""

from datetime import UTC, datetime, timedelta

from vaxla_desktop.core.agent_panel import Changed, PanelState
from vaxla_protocol import Role
from vaxla_protocol.agent import AgentState, QueueRef, QueueState
from vaxla_protocol.control import ParkedChanged, ParkedContact
from vaxla_protocol.events import AgentStateChanged, QueueSnapshot, Welcome

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SUPPORT = QueueRef(id=1, name="Support")
SALES = QueueRef(id=2, name="Sales")


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def agent(
    agent_id: int,
    username: str,
    state: str = "available",
    *,
    member_of: tuple[QueueRef, ...] = (SUPPORT,),
    **fields: object,
) -> AgentStateChanged:
    return AgentStateChanged(
        agent=AgentState.model_validate(
            {
                "agent_id": agent_id,
                "username": username,
                "state": state,
                "queues": [q.model_dump() for q in member_of] if state != "offline" else [],
                "member_of": [q.model_dump() for q in member_of],
                **fields,
            }
        )
    )


def queue(ref: QueueRef, waiting: int = 0, longest: float = 0.0) -> QueueState:
    return QueueState(
        id=ref.id, name=ref.name, waiting=waiting, longest_wait_s=longest,
        agents_logged_in=1, agents_available=1, agents_busy=0, agents_paused=0,
        agents_wrap_up=0, service_goal_percent=80, service_goal_s=20, offered_today=3,
        answered_today=2, abandoned_today=1, service_level_today=66.7,
    )  # fmt: skip


def welcomed(clock: Clock, username: str = "anna") -> PanelState:
    state = PanelState(clock)
    state.apply(Welcome(protocol_version=1, username=username, role=Role.AGENT))
    return state


def test_my_state_and_my_colleagues_are_told_apart_by_the_welcome() -> None:
    state = welcomed(Clock())
    assert state.apply(agent(7, "anna")) == Changed.ME | Changed.QUEUES
    assert state.apply(agent(8, "bo", "paused", reason="lunch")) == Changed.COLLEAGUES
    assert state.me is not None and state.me.agent_id == 7
    assert [c.username for c in state.colleagues.values()] == ["bo"]
    assert state.logged_in_queues() == {1}


def test_a_colleague_who_no_longer_shares_a_queue_is_dropped() -> None:
    state = welcomed(Clock())
    state.apply(agent(7, "anna", member_of=(SUPPORT, SALES)))
    state.apply(agent(8, "bo", member_of=(SALES,)))
    changed = state.apply(agent(7, "anna", member_of=(SUPPORT,)))
    assert Changed.COLLEAGUES in changed
    assert state.colleagues == {}


def test_a_supervisor_taking_calls_counts_only_its_queue_mates_as_colleagues() -> None:
    """Its socket carries every agent's state; those sharing no queue are not colleagues."""
    state = welcomed(Clock(), "sofia")
    state.apply(agent(3, "sofia", member_of=(SUPPORT,)))
    assert state.apply(agent(8, "bo", member_of=(SALES,))) == Changed.NOTHING
    assert state.apply(agent(9, "cia", member_of=(SUPPORT, SALES))) == Changed.COLLEAGUES
    assert [c.username for c in state.colleagues.values()] == ["cia"]
    assert state.apply(agent(9, "cia", member_of=(SALES,))) == Changed.COLLEAGUES
    assert state.colleagues == {}


def test_the_wrap_up_countdown_follows_the_clock_and_stops_at_zero() -> None:
    clock = Clock()
    state = welcomed(clock)
    assert state.wrap_up_remaining_s() is None
    state.apply(
        agent(7, "anna", "wrap_up", last_contact=41, wrap_up_until=START + timedelta(seconds=10))
    )
    assert state.wrap_up_remaining_s() == 10.0
    assert state.may_classify()
    clock.advance(3.5)
    assert state.wrap_up_remaining_s() == 6.5
    clock.advance(20)
    assert state.wrap_up_remaining_s() == 0.0
    state.apply(agent(7, "anna", "available", last_contact=41))
    assert state.wrap_up_remaining_s() is None
    # Not classified during wrap-up: still offered after it.
    assert state.may_classify() and state.classifying_after_wrap_up()


def test_the_last_call_is_offered_for_classifying_until_classified_or_the_next_call() -> None:
    state = welcomed(Clock())
    assert not state.may_classify()
    state.apply(agent(7, "anna", "busy", last_contact=41))
    assert not state.may_classify()  # classified at wrap-up, not during the call
    state.apply(agent(7, "anna", "wrap_up", last_contact=41, wrap_up_until=START))
    assert state.may_classify() and not state.classifying_after_wrap_up()
    state.apply(agent(7, "anna", "paused", last_contact=41, reason="meeting"))
    assert state.may_classify() and state.classifying_after_wrap_up()
    state.apply(agent(7, "anna", "available", last_contact=41))
    assert state.may_classify()
    state.classified(41)
    assert not state.may_classify()

    # The next call: while it rings or runs the last one is no longer offered (the
    # server would classify whichever was answered last), nor after it unless new.
    state.apply(agent(7, "anna", "offered", last_contact=41))
    state.classified_contact = None
    assert not state.may_classify()
    state.apply(agent(7, "anna", "busy", last_contact=42))
    assert not state.may_classify()
    state.apply(agent(7, "anna", "available", last_contact=42))
    assert state.may_classify()
    state.apply(agent(7, "anna", "offline", last_contact=42))
    assert not state.may_classify()


def test_queues_are_mine_first_and_the_longest_wait_grows_between_snapshots() -> None:
    clock = Clock()
    state = welcomed(clock)
    state.apply(agent(7, "anna", member_of=(SALES,)))
    state.apply(QueueSnapshot(queues=[queue(SUPPORT, 4, 90.0), queue(SALES, 2, 30.0)]))
    clock.advance(5)
    figures = state.queues()
    assert [(f.state.name, f.mine, f.longest_wait_s) for f in figures] == [
        ("Sales", True, 35.0),
        ("Support", False, 95.0),
    ]
    assert state.waiting_in_my_queues() == 2
    assert state.longest_wait_in_my_queues_s() == 35.0


def test_an_empty_queue_has_no_wait() -> None:
    state = welcomed(Clock())
    state.apply(agent(7, "anna"))
    state.apply(QueueSnapshot(queues=[queue(SUPPORT, 0, 0.0)]))
    assert state.longest_wait_in_my_queues_s() == 0.0
    assert state.waiting_in_my_queues() == 0


def test_only_my_personal_queue_is_kept_and_its_waits_grow() -> None:
    clock = Clock()
    state = welcomed(clock)
    state.apply(agent(7, "anna"))
    parked = ParkedContact(
        contact_id=5, agent_id=7, caller="+4670111", queue="Support", parked_at=START, wait_s=40
    )
    assert state.apply(ParkedChanged(agent_id=8, contacts=[parked])) == Changed.NOTHING
    assert state.apply(ParkedChanged(agent_id=7, contacts=[parked])) == Changed.PARKED
    clock.advance(12)
    assert state.parked_wait_s(state.parked[0]) == 52.0


def test_another_user_on_the_same_panel_starts_from_nothing() -> None:
    clock = Clock()
    state = welcomed(clock)
    state.apply(agent(7, "anna"))
    state.apply(agent(8, "bo"))
    state.apply(Welcome(protocol_version=1, username="bo", role=Role.AGENT))
    assert state.me is None and state.colleagues == {}
