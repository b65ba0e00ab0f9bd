"""Voicemail tasks in the centre (``voicemail/centre.py``, R7): a message routed to a
queue's agents like a call, in turn with the calls, offered, taken, handled (by its
agent or by a reader in the Voicemail tab), not taken (RONA), and read back after a
restart. A clock that moves only when told to."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.server.centre.world import World, events_of, log_in
from vaxla_server.centre import InvalidAction, InvalidValue, VoicemailTaskView
from vaxla_server.stats import agent_figures, queue_figures
from vaxla_server.stats.calls import fold_calls
from vaxla_server.stats.summary import Summaries, bucket_of, bucket_start, edge_after
from vaxla_server.store.events import EventKind

LEFT_AT = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


def message(message_id: int = 7) -> VoicemailTaskView:
    return VoicemailTaskView(message_id, "Reception", "+46701234567", LEFT_AT, 12.5)


def steps_of(world: World, contact_id: int) -> list[str]:
    return [
        logged.event.kind.value
        for logged in world.store.events.read(limit=10000)
        if getattr(logged.event, "contact_id", None) == contact_id
    ]


def test_a_task_waits_in_turn_with_the_calls_and_is_offered_like_one(world: World) -> None:
    first_call = world.centre.enter("100", "+46700000001")
    world.centre.queue(first_call, world.support)
    world.clock.advance(seconds=5)
    task = world.centre.queue_voicemail_task(message(), "Support")
    world.clock.advance(seconds=5)
    later_call = world.centre.enter("100", "+46700000002")
    world.centre.queue(later_call, world.support)

    waiting = {view.contact_id: view for view in world.centre.waiting_contacts(world.support)}
    assert [waiting[c].position for c in (first_call, task, later_call)] == [1, 2, 3]
    assert waiting[task].channel == "voicemail"
    assert waiting[task].voicemail == message()
    (queued,) = events_of(world, EventKind.VOICEMAIL_TASK_QUEUED)
    assert (queued.contact_id, queued.queue_id, queued.message_id) == (task, world.support, 7)
    assert (queued.box, queued.caller, queued.seconds) == ("Reception", "+46701234567", 12.5)
    (entered,) = [e for e in events_of(world, EventKind.CONTACT_ENTERED) if e.contact_id == task]
    assert (entered.channel, entered.entry_point) == ("voicemail", "voicemail:Reception")

    # One agent: the first call, then (that call over and its wrap-up done) the task.
    log_in(world, world.anna, [world.support])
    assert world.delivery.offered() == [(first_call, world.anna)]
    world.centre.answered(first_call, world.anna)
    world.centre.ended(first_call, "agent")
    world.clock.advance(seconds=11)  # Support's wrap-up is 10 s
    world.centre.tick()
    assert world.delivery.offered()[-1] == (task, world.anna)
    offered = world.delivery.offers[-1][0]
    assert offered.channel == "voicemail" and offered.caller == "+46701234567"
    assert world.centre.voicemail_task_for(7, world.anna) == task
    assert world.centre.voicemail_task_for(7, world.bo) is None


def test_taken_and_handled_by_its_agent_it_ends_with_a_wrap_up(world: World) -> None:
    task = world.centre.queue_voicemail_task(message(), "Support")
    log_in(world, world.anna, [world.support])
    world.clock.advance(seconds=3)
    world.centre.answered(task, world.anna)
    assert world.centre.agent(world.anna).state == "busy"
    world.clock.advance(seconds=40)
    assert world.centre.end_voicemail_task(7, by_agent=world.anna)
    assert steps_of(world, task) == [
        "contact_entered",
        "voicemail_task_queued",
        "queued",
        "offered",
        "answered",
        "ended",
        "wrap_up_started",
    ]
    ended = [e for e in events_of(world, EventKind.ENDED) if e.contact_id == task]
    assert (ended[0].by, ended[0].cause, ended[0].talk_seconds) == (
        "agent",
        "voicemail_handled",
        40.0,
    )
    assert world.centre.agent(world.anna).state == "wrap_up"
    assert world.centre.voicemail_tasks() == []
    assert not world.centre.end_voicemail_task(7)  # over: nothing more to end


def test_handled_in_the_voicemail_tab_a_waiting_task_leaves_the_line(world: World) -> None:
    task = world.centre.queue_voicemail_task(message(), "Support")
    call = world.centre.enter("100", "+46700000001")
    world.centre.queue(call, world.support)
    assert world.centre.end_voicemail_task(7, by_agent=None)
    assert [v.contact_id for v in world.centre.waiting_contacts(world.support)] == [call]
    ended = [e for e in events_of(world, EventKind.ENDED) if e.contact_id == task]
    assert (ended[0].by, ended[0].cause, ended[0].agent_id) == ("system", "voicemail_handled", None)
    log_in(world, world.anna, [world.support])
    assert world.delivery.offered() == [(call, world.anna)]


def test_handled_by_another_reader_while_offered_the_offer_is_withdrawn(world: World) -> None:
    task = world.centre.queue_voicemail_task(message(), "Support")
    log_in(world, world.anna, [world.support])
    assert world.delivery.offered() == [(task, world.anna)]
    world.centre.end_voicemail_task(7, by_agent=world.bo)
    assert world.delivery.withdrawn == [(task, world.anna)]
    assert world.centre.agent(world.anna).state == "available"


def test_handled_by_another_reader_while_taken_the_agent_wraps_up(world: World) -> None:
    task = world.centre.queue_voicemail_task(message(), "Support")
    log_in(world, world.anna, [world.support])
    world.centre.answered(task, world.anna)
    world.centre.end_voicemail_task(7, by_agent=world.bo, cause="voicemail_handled")
    ended = [e for e in events_of(world, EventKind.ENDED) if e.contact_id == task]
    assert (ended[0].by, ended[0].agent_id) == ("system", world.anna)
    assert world.centre.agent(world.anna).state == "wrap_up"


def test_not_taken_it_rings_out_as_a_call_and_goes_to_the_next_agent(world: World) -> None:
    task = world.centre.queue_voicemail_task(message(), "Support")
    log_in(world, world.anna, [world.support])
    log_in(world, world.bo, [world.support])
    first = world.delivery.offered()[0][1]
    world.clock.advance(seconds=16)  # Support rings 15 s, then pauses the agent (RONA)
    world.centre.tick()
    (not_answered,) = events_of(world, EventKind.NOT_ANSWERED)
    assert (not_answered.contact_id, not_answered.reason) == (task, "no_answer")
    assert world.centre.agent(first).state == "paused"
    other = world.bo if first == world.anna else world.anna
    assert world.delivery.offered()[-1] == (task, other)


def test_declined_it_is_offered_to_another_agent(world: World) -> None:
    task = world.centre.queue_voicemail_task(message(), "Support")
    log_in(world, world.anna, [world.support])
    world.centre.declined(task, world.anna)
    log_in(world, world.bo, [world.support])
    assert (task, world.bo) in world.delivery.offered()
    (not_answered,) = events_of(world, EventKind.NOT_ANSWERED)
    assert not_answered.reason == "declined"


def test_an_agent_who_logs_out_holding_a_task_leaves_it_to_a_colleague(world: World) -> None:
    world.clock.advance(seconds=1)
    task = world.centre.queue_voicemail_task(message(), "Support")
    world.clock.advance(seconds=4)
    log_in(world, world.anna, [world.support])
    world.centre.answered(task, world.anna)  # taken after 4 s in line
    world.clock.advance(seconds=30)
    world.centre.log_out(world.anna)
    assert world.centre.agent(world.anna).state == "offline"
    (view,) = world.centre.waiting_contacts(world.support)
    assert (view.contact_id, view.agent_id, view.voicemail) == (task, None, message())
    assert view.wait_seconds == pytest.approx(4.0)  # the wait it had, not the 30 s held
    assert steps_of(world, task)[-2:] == ["answered", "queued"]
    assert world.centre.voicemail_task_for(7, world.anna) is None  # hers no more
    log_in(world, world.bo, [world.support])
    assert world.delivery.offered()[-1] == (task, world.bo)
    world.centre.answered(task, world.bo)
    assert world.centre.end_voicemail_task(7, by_agent=world.bo)
    ended = [e for e in events_of(world, EventKind.ENDED) if e.contact_id == task]
    assert (ended[0].agent_id, ended[0].cause) == (world.bo, "voicemail_handled")


def test_an_agent_who_left_a_task_counts_as_ready_again_in_the_reports(world: World) -> None:
    begun = world.clock()
    task = world.centre.queue_voicemail_task(message(), "Support")
    log_in(world, world.anna, [world.support])
    world.centre.answered(task, world.anna)
    world.clock.advance(seconds=10)
    world.centre.log_out(world.anna)  # the task goes back to the line
    log_in(world, world.bo, [world.support])
    world.centre.answered(task, world.bo)
    assert world.centre.end_voicemail_task(7, by_agent=world.bo)
    log_in(world, world.anna, [world.support])
    back = world.clock()
    world.clock.advance(seconds=60)  # anna ready, nothing to do
    end = edge_after(world.clock())
    summaries = Summaries(world.store.events)
    summaries.catch_up()
    start = bucket_start(bucket_of(begun))
    rows = {a.agent_id: a for a in summaries.agent_figures(start, end)}
    # ready from her return to the interval's end, not busy with the task still
    assert rows[world.anna].ready_s == pytest.approx((end - back).total_seconds())


def test_a_message_is_one_task_and_a_missing_queue_is_refused(world: World) -> None:
    task = world.centre.queue_voicemail_task(message(), "Support")
    assert world.centre.queue_voicemail_task(message(), "Support") == task
    assert len(events_of(world, EventKind.VOICEMAIL_TASK_QUEUED)) == 1
    with pytest.raises(InvalidValue, match="no queue named 'Nowhere'"):
        world.centre.queue_voicemail_task(message(8), "Nowhere")
    assert len(events_of(world, EventKind.CONTACT_ENTERED)) == 1


def test_the_agent_holding_a_task_may_call_the_caller_back(world: World) -> None:
    task = world.centre.queue_voicemail_task(message(), "Support")
    log_in(world, world.anna, [world.support])
    world.centre.answered(task, world.anna)
    call = world.centre.outbound_started(world.anna, "+46701234567")
    world.centre.ended(call, "agent")
    assert world.centre.agent(world.anna).state == "busy"  # the task still held
    call = world.centre.enter("100", "+46700000001")
    world.centre.queue(call, world.support)
    log_in(world, world.bo, [world.support])
    assert world.delivery.offered()[-1] == (call, world.bo)  # anna holds the task
    world.centre.answered(call, world.bo)
    with pytest.raises(InvalidAction, match="on a call already"):
        world.centre.outbound_started(world.bo, "+46701234567")  # a call is no task


def test_a_restart_keeps_the_task_waiting_with_its_wait(world: World) -> None:
    call = world.centre.enter("100", "+46700000001")
    world.centre.queue(call, world.support)
    world.clock.advance(seconds=30)
    task = world.centre.queue_voicemail_task(message(), "Support")
    world.clock.advance(seconds=20)
    centre = world.restart()

    waiting = {view.contact_id: view for view in centre.waiting_contacts(world.support)}
    assert list(waiting) == [task]  # the call ended with the server; the task waits on
    assert waiting[task].voicemail == message()
    assert waiting[task].wait_seconds == pytest.approx(20.0)
    log_in(world, world.anna, [world.support])
    assert world.delivery.offered() == [(task, world.anna)]
    world.centre.answered(task, world.anna)
    assert world.centre.end_voicemail_task(7, by_agent=world.anna)


def test_a_task_taken_when_the_server_stopped_waits_again(world: World) -> None:
    task = world.centre.queue_voicemail_task(message(), "Support")
    log_in(world, world.anna, [world.support])
    world.centre.answered(task, world.anna)
    centre = world.restart()
    (view,) = centre.waiting_contacts(world.support)
    assert view.contact_id == task and view.agent_id is None
    assert steps_of(world, task)[-1] == "queued"


def test_a_message_left_untasked_by_a_stopped_server_is_queued_at_the_start(
    world: World,
) -> None:
    from vaxla_server.store.events import VoicemailHandled, VoicemailLeft

    left = {"contact_id": 1, "box": "Reception", "caller": "+46701234567", "seconds": 4.0}
    world.store.events.append(
        [
            VoicemailLeft(at=LEFT_AT, message_id=7, short=False, silent=False,
                          task_queue="Support", task_priority=3, **left),
            VoicemailLeft(at=LEFT_AT, message_id=8, short=False, silent=False,
                          task_queue="Support", **left),
            VoicemailHandled(at=LEFT_AT, message_id=8, box="Reception", by_user=1, by_name="x"),
            VoicemailLeft(at=LEFT_AT, message_id=9, short=False, silent=False, **left),
        ]
    )  # fmt: skip
    centre = world.restart()
    (view,) = centre.waiting_contacts(world.support)
    assert view.voicemail is not None and view.voicemail.message_id == 7
    assert view.queue_priority == 3
    world.restart()  # and never twice
    assert len(events_of(world, EventKind.VOICEMAIL_TASK_QUEUED)) == 1


def test_reports_count_voicemail_tasks_apart_from_the_calls(world: World) -> None:
    begun = world.clock()
    call = world.centre.enter("100", "+46700000001")
    world.centre.queue(call, world.sales)
    log_in(world, world.cid, [world.sales])
    world.clock.advance(seconds=4)
    world.centre.answered(call, world.cid)
    world.clock.advance(seconds=60)
    world.centre.ended(call, "agent")  # Sales has no wrap-up
    taken = world.centre.queue_voicemail_task(message(7), "Sales")
    world.clock.advance(seconds=2)
    world.centre.answered(taken, world.cid)
    world.clock.advance(seconds=30)
    world.centre.end_voicemail_task(7, by_agent=world.cid)
    world.centre.queue_voicemail_task(message(8), "Support")  # nobody in Support
    world.centre.queue_voicemail_task(message(9), "Support")
    world.centre.end_voicemail_task(9)  # handled in the Voicemail tab
    end = world.clock() + timedelta(minutes=1)

    summaries = Summaries(world.store.events)
    summaries.catch_up()
    start = bucket_start(bucket_of(begun))
    rows = {
        row.queue_id: row
        for row in summaries.queue_intervals([start, edge_after(end)], {world.sales: 20.0,
                                                                        world.support: 20.0})
    }  # fmt: skip
    sales, support = rows[world.sales], rows[world.support]
    assert (sales.offered, sales.answered, sales.handled) == (1, 1, 1)  # the call alone
    assert sales.talk_s == 60.0
    assert (sales.voicemail_tasks, sales.voicemail_handled) == (1, 1)
    assert (support.offered, support.voicemail_tasks, support.voicemail_handled) == (0, 2, 1)
    (agent,) = summaries.agent_figures(start, edge_after(end))
    assert (agent.agent_id, agent.answered, agent.talk_s) == (world.cid, 1, 60.0)
    # The fold of the whole log agrees on the calls.
    events = [logged.event for logged in world.store.events.read(limit=10000)]
    (whole,) = [
        f
        for f in queue_figures(events, start=start, end=edge_after(end), goals={world.sales: 20.0})
    ]
    assert (whole.offered, whole.answered, whole.handled) == (1, 1, 1)
    (by_agent,) = agent_figures(events, start=start, end=edge_after(end))
    assert (by_agent.answered, by_agent.talk_s) == (1, 60.0)
    # The call log keeps the task, of its own channel.
    channels = {record.id: record.channel for record in fold_calls(events).values()}
    assert (channels[call], channels[taken]) == ("voice", "voicemail")
