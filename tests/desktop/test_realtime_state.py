"""The real-time view's state from server events, without Qt, on a hand-moved clock."""

from datetime import timedelta

from tests.desktop.test_agent_panel_state import SALES, START, SUPPORT, Clock, agent, queue
from vaxla_desktop.core.modes import Mode, mode_for
from vaxla_desktop.core.realtime import RealtimeChanged, RealtimeState
from vaxla_protocol import Role
from vaxla_protocol.events import OfferMade, QueueSnapshot, Welcome


def call(contact_id: int, since_s: float, queue_ref: object = SUPPORT) -> dict[str, object]:
    return {
        "contact_id": contact_id,
        "queue": None if queue_ref is None else queue_ref.model_dump(),  # type: ignore[attr-defined]
        "direction": "inbound" if queue_ref is not None else "outbound",
        "since": START + timedelta(seconds=since_s),
    }


def offer(agent_id: int, contact_id: int, caller: str | None) -> OfferMade:
    return OfferMade(
        agent_id=agent_id, offer_id=f"o{contact_id}", contact_id=contact_id, queue_id=SUPPORT.id,
        queue=SUPPORT.name, caller=caller, entry_point="100", wait_s=3.0, data={},
    )  # fmt: skip


def welcomed(clock: Clock) -> RealtimeState:
    state = RealtimeState(clock)
    state.apply(Welcome(protocol_version=1, username="sofia", role=Role.SUPERVISOR))
    return state


def test_each_role_opens_its_mode() -> None:
    assert mode_for(Role.AGENT) is Mode.AGENT
    assert mode_for(Role.SUPERVISOR) is Mode.SUPERVISOR
    assert mode_for(Role.OPERATOR) is Mode.WATCH
    assert mode_for(Role.ADMIN) is Mode.WATCH


def test_every_agent_with_its_time_in_state_its_call_and_the_caller_of_its_offer() -> None:
    clock = Clock()
    state = welcomed(clock)
    assert state.apply(agent(7, "anna", "busy", state_since=START, call=call(4, 0))) == (
        RealtimeChanged.AGENTS
    )
    assert state.apply(agent(8, "bo", "paused", reason="lunch")) == RealtimeChanged.AGENTS
    clock.advance(75)
    rows = {row.agent.username: row for row in state.rows()}
    assert rows["anna"].in_state_s == 75 and rows["anna"].call_s == 75
    assert rows["anna"].caller is None  # rung before this socket opened: no offer seen
    assert rows["bo"].in_state_s is None and rows["bo"].call_s is None

    # A new call: the offer carries the caller's number, the state the call.
    assert state.apply(offer(8, 5, "+46701234567")) == RealtimeChanged.AGENTS
    state.apply(agent(8, "bo", "offered", state_since=clock(), call=call(5, 75)))
    clock.advance(2)
    bo = next(row for row in state.rows() if row.agent.username == "bo")
    assert (bo.caller, bo.in_state_s, bo.call_s) == ("+46701234567", 2, 2)


def test_the_queues_longest_wait_moves_with_the_clock_and_a_new_welcome_starts_over() -> None:
    clock = Clock()
    state = welcomed(clock)
    assert state.apply(QueueSnapshot(queues=[queue(SUPPORT, 2, 30.0), queue(SALES)])) == (
        RealtimeChanged.QUEUES
    )
    assert state.pictured
    clock.advance(10)
    assert [(f.state.name, f.longest_wait_s) for f in state.queues()] == [
        ("Sales", 0.0),
        ("Support", 40.0),
    ]
    state.apply(agent(7, "anna"))
    state.apply(Welcome(protocol_version=1, username="olle", role=Role.OPERATOR))
    assert state.agents == {} and state.queues() == [] and not state.pictured
