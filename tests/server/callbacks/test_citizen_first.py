"""Callbacks made citizen first in the centre (``callbacks/centre.py``, R17): the offer
held for the agent while the citizen is called, a citizen not reached that releases the
agent without a RONA, an agent who lets the waiting citizen ring out (the callback goes
to the next agent at its place), and the read-back after a restart. A clock that moves
only when told to."""

from datetime import timedelta

import pytest

from tests.server.auth.conftest import START
from tests.server.centre.world import World, events_of, kinds, last_id, log_in
from vaxla_protocol.config import CallbackItem
from vaxla_server.centre import InvalidAction
from vaxla_server.stats import queue_figures
from vaxla_server.stats.calls import fold_calls
from vaxla_server.store.events import EventKind

NUMBER = "+46701234567"
SMS = "Vi har försökt ringa dig från Support."


def citizen_first(world: World, *, retries: int = 0, every: float = 0.0) -> int:
    """A caller waits 10 s in Support, asks for a callback made citizen first, hangs up."""
    contact = world.centre.enter("100", "+46700000001")
    world.centre.queue(contact, world.support)
    world.clock.advance(seconds=10)
    terms = CallbackItem(
        key="5", order="citizen_first", sms_text=SMS, retries=retries, retry_interval_s=every
    )
    world.centre.request_callback(contact, NUMBER, terms)
    world.centre.ended(contact, "system")  # its voice leg ends: the callback waits on
    return contact


def later_caller(world: World) -> int:
    world.clock.advance(seconds=5)
    contact = world.centre.enter("100", "+46700000002")
    world.centre.queue(contact, world.support)
    return contact


def steps(world: World, contact: int, since: int = 0) -> list[str]:
    return [
        logged.event.kind.value
        for logged in world.store.events.read(since_id=since, limit=1000)
        if getattr(logged.event, "contact_id", None) == contact
    ]


def test_the_citizen_answers_first_then_the_agent_is_rung_and_answers(world: World) -> None:
    callback = citizen_first(world)
    log_in(world, world.anna, [world.support])
    assert world.delivery.offered() == [(callback, world.anna)]
    assert world.delivery.offers[0][0].callback_order == "citizen_first"
    mark = last_id(world)
    with pytest.raises(InvalidAction, match="the citizen is not on the line"):
        world.centre.answered(callback, world.anna)  # not before the citizen answered
    with pytest.raises(InvalidAction, match="not being dialled citizen first"):
        world.centre.citizen_answered(callback)
    assert kinds(world, mark) == []

    world.centre.citizen_dialled(callback, world.anna)
    with pytest.raises(InvalidAction, match="being dialled already"):
        world.centre.citizen_dialled(callback, world.anna)
    world.clock.advance(seconds=40)  # longer than Support's ring timeout: the offer is held
    world.centre.tick()
    assert events_of(world, EventKind.NOT_ANSWERED) == []
    world.centre.citizen_answered(callback)
    world.clock.advance(seconds=4)
    world.centre.answered(callback, world.anna)
    world.clock.advance(seconds=30)
    world.centre.ended(callback, "caller")

    assert steps(world, callback, mark) == [
        "callback_dialled",
        "callback_answered",
        "answered",
        "ended",
        "wrap_up_started",
    ]
    (dialled,) = events_of(world, EventKind.CALLBACK_DIALLED)
    assert (dialled.agent_id, dialled.number, dialled.attempt) == (world.anna, NUMBER, 1)
    (answered,) = events_of(world, EventKind.CALLBACK_ANSWERED)
    assert answered.agent_id == world.anna
    (ended,) = [e for e in events_of(world, EventKind.ENDED) if e.contact_id == callback]
    assert (ended.talk_seconds, ended.by, ended.agent_id) == (30.0, "caller", world.anna)
    record = fold_calls([logged.event for logged in world.store.events.read(limit=1000)])
    assert (record[callback].outcome, record[callback].agent_id) == ("answered", world.anna)


def test_a_citizen_not_reached_frees_the_agent_without_a_rona(world: World) -> None:
    callback = citizen_first(world, retries=1)
    later = later_caller(world)
    log_in(world, world.anna, [world.support])
    world.centre.citizen_dialled(callback, world.anna)
    world.clock.advance(seconds=30)
    world.centre.callback_not_reached(callback, "no_answer")
    # Never rung: no RONA, anna is free and is offered the callback again, first in line.
    assert events_of(world, EventKind.NOT_ANSWERED) == []
    assert events_of(world, EventKind.AGENT_AUTO_PAUSED) == []
    assert world.centre.agent(world.anna).state == "offered"  # the retry, at once
    assert world.delivery.offered() == [(callback, world.anna), (callback, world.anna)]
    (retried,) = events_of(world, EventKind.CALLBACK_RETRIED)
    assert (retried.attempt, retried.after_s) == (2, 0.0)

    world.centre.citizen_dialled(callback, world.anna)
    mark = last_id(world)
    world.centre.callback_not_reached(callback, "busy")
    assert kinds(world, mark)[:3] == ["callback_no_answer", "callback_unreachable", "ended"]
    (unreachable,) = events_of(world, EventKind.CALLBACK_UNREACHABLE)
    assert (unreachable.number, unreachable.attempts, unreachable.sms_text) == (NUMBER, 2, SMS)
    no_answers = events_of(world, EventKind.CALLBACK_NO_ANSWER)
    assert [(e.outcome, e.agent_id) for e in no_answers] == [
        ("no_answer", world.anna),
        ("busy", world.anna),
    ]
    assert world.delivery.offered()[-1] == (later, world.anna)


def test_a_retry_interval_takes_the_callback_out_of_the_line(world: World) -> None:
    callback = citizen_first(world, retries=1, every=120)
    later = later_caller(world)
    log_in(world, world.anna, [world.support])
    world.centre.citizen_dialled(callback, world.anna)
    world.centre.callback_not_reached(callback, "failed")
    assert world.delivery.offered()[-1] == (later, world.anna)  # out of line meanwhile
    assert [v.contact_id for v in world.centre.waiting_contacts()] == [later]


def test_an_agent_who_lets_the_citizen_ring_out_leaves_it_to_the_next_agent(
    world: World,
) -> None:
    callback = citizen_first(world)
    later = later_caller(world)
    log_in(world, world.anna, [world.support])
    world.centre.citizen_dialled(callback, world.anna)
    world.clock.advance(seconds=20)
    world.centre.citizen_answered(callback)
    world.clock.advance(seconds=15)  # Support's ring timeout, counted from the answer
    world.centre.tick()
    (missed,) = events_of(world, EventKind.NOT_ANSWERED)
    assert (missed.agent_id, missed.reason, missed.ring_seconds) == (world.anna, "no_answer", 15)
    (paused,) = events_of(world, EventKind.AGENT_AUTO_PAUSED)
    assert paused.agent_id == world.anna  # rung and not answered: RONA
    assert (callback, world.anna) in world.delivery.withdrawn
    # The callback waits on at its place, before the later caller, for the next agent.
    order = sorted(world.centre.waiting_contacts(), key=lambda v: v.position or 0)
    assert [v.contact_id for v in order] == [callback, later]
    log_in(world, world.bo, [world.support])
    assert world.delivery.offered()[-1] == (callback, world.bo)
    world.centre.citizen_dialled(callback, world.bo)
    world.centre.citizen_answered(callback)
    world.centre.answered(callback, world.bo)
    dialled = events_of(world, EventKind.CALLBACK_DIALLED)
    assert [(e.agent_id, e.attempt) for e in dialled] == [(world.anna, 1), (world.bo, 1)]
    assert events_of(world, EventKind.CALLBACK_NO_ANSWER) == []


def test_an_agent_who_declines_leaves_the_callback_waiting(world: World) -> None:
    callback = citizen_first(world)
    log_in(world, world.anna, [world.support])
    world.centre.citizen_dialled(callback, world.anna)
    world.centre.citizen_answered(callback)
    world.centre.declined(callback, world.anna)
    (missed,) = events_of(world, EventKind.NOT_ANSWERED)
    assert (missed.agent_id, missed.reason) == (world.anna, "declined")
    (view,) = world.centre.waiting_contacts()
    assert (view.contact_id, view.callback_number) == (callback, NUMBER)
    with pytest.raises(InvalidAction, match="not being dialled citizen first"):
        world.centre.citizen_answered(callback)  # that try's hold is over


def test_the_citizen_hanging_up_while_the_agent_rings_is_a_failed_try(world: World) -> None:
    callback = citizen_first(world, retries=1)
    log_in(world, world.anna, [world.support])
    world.centre.citizen_dialled(callback, world.anna)
    world.centre.citizen_answered(callback)
    world.centre.callback_not_reached(callback, "failed")
    assert events_of(world, EventKind.NOT_ANSWERED) == []
    assert events_of(world, EventKind.AGENT_AUTO_PAUSED) == []
    (no_answer,) = events_of(world, EventKind.CALLBACK_NO_ANSWER)
    assert (no_answer.outcome, no_answer.attempt) == ("failed", 1)
    assert world.delivery.offered() == [(callback, world.anna), (callback, world.anna)]


def test_a_try_cut_off_by_a_restart_is_made_again(world_on_both: World) -> None:
    world = world_on_both
    callback = citizen_first(world, retries=1)
    log_in(world, world.anna, [world.support])
    world.centre.citizen_dialled(callback, world.anna)
    world.clock.advance(seconds=5)
    mark = last_id(world)
    centre = world.restart()
    # The log showed it waiting in the line all along: no second "queued".
    assert kinds(world, mark)[:2] == ["callback_no_answer", "callback_retried"]
    assert "queued" not in steps(world, callback, mark)
    (cut,) = events_of(world, EventKind.CALLBACK_NO_ANSWER)
    assert (cut.outcome, cut.attempt, cut.agent_id) == ("restart", 1, world.anna)
    (view,) = centre.waiting_contacts()
    assert (view.contact_id, view.callback_number, view.wait_seconds) == (callback, NUMBER, 15.0)

    # With the citizen on the line too; once an agent answered it is a call like any other.
    log_in(world, world.bo, [world.support])
    assert world.delivery.offered() == [(callback, world.bo)]
    centre.citizen_dialled(callback, world.bo)
    centre.citizen_answered(callback)
    centre = world.restart()
    (view,) = centre.waiting_contacts()
    assert view.contact_id == callback
    log_in(world, world.anna, [world.support])
    centre.citizen_dialled(callback, world.anna)
    centre.citizen_answered(callback)
    centre.answered(callback, world.anna)
    mark = last_id(world)
    centre = world.restart()
    assert centre.waiting_contacts() == []
    (ended,) = [e for e in events_of(world, EventKind.ENDED) if e.contact_id == callback]
    assert (ended.cause, ended.agent_id) == ("restart", world.anna)


def test_an_agent_who_pauses_while_the_citizen_is_called_ends_that_try_in_the_log(
    world_on_both: World,
) -> None:
    world = world_on_both
    callback = citizen_first(world, retries=1)
    log_in(world, world.anna, [world.support])
    world.centre.citizen_dialled(callback, world.anna)
    world.clock.advance(seconds=5)
    mark = last_id(world)
    world.centre.pause(world.anna, "lunch")
    assert world.delivery.withdrawn == [(callback, world.anna)]
    assert steps(world, callback, mark) == ["not_answered"]
    (ended,) = events_of(world, EventKind.NOT_ANSWERED)
    assert (ended.reason, ended.agent_id, ended.ring_seconds) == ("withdrawn", world.anna, 0.0)
    with pytest.raises(InvalidAction, match="not being dialled citizen first"):
        world.centre.citizen_answered(callback)  # a citizen answering now is let go
    # A restart finds no try in progress: none cut off, none used up, still in line.
    mark = last_id(world)
    centre = world.restart()
    assert "callback_no_answer" not in kinds(world, mark)
    (view,) = centre.waiting_contacts()
    assert (view.contact_id, view.callback_number) == (callback, NUMBER)
    log_in(world, world.bo, [world.support])
    centre.citizen_dialled(callback, world.bo)
    (dialled, again) = events_of(world, EventKind.CALLBACK_DIALLED)
    assert (dialled.attempt, again.attempt, again.agent_id) == (1, 1, world.bo)


def test_reports_count_it_answered_when_the_agent_answers_the_citizen(world: World) -> None:
    """Answered once, when the agent took the citizen waiting on the line (the agent
    who let it ring out before is not its agent); a citizen first callback whose
    citizen hung up before an agent answered, and then was not reached, is neither
    answered nor abandoned, and offered once."""
    reached = citizen_first(world)
    unreachable = citizen_first(world, retries=1)
    log_in(world, world.anna, [world.support])
    world.centre.citizen_dialled(reached, world.anna)
    world.centre.citizen_answered(reached)
    world.clock.advance(seconds=15)  # anna lets it ring out (RONA)
    world.centre.tick()
    log_in(world, world.bo, [world.support])
    world.centre.citizen_dialled(reached, world.bo)
    world.centre.citizen_answered(reached)
    world.centre.answered(reached, world.bo)
    world.clock.advance(seconds=40)
    world.centre.ended(reached, "caller")
    world.clock.advance(seconds=10)  # Support's wrap-up
    world.centre.tick()
    assert world.delivery.offered()[-1] == (unreachable, world.bo)
    world.centre.citizen_dialled(unreachable, world.bo)
    world.centre.citizen_answered(unreachable)
    world.centre.callback_not_reached(unreachable, "failed")  # hung up before bo answered
    world.centre.citizen_dialled(unreachable, world.bo)  # back in line, its second try
    world.centre.callback_not_reached(unreachable, "no_answer")

    events = [logged.event for logged in world.store.events.read(limit=1000)]
    records = fold_calls(events)
    assert (records[reached].outcome, records[reached].agent_id) == ("answered", world.bo)
    assert records[reached].callback and records[reached].talk_seconds == 40.0
    gone = records[unreachable]
    assert (gone.outcome, gone.end_cause, gone.agent_id) == ("failed", "callback_unreachable", None)
    (support,) = queue_figures(
        events,
        start=START - timedelta(days=1),
        end=START + timedelta(days=1),
        goals={world.support: 20.0},
    )
    assert (support.offered, support.answered, support.abandoned) == (2, 1, 0)
