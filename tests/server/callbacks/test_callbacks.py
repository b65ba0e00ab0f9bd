"""Callbacks in the centre (``callbacks/centre.py``, R17): the place kept against later
callers, the tries, retries and the close as unreachable, a supervisor's cancel, and the
read-back after a restart. A clock that moves only when told to."""

from datetime import timedelta

import pytest

from tests.server.auth.conftest import START
from tests.server.centre.world import World, events_of, kinds, last_id, log_in
from vaxla_protocol.config import CallbackItem
from vaxla_server.centre import InvalidAction, InvalidValue
from vaxla_server.config import QueueNotEmpty
from vaxla_server.stats import queue_figures
from vaxla_server.stats.calls import fold_calls
from vaxla_server.store.events import EventKind

NUMBER = "+46701234567"
SMS = "Vi har försökt ringa dig från Support."


def terms(retries: int = 0, retry_interval_s: float = 0.0) -> CallbackItem:
    return CallbackItem(key="5", sms_text=SMS, retries=retries, retry_interval_s=retry_interval_s)


def callback_waiting(
    world: World, *, waited: float = 10.0, retries: int = 0, every: float = 0.0
) -> int:
    """A caller waits ``waited`` seconds in Support, asks for a callback and hangs up."""
    contact = world.centre.enter("100", "+46700000001")
    world.centre.queue(contact, world.support)
    world.clock.advance(seconds=waited)
    view = world.centre.request_callback(contact, NUMBER, terms(retries, every))
    assert (view.callback_number, view.callback_reason) == (NUMBER, "key")
    world.centre.ended(contact, "system")  # its voice leg ends: the callback waits on
    return contact


def later_caller(world: World) -> int:
    world.clock.advance(seconds=5)
    contact = world.centre.enter("100", "+46700000002")
    world.centre.queue(contact, world.support)
    return contact


def test_a_callback_keeps_its_place_and_is_made_at_its_turn(world: World) -> None:
    callback = callback_waiting(world)
    later = later_caller(world)
    waiting = {view.contact_id: view for view in world.centre.waiting_contacts(world.support)}
    assert world.centre.contact(callback).position == 1
    assert waiting[callback].callback_number == NUMBER and waiting[callback].position == 1
    assert waiting[later].callback_number is None and waiting[later].position == 2

    log_in(world, world.anna, [world.support])
    assert world.delivery.offered() == [(callback, world.anna)]
    offered = world.delivery.offers[0][0]
    assert (offered.callback_number, offered.wait_seconds) == (NUMBER, 15.0)
    world.centre.answered(callback, world.anna)
    world.centre.callback_dialled(callback)
    world.clock.advance(seconds=8)
    world.centre.callback_answered(callback)
    world.clock.advance(seconds=30)
    world.centre.ended(callback, "agent")

    (requested,) = events_of(world, EventKind.CALLBACK_REQUESTED)
    assert (requested.number, requested.wait_seconds, requested.tries) == (NUMBER, 10.0, 1)
    assert requested.sms_text == SMS
    steps = [
        e.kind.value
        for e in (logged.event for logged in world.store.events.read(limit=1000))
        if getattr(e, "contact_id", None) == callback
    ]
    assert steps == [
        "contact_entered",
        "queued",
        "callback_requested",
        "offered",
        "answered",
        "callback_dialled",
        "callback_answered",
        "ended",
        "wrap_up_started",
    ]
    ended = [e for e in events_of(world, EventKind.ENDED) if e.contact_id == callback]
    assert (ended[0].talk_seconds, ended[0].by) == (30.0, "agent")


def test_a_callback_not_answered_is_tried_again_at_its_place_then_closed(world: World) -> None:
    callback = callback_waiting(world, retries=1)
    later = later_caller(world)
    log_in(world, world.anna, [world.support])
    world.centre.answered(callback, world.anna)
    world.centre.callback_dialled(callback)
    world.clock.advance(seconds=20)
    world.centre.callback_not_reached(callback, "no_answer")
    # The agent is free again and the callback is first in line again, before `later`.
    assert world.delivery.offered() == [(callback, world.anna), (callback, world.anna)]
    (retried,) = events_of(world, EventKind.CALLBACK_RETRIED)
    assert (retried.attempt, retried.after_s) == (2, 0.0)

    world.centre.answered(callback, world.anna)
    world.centre.callback_dialled(callback)
    mark = last_id(world)
    world.centre.callback_not_reached(callback, "busy")
    assert kinds(world, mark)[:3] == ["callback_no_answer", "callback_unreachable", "ended"]
    (unreachable,) = events_of(world, EventKind.CALLBACK_UNREACHABLE)
    assert (unreachable.number, unreachable.attempts, unreachable.sms_text) == (NUMBER, 2, SMS)
    outcomes = [e.outcome for e in events_of(world, EventKind.CALLBACK_NO_ANSWER)]
    assert outcomes == ["no_answer", "busy"]
    ended = [e for e in events_of(world, EventKind.ENDED) if e.contact_id == callback]
    assert (ended[0].cause, ended[0].by) == ("callback_unreachable", "system")
    assert world.delivery.offered()[-1] == (later, world.anna)


def test_a_retry_after_an_interval_waits_out_of_line_then_comes_back_first(world: World) -> None:
    callback = callback_waiting(world, retries=2, every=120)
    later = later_caller(world)
    log_in(world, world.anna, [world.support])
    world.centre.answered(callback, world.anna)
    world.centre.callback_not_reached(callback, "failed")
    assert world.delivery.offered()[-1] == (later, world.anna)  # out of line meanwhile
    world.centre.answered(later, world.anna)
    assert [v.contact_id for v in world.centre.waiting_contacts()] == []
    newest = later_caller(world)
    log_in(world, world.bo, [world.support])
    assert world.delivery.offered()[-1] == (newest, world.bo)
    world.centre.declined(newest, world.bo)  # bo free again; `newest` waits on
    world.clock.advance(seconds=114)  # 119 s since the try failed
    world.centre.tick()
    assert [v.contact_id for v in world.centre.waiting_contacts()] == [newest]
    with pytest.raises(QueueNotEmpty, match="2 calls wait in it"):
        world.centre.check_queue_delete(world.support, "Support")  # one is out of line
    world.clock.advance(seconds=1)
    world.centre.tick()
    order = sorted(world.centre.waiting_contacts(), key=lambda v: v.position or 0)
    assert [v.contact_id for v in order] == [callback, newest]
    (retried,) = events_of(world, EventKind.CALLBACK_RETRIED)
    assert (retried.attempt, retried.after_s) == (2, 120.0)


def test_bad_requests_are_refused_and_change_nothing(world: World) -> None:
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.support)
    mark = last_id(world)
    with pytest.raises(InvalidValue, match="'12ab' is not a number to call back"):
        world.centre.request_callback(contact, "12ab", terms())
    assert kinds(world, mark) == []
    assert world.centre.contact(contact).callback_number is None
    world.centre.request_callback(contact, NUMBER, terms())
    with pytest.raises(InvalidAction, match="is a callback already"):
        world.centre.request_callback(contact, NUMBER, terms())
    other = world.centre.enter("100", None)
    with pytest.raises(InvalidAction, match="not waiting in a queue"):
        world.centre.request_callback(other, NUMBER, terms())
    with pytest.raises(InvalidAction, match="is not a callback"):
        world.centre.cancel_callback(other, by_user=1)


def test_a_supervisor_moves_and_cancels_a_callback(world: World) -> None:
    callback = callback_waiting(world)
    world.centre.move(callback, world.sales, by_user=7)
    (view,) = world.centre.waiting_contacts(world.sales)
    assert (view.contact_id, view.callback_number) == (callback, NUMBER)
    world.centre.cancel_callback(callback, by_user=7)
    (cancelled,) = events_of(world, EventKind.CALLBACK_CANCELLED)
    assert (cancelled.by_user, cancelled.queue_id) == (7, world.sales)
    (ended,) = [e for e in events_of(world, EventKind.ENDED) if e.contact_id == callback]
    assert ended.cause == "callback_cancelled"
    assert world.centre.waiting_contacts() == []


def test_a_callback_survives_a_restart_with_its_place(world_on_both: World) -> None:
    world = world_on_both
    callback = callback_waiting(world, waited=30, retries=1)
    later = later_caller(world)
    world.clock.advance(seconds=60)  # down for a minute

    centre = world.restart()
    ended = [e.contact_id for e in events_of(world, EventKind.ENDED)]
    assert ended == [later]  # the call is cut off; the callback waits on
    (view,) = centre.waiting_contacts()
    assert (view.contact_id, view.callback_number, view.wait_seconds) == (callback, NUMBER, 95.0)
    (support,) = [q for q in centre.queues() if q.queue_id == world.support]
    assert support.longest_wait == 95.0  # the dispatcher has its whole wait
    newer = later_caller(world)
    log_in(world, world.anna, [world.support])
    assert world.delivery.offered() == [(callback, world.anna)]
    assert world.delivery.offers[0][0].callback_number == NUMBER

    # Cut off in the middle of a try: the try is made again after the next start.
    centre.answered(callback, world.anna)
    centre.callback_dialled(callback)
    mark = last_id(world)
    centre = world.restart()
    assert kinds(world, mark)[:3] == ["callback_no_answer", "callback_retried", "queued"]
    (cut,) = events_of(world, EventKind.CALLBACK_NO_ANSWER)
    assert (cut.outcome, cut.attempt) == ("restart", 1)
    order = sorted(centre.waiting_contacts(), key=lambda v: v.position or 0)
    assert [v.contact_id for v in order] == [callback]
    assert newer not in [v.contact_id for v in order]  # cut off by the restart
    log_in(world, world.bo, [world.support])
    centre.answered(callback, world.bo)
    centre.callback_not_reached(callback, "no_answer")
    (retried, *_) = events_of(world, EventKind.CALLBACK_RETRIED)
    assert retried.attempt == 1
    assert events_of(world, EventKind.CALLBACK_UNREACHABLE) == []  # tries: 1 retry left


def test_reports_count_a_callback_apart_until_it_ends(world: World) -> None:
    """Taken by an agent is not answered; the citizen answering is, once however many
    tries; a callback nobody reached is neither answered nor abandoned."""
    reached = callback_waiting(world, retries=1)
    unreachable = callback_waiting(world)
    log_in(world, world.anna, [world.support])
    world.centre.answered(reached, world.anna)
    world.centre.callback_not_reached(reached, "busy")  # back first in line, offered again
    world.centre.answered(reached, world.anna)
    world.centre.callback_dialled(reached)
    world.centre.callback_answered(reached)
    world.clock.advance(seconds=40)
    world.centre.ended(reached, "caller")
    world.clock.advance(seconds=10)  # Support's wrap-up
    world.centre.tick()
    world.centre.answered(unreachable, world.anna)
    world.centre.callback_not_reached(unreachable, "no_answer")

    events = [logged.event for logged in world.store.events.read(limit=1000)]
    records = fold_calls(events)
    assert (records[reached].outcome, records[reached].agent_id) == ("answered", world.anna)
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
    assert support.answered_within_goal == 1  # taken after 10 s of waiting


# Scheduled callbacks and callbacks from outside a line (a callback target)


def scheduled(world: World, *, in_s: float, from_line: bool = False) -> int:
    """A caller asks to be called back ``in_s`` seconds from now: from Support's line
    (after 10 s there) or, sent by a callback target, from no line."""
    contact = world.centre.enter("100", "+46700000001")
    due = world.clock.now + timedelta(seconds=in_s)
    if from_line:
        world.centre.queue(contact, world.support)
        world.clock.advance(seconds=10)
        due += timedelta(seconds=10)
        view = world.centre.request_callback(contact, NUMBER, terms(), due=due)
    else:
        view = world.centre.request_callback(
            contact, NUMBER, terms(), reason="chosen", queue_id=world.support, due=due
        )
    assert (view.callback_due, view.state, view.position) == (due, "entered", None)
    world.centre.ended(contact, "system")  # the voice leg ends: the callback waits on
    return contact


def test_a_scheduled_callback_waits_out_of_line_until_due_then_goes_first(world: World) -> None:
    callback = scheduled(world, in_s=600, from_line=True)
    (requested,) = events_of(world, EventKind.CALLBACK_REQUESTED)
    assert requested.due_at == START + timedelta(seconds=610) and requested.due_priority == 10
    assert world.centre.waiting_contacts() == []
    (listed,) = world.centre.scheduled_callbacks(world.support)
    assert (listed.contact_id, listed.callback_due) == (callback, requested.due_at)
    assert world.centre.scheduled_callbacks(world.sales) == []

    world.clock.advance(seconds=300)
    earlier = world.centre.enter("100", "+46700000002")  # came in before it was due
    world.centre.queue(earlier, world.support)
    world.clock.advance(seconds=299)
    world.centre.tick()
    assert [v.contact_id for v in world.centre.waiting_contacts()] == [earlier]
    mark = last_id(world)
    world.clock.advance(seconds=1)  # due
    world.centre.tick()
    assert kinds(world, mark) == ["queued"]
    (_, due_queued) = events_of(world, EventKind.QUEUED)[-2:]
    assert (due_queued.contact_id, due_queued.priority, due_queued.position) == (callback, 10, 1)
    view = world.centre.contact(callback)
    assert (view.wait_seconds, view.callback_due, view.position) == (0.0, None, 1)
    assert world.centre.scheduled_callbacks() == []
    log_in(world, world.anna, [world.support])
    assert world.delivery.offered() == [(callback, world.anna)]


def test_a_callback_target_makes_a_callback_from_outside_a_line(world: World) -> None:
    contact = world.centre.enter("100", "+46700000001")
    mark = last_id(world)
    view = world.centre.request_callback(
        contact,
        NUMBER,
        terms(),
        reason="full",
        queue_id=world.support,
        priority=3,
        data={"customer_number": "4711"},
    )
    assert (view.state, view.queue_id, view.position, view.callback_due) == (
        "waiting",
        world.support,
        1,
        None,
    )
    assert (view.queue_priority, dict(view.data)) == (3, {"customer_number": "4711"})
    assert kinds(world, mark) == ["queued", "callback_requested"]
    (requested,) = events_of(world, EventKind.CALLBACK_REQUESTED)
    assert (requested.reason, requested.wait_seconds, requested.due_at) == ("full", 0.0, None)

    # Scheduled from no line: nothing is queued before its time.
    other = world.centre.enter("100", "+46700000002")
    mark = last_id(world)
    due = world.clock.now + timedelta(hours=2)
    world.centre.request_callback(other, NUMBER, terms(), queue_id=world.sales, due=due)
    assert kinds(world, mark) == ["callback_requested"]
    assert [v.contact_id for v in world.centre.scheduled_callbacks(world.sales)] == [other]


def test_a_scheduled_callback_is_cancelled_before_its_time(world: World) -> None:
    callback = scheduled(world, in_s=600)
    world.centre.cancel_callback(callback, by_user=7)
    assert world.centre.scheduled_callbacks() == []
    mark = last_id(world)
    world.clock.advance(seconds=601)
    world.centre.tick()
    assert kinds(world, mark) == []  # its timer went with it
    ended = [e for e in events_of(world, EventKind.ENDED) if e.contact_id == callback]
    assert [e.cause for e in ended] == ["callback_cancelled"]


def test_bad_scheduled_requests_are_refused_and_change_nothing(world: World) -> None:
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.support)
    mark = last_id(world)
    past = world.clock.now - timedelta(seconds=1)
    with pytest.raises(InvalidValue, match=r"cannot be scheduled for .*: give a time to come"):
        world.centre.request_callback(contact, NUMBER, terms(), due=past)
    with pytest.raises(InvalidValue, match="give a time to come, with its time zone"):
        world.centre.request_callback(
            contact, NUMBER, terms(), due=past.replace(tzinfo=None) + timedelta(hours=1)
        )
    with pytest.raises(InvalidAction, match=f"waits in queue {world.support}, not"):
        world.centre.request_callback(contact, NUMBER, terms(), queue_id=world.sales)
    assert kinds(world, mark) == []
    assert world.centre.contact(contact).callback_number is None
    outside = world.centre.enter("100", None)
    mark = last_id(world)
    with pytest.raises(InvalidValue, match="priority 101 is not 0 to 100"):
        world.centre.request_callback(outside, NUMBER, terms(), queue_id=world.sales, priority=101)
    assert kinds(world, mark) == []
    assert world.centre.contact(outside).state == "entered"


def test_a_scheduled_callback_survives_a_restart_before_its_time(world_on_both: World) -> None:
    world = world_on_both
    callback = scheduled(world, in_s=600)
    world.clock.advance(seconds=100)
    centre = world.restart()
    assert [e.contact_id for e in events_of(world, EventKind.ENDED)] == []
    (listed,) = centre.scheduled_callbacks()
    assert (listed.contact_id, listed.callback_due) == (callback, START + timedelta(seconds=600))
    assert listed.wait_seconds == 100.0  # as before the restart: since it was asked for
    assert centre.waiting_contacts() == []
    log_in(world, world.anna, [world.support])
    world.clock.advance(seconds=499)
    centre.tick()
    assert world.delivery.offered() == []
    world.clock.advance(seconds=1)
    centre.tick()
    assert world.delivery.offered() == [(callback, world.anna)]
    assert world.delivery.offers[0][0].callback_number == NUMBER
    queued = [e for e in events_of(world, EventKind.QUEUED) if e.contact_id == callback]
    assert [(e.at, e.priority) for e in queued] == [(START + timedelta(seconds=600), 10)]


def test_a_callback_due_while_the_server_was_down_enters_the_line_at_start(
    world_on_both: World,
) -> None:
    world = world_on_both
    callback = scheduled(world, in_s=600)
    world.clock.advance(seconds=900)  # down past its time
    mark = last_id(world)
    centre = world.restart()
    assert kinds(world, mark) == ["queued"]
    (view,) = centre.waiting_contacts()
    assert (view.contact_id, view.queue_priority, view.wait_seconds) == (callback, 10, 300.0)
    assert centre.scheduled_callbacks() == []
    # Restarted again once in the line: it keeps its wait from its time, not queued twice.
    world.clock.advance(seconds=60)
    mark = last_id(world)
    centre = world.restart()
    assert kinds(world, mark) == []
    (view,) = centre.waiting_contacts()
    assert (view.queue_priority, view.wait_seconds) == (10, 360.0)
    log_in(world, world.anna, [world.support])
    assert world.delivery.offered() == [(callback, world.anna)]


def test_reports_count_a_scheduled_callback_once(world: World) -> None:
    from_line = scheduled(world, in_s=60, from_line=True)
    from_target = scheduled(world, in_s=60)
    world.clock.advance(seconds=70)
    world.centre.tick()
    log_in(world, world.anna, [world.support])
    world.centre.answered(from_line, world.anna)
    world.centre.callback_dialled(from_line)
    world.centre.callback_answered(from_line)
    world.clock.advance(seconds=30)
    world.centre.ended(from_line, "agent")

    events = [logged.event for logged in world.store.events.read(limit=1000)]
    records = fold_calls(events)
    assert records[from_line].callback and records[from_line].outcome == "answered"
    assert records[from_target].callback and records[from_target].outcome == "in_progress"
    (support,) = queue_figures(
        events,
        start=START - timedelta(days=1),
        end=START + timedelta(days=1),
        goals={world.support: 20.0},
    )
    assert (support.offered, support.answered, support.abandoned) == (2, 1, 0)
