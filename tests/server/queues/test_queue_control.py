"""A supervisor's control of waiting contacts in the centre (R16): priority set by hand
and raised by a queue's escalation rule on a manual clock, a contact picked for an agent
(offered now, or put in its personal queue), each logged with who did it; refusals
change nothing."""

from dataclasses import replace

import pytest

from tests.server.centre.world import World, events_of, kinds, last_id, log_in
from vaxla_server.centre import InvalidAction, InvalidValue, UnknownSubject
from vaxla_server.config import Escalation
from vaxla_server.store.events import EventKind

SOFIA = 77
"""The supervisor's user id in the events (the centre takes it as given)."""


def _with_escalation(world: World, queue: str, rule: Escalation | None) -> None:
    settings = world.config.queue(queue).settings
    world.config.update_queue(queue, replace(settings, escalation=rule))
    world.centre.reload()


def _unchanged(world: World, since: int) -> None:
    assert kinds(world, since) == []


def test_a_raised_priority_is_served_first_and_logged_with_who_did_it(world: World) -> None:
    first = world.centre.enter("100", "+4670001")
    world.centre.queue(first, world.sales)
    world.clock.advance(seconds=10)
    second = world.centre.enter("100", "+4670002")
    world.centre.queue(second, world.sales, data={"customer": "42"})
    view = world.centre.set_priority(second, 5, by_user=SOFIA)
    assert (view.queue_priority, view.position) == (5, 1)
    log_in(world, world.cid)
    assert world.delivery.offered() == [(second, world.cid)]
    (changed,) = events_of(world, EventKind.PRIORITY_CHANGED)
    assert (changed.contact_id, changed.queue_id) == (second, world.sales)
    assert (changed.from_priority, changed.priority, changed.by_user) == (0, 5, SOFIA)


def test_priority_refusals_say_why_and_change_nothing(world: World) -> None:
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.sales, priority=3)
    since = last_id(world)
    with pytest.raises(InvalidAction, match=f"contact {contact} has priority 3 already"):
        world.centre.set_priority(contact, 3, by_user=SOFIA)
    with pytest.raises(InvalidValue, match="a priority is 0 to 100, not 101"):
        world.centre.set_priority(contact, 101, by_user=SOFIA)
    with pytest.raises(UnknownSubject):
        world.centre.set_priority(999, 1, by_user=SOFIA)
    _unchanged(world, since)
    assert world.centre.contact(contact).queue_priority == 3
    log_in(world, world.cid)
    world.centre.answered(contact, world.cid)
    since = last_id(world)
    with pytest.raises(InvalidAction, match="is not waiting in a queue"):
        world.centre.set_priority(contact, 4, by_user=SOFIA)
    _unchanged(world, since)


def test_the_escalation_rule_raises_priority_on_the_manual_clock(world: World) -> None:
    _with_escalation(world, "Sales", Escalation(after_s=30, raise_by=2, every_s=20, max_priority=5))
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.sales)
    world.clock.advance(seconds=29.9)
    world.centre.tick()
    assert world.centre.contact(contact).queue_priority == 0
    world.clock.advance(seconds=0.1)
    world.centre.tick()
    assert world.centre.contact(contact).queue_priority == 2
    world.clock.advance(seconds=20)
    world.centre.tick()
    assert world.centre.contact(contact).queue_priority == 4
    world.clock.advance(seconds=20)
    world.centre.tick()
    assert world.centre.contact(contact).queue_priority == 5  # never above max_priority
    world.clock.advance(seconds=300)
    world.centre.tick()
    changes = events_of(world, EventKind.PRIORITY_CHANGED)
    assert [(e.from_priority, e.priority, e.by_user) for e in changes] == [
        (0, 2, None),
        (2, 4, None),
        (4, 5, None),
    ]
    waits = [(e.at - changes[0].at).total_seconds() for e in changes]
    assert waits == [0.0, 20.0, 40.0]


def test_an_escalated_caller_overtakes_a_later_one_of_higher_priority(world: World) -> None:
    _with_escalation(world, "Sales", Escalation(after_s=30, raise_by=1))
    early = world.centre.enter("100", None)
    world.centre.queue(early, world.sales)
    world.clock.advance(seconds=20)
    late = world.centre.enter("100", None)
    world.centre.queue(late, world.sales, priority=1)
    world.clock.advance(seconds=10)
    world.centre.tick()  # early has waited 30 s: priority 1, and it came first
    log_in(world, world.cid)
    assert world.delivery.offered() == [(early, world.cid)]
    world.clock.advance(seconds=20)
    world.centre.tick()  # late has waited 30 s too: 1 + 1
    # Raised once only: a configuration change later raises neither again.
    world.clock.advance(seconds=100)
    world.centre.reload()
    changes = events_of(world, EventKind.PRIORITY_CHANGED)
    assert [(e.contact_id, e.from_priority, e.priority) for e in changes] == [
        (early, 0, 1),
        (late, 1, 2),
    ]


def test_a_rule_added_or_met_by_a_move_applies_to_callers_already_waiting(world: World) -> None:
    waiting = world.centre.enter("100", None)
    world.centre.queue(waiting, world.sales)
    moved = world.centre.enter("100", None)
    world.centre.queue(moved, world.support)
    world.clock.advance(seconds=100)
    _with_escalation(world, "Sales", Escalation(after_s=60, raise_by=3))
    assert world.centre.contact(waiting).queue_priority == 3  # it had waited long enough
    world.centre.move(moved, world.sales, by_user=SOFIA)
    world.centre.tick()
    assert world.centre.contact(moved).queue_priority == 3  # its wait came with it
    (move,) = events_of(world, EventKind.MOVED)
    assert move.by_user == SOFIA
    # No rule any more: nothing rises.
    _with_escalation(world, "Sales", None)
    since = last_id(world)
    world.clock.advance(seconds=1000)
    world.centre.tick()
    _unchanged(world, since)


def test_a_picked_contact_is_offered_to_the_chosen_agent_and_answered(world: World) -> None:
    contact = world.centre.enter("100", "+4670003")
    world.centre.queue(contact, world.sales, data={"personnummer": "********-1234"})
    log_in(world, world.anna, [world.support])  # a member of Sales, logged in elsewhere
    assert world.delivery.offered() == []
    view = world.centre.pick(contact, world.anna, offer=True, by_user=SOFIA)
    assert (view.state, view.personal_agent) == ("offered", world.anna)
    assert world.delivery.offered() == [(contact, world.anna)]
    assert world.delivery.offers[0][0].data == {"personnummer": "********-1234"}
    (picked,) = events_of(world, EventKind.PICKED)
    assert (picked.contact_id, picked.queue_id, picked.agent_id) == (
        contact,
        world.sales,
        world.anna,
    )
    assert (picked.offered, picked.by_user) == (True, SOFIA)
    assert world.centre.waiting_contacts(world.sales) == []  # out of the queue's line
    world.clock.advance(seconds=3)
    world.centre.answered(contact, world.anna)
    (answered,) = events_of(world, EventKind.ANSWERED)
    assert (answered.agent_id, answered.queue_id, answered.wait_seconds) == (
        world.anna,
        world.sales,
        3.0,
    )


def test_a_picked_offer_not_taken_goes_back_to_its_queue(world: World) -> None:
    declined = world.centre.enter("100", None)
    world.centre.queue(declined, world.sales)
    log_in(world, world.anna, [world.support])
    world.centre.pick(declined, world.anna, offer=True, by_user=SOFIA)
    world.centre.declined(declined, world.anna)
    back = world.centre.contact(declined)
    assert (back.state, back.queue_id, back.personal_agent) == ("waiting", world.sales, None)
    assert world.centre.agent(world.anna).state == "available"
    # Rung out: back in the queue, and the agent paused (RONA).
    world.clock.advance(seconds=60)
    world.centre.tick()
    world.centre.pick(declined, world.anna, offer=True, by_user=SOFIA)
    world.clock.advance(seconds=15)
    world.centre.tick()
    back = world.centre.contact(declined)
    assert (back.state, back.personal_agent, back.wait_seconds) == ("waiting", None, 75.0)
    assert world.centre.agent(world.anna).state == "paused"
    assert [e.queue_id for e in events_of(world, EventKind.QUEUED)] == [world.sales] * 3


def test_a_contact_put_in_a_busy_agents_personal_queue_is_offered_when_it_is_free(
    world: World,
) -> None:
    log_in(world, world.bo, [world.sales])
    first = world.centre.enter("100", None)
    world.centre.queue(first, world.sales)
    world.centre.answered(first, world.bo)
    waiting = world.centre.enter("100", None)
    world.centre.queue(waiting, world.sales)
    with pytest.raises(InvalidAction, match="'bo' is busy, not available"):
        world.centre.pick(waiting, world.bo, offer=True, by_user=SOFIA)
    world.centre.pick(waiting, world.bo, offer=False, by_user=SOFIA)
    log_in(world, world.cid)  # free, in Sales, but the contact waits for bo now
    assert world.delivery.offered() == [(first, world.bo)]
    world.centre.ended(first, "caller")  # Sales has no wrap-up: bo is free
    assert world.delivery.offered()[-1] == (waiting, world.bo)
    (picked,) = events_of(world, EventKind.PICKED)
    assert picked.offered is False


def test_pick_refusals_say_why_and_change_nothing(world: World) -> None:
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.support)
    since = last_id(world)
    with pytest.raises(InvalidAction, match="agent 'anna' is not logged in"):
        world.centre.pick(contact, world.anna, offer=True, by_user=SOFIA)
    log_in(world, world.cid)
    since = last_id(world)
    with pytest.raises(InvalidAction, match="agent 'cid' is not a member of queue 'Support'"):
        world.centre.pick(contact, world.cid, offer=True, by_user=SOFIA)
    with pytest.raises(UnknownSubject):
        world.centre.pick(contact, 999, offer=True, by_user=SOFIA)
    with pytest.raises(UnknownSubject):
        world.centre.pick(999, world.cid, offer=True, by_user=SOFIA)
    log_in(world, world.anna, [world.sales])
    world.centre.pause(world.anna, "lunch")
    since = last_id(world)
    with pytest.raises(InvalidAction, match="'anna' is paused, not available"):
        world.centre.pick(contact, world.anna, offer=True, by_user=SOFIA)
    _unchanged(world, since)
    view = world.centre.contact(contact)
    assert (view.state, view.personal_agent, view.queue_id) == ("waiting", None, world.support)
    # Once picked, it is not in a queue's line: picking or moving it again is refused.
    world.centre.pick(contact, world.anna, offer=False, by_user=SOFIA)
    since = last_id(world)
    with pytest.raises(InvalidAction, match="waits for agent 'anna'"):
        world.centre.set_priority(contact, 9, by_user=SOFIA)
    _unchanged(world, since)
