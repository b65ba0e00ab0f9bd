"""A callback asked for in the queue's wait (R17): the key said and pressed, the rules
that impose one, the number read back and confirmed or keyed, the goodbye, and the
contact left waiting at its place without a voice leg. The real centre and event log,
the media worker double, a manual clock."""

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.server.callflow.conftest import (
    AGENT_CONTACT,
    MONDAY_MORNING,
    SATURDAY,
    Site,
    document,
)
from vaxla_protocol.config import ConfigDocument, EntryPointItem, QueueFlowItem
from vaxla_protocol.offers import OFFER_HEADER, session_key, verify_offer_header
from vaxla_server.media.messages import Hangup
from vaxla_server.store import Store
from vaxla_server.store.events import (
    CallbackAnswered,
    CallbackNoAnswer,
    CallbackRequested,
    Ended,
)

SMS = "Vi har försökt ringa dig från Support."
OWN = "+46701234567"
DRAIN_S = 10.0
"""Real seconds the calls get to end after a scenario (they end at once when right)."""
GATEWAY = "sip:gw.example.net:5060"
OWN_SAID = ["number_plus", *(f"number_{digit}" for digit in OWN[1:])]


def callback(**terms: Any) -> dict[str, Any]:
    return {"key": "3", "sms_text": SMS, **terms}


async def waiting(site: Site, caller: str = OWN) -> str:
    """A caller in Support with its only agent paused."""
    site.log_in("anna")
    site.centre.pause(site.users["anna"], "no_answer")
    call = site.worker.call("200", caller=caller)
    await site.advance(1)
    return call


def run(
    store: Store,
    scenario: Any,
    *,
    start: datetime = MONDAY_MORNING,
    outside_gateway: str | None = GATEWAY,
    **flow: Any,
) -> Site:
    site = Site(store, start, document(**flow), outside_gateway=outside_gateway)

    async def main() -> None:
        site.flow.calls_out_by(site.router)
        await scenario(site)
        # A call the flow should have ended but did not fails the test, never hangs it.
        await asyncio.wait_for(site.router.drain(), DRAIN_S)

    asyncio.run(main())
    return site


def requested(site: Site, contact: int = 0) -> list[CallbackRequested]:
    return [e.event for e in site.events(contact) if isinstance(e.event, CallbackRequested)]


def hung_up(site: Site, call: str) -> bool:
    return any(
        isinstance(c, Hangup) and c.call_id == call and c.side == "caller" for c in site.worker.sent
    )


def test_the_key_is_said_and_a_confirmed_own_number_keeps_the_place(
    sqlite_store: Store,
) -> None:
    async def scenario(site: Site) -> None:
        call = await waiting(site)
        await site.advance(35)  # the first message, music, the repeated message
        site.worker.press(call, "3")
        await site.advance(3)
        assert "callback_number_is" in site.worker.played[call]
        site.worker.press(call, "1")
        await site.advance(5)
        assert hung_up(site, call)
        later = site.worker.call("200", caller="+46709999999")
        await site.advance(2)
        assert site.centre.contact(0).position == 1
        assert site.centre.contact(0).callback_number == OWN
        site.worker.hang_up(later)
        await site.advance(1)

    site = run(sqlite_store, scenario, callback=callback())
    played = site.worker.played["w1-1"]
    first = played[: played.index("music_on_hold")]
    assert first[-2:] == ["callback_offer", "number_3"], first
    read_back = played.index("callback_number_is")
    assert played[read_back + 1 : read_back + 1 + len(OWN_SAID)] == OWN_SAID
    assert played[read_back + 1 + len(OWN_SAID)] == "callback_confirm"
    assert played[-1] == "callback_goodbye"
    (event,) = requested(site)
    assert (event.number, event.reason, event.tries) == (OWN, "key", 3)
    assert 35 <= event.wait_seconds <= 40
    kinds = site.kinds(0)
    assert "abandoned" not in kinds and "ended" not in kinds  # it waits on


def test_two_lets_the_caller_key_another_number_read_back_again(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        call = await waiting(site)
        site.worker.press(call, "3")  # during the first message
        await site.advance(3)
        site.worker.press(call, "2")
        await site.advance(2)
        assert site.worker.played[call][-1] == "callback_enter_number"
        site.worker.press(call, "0701112233#")
        await site.advance(3)
        site.worker.press(call, "1")
        await site.advance(5)

    site = run(sqlite_store, scenario, callback=callback())
    played = site.worker.played["w1-1"]
    second = played[played.index("callback_enter_number") :]
    assert second[1] == "callback_number_is"
    assert second[2:12] == [f"number_{digit}" for digit in "0701112233"]
    assert [(e.number, e.reason) for e in requested(site)] == [("0701112233", "key")]


def test_a_caller_without_a_number_must_key_one(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        call = await waiting(site, caller="anonymous")
        site.worker.press(call, "3")
        await site.advance(2)
        assert site.worker.played[call][-1] == "callback_enter_number"
        site.worker.press(call, "12#")  # too short to call
        await site.advance(3)
        assert site.worker.played[call][-2:] == ["invalid_input", "callback_enter_number"]
        site.worker.press(call, "0812345678#")
        await site.advance(2)
        site.worker.press(call, "1")
        await site.advance(5)

    site = run(sqlite_store, scenario, callback=callback())
    assert [e.number for e in requested(site)] == ["0812345678"]
    assert site.worker.played["w1-1"].count("callback_enter_number") == 2


def test_no_confirmed_number_leaves_the_caller_waiting_in_the_line(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        call = await waiting(site)
        site.worker.press(call, "3")
        await site.advance(90)  # three read-backs without a key
        assert not hung_up(site, call)
        assert site.centre.contact(0).callback_number is None
        site.worker.hang_up(call)
        await site.advance(1)

    site = run(sqlite_store, scenario, callback=callback())
    assert requested(site) == []
    played = site.worker.played["w1-1"]
    assert played.count("callback_confirm") == 3
    assert "music_on_hold" in played[played.index("callback_confirm") :]
    assert site.kinds(0)[-2:] == ["abandoned", "ended"]


def test_a_long_estimated_wait_imposes_the_callback(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        call = await waiting(site)
        await site.advance(20)
        assert "callback_forced" not in site.worker.played[call]
        await site.advance(20)  # nobody answers: the estimate grows with the wait
        assert "callback_number_is" in site.worker.played[call]
        site.worker.press(call, "1")
        await site.advance(5)
        assert hung_up(site, call)

    site = run(sqlite_store, scenario, callback=callback(key=None, forced_after_s=25))
    played = site.worker.played["w1-1"]
    assert played[0] == "queue_first" and "callback_offer" not in played
    assert played[played.index("callback_forced") + 1] == "callback_number_is"
    assert [(e.number, e.reason) for e in requested(site)] == [(OWN, "long_wait")]


def test_arriving_outside_the_window_imposes_the_callback(sqlite_store: Store) -> None:
    outside = {"start": "12:00", "end": "17:00"}  # 10:00 in Stockholm on the Monday

    async def scenario(site: Site) -> None:
        call = await waiting(site)
        site.worker.press(call, "1")
        await site.advance(8)

    site = run(sqlite_store, scenario, callback=callback(forced_outside=outside))
    assert site.worker.played["w1-1"][0] == "callback_forced"
    assert [e.reason for e in requested(site)] == ["outside_hours"]


def test_arriving_inside_the_window_waits_in_the_line(sqlite_store: Store) -> None:
    inside = {"start": "08:00", "end": "17:00"}

    async def inside_window(site: Site) -> None:
        call = await waiting(site)
        await site.advance(8)
        site.worker.hang_up(call)
        await site.advance(1)

    site = run(sqlite_store, inside_window, callback=callback(forced_outside=inside))
    assert site.worker.played["w1-1"][0] == "queue_first"
    assert requested(site) == []


def test_without_confirmation_the_own_number_is_taken_at_once(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        call = await waiting(site)
        site.worker.press(call, "3")
        await site.advance(5)

    site = run(sqlite_store, scenario, callback=callback(confirm_number=False))
    assert "callback_number_is" not in site.worker.played["w1-1"]
    assert [e.number for e in requested(site)] == [OWN]


async def asked(site: Site) -> str:
    """A caller in Support asks for a callback on its own number and is let go."""
    call = await waiting(site)
    site.worker.press(call, "3")
    await site.advance(3)
    site.worker.press(call, "1")
    await site.advance(5)
    assert hung_up(site, call)
    return call


async def offered(site: Site) -> str:
    """A callback asked for, then the agent ready: the call the server makes to its phone."""
    await asked(site)
    site.centre.ready(site.users["anna"])
    await site.advance(1)
    return site.worker.made()[-1].call_id


def test_an_agent_free_during_the_goodbye_is_not_rung_from_the_callers_leg(
    sqlite_store: Store,
) -> None:
    async def scenario(site: Site) -> None:
        call = await waiting(site)
        site.worker.press(call, "3")
        await site.advance(3)
        site.worker.press(call, "1")
        await site.advance(0.25, step=0.25)  # the request made, the goodbye playing
        assert site.worker.played[call][-1] == "callback_goodbye"
        site.centre.ready(site.users["anna"])
        await site.advance(3)
        assert hung_up(site, call)
        # The agent's phone is called by a call of its own, not from the caller's leg.
        (made,) = site.worker.made()
        assert made.sip_uri == AGENT_CONTACT and OFFER_HEADER in made.headers

    site = run(sqlite_store, scenario, callback=callback())
    assert site.worker.originations("w1-1") == []
    assert [e.number for e in requested(site)] == [OWN]


def test_the_agent_answers_then_the_citizen_is_called_and_bridged(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        await asked(site)
        later = site.worker.call("200", caller="+46709999999")
        await site.advance(1)
        site.centre.ready(site.users["anna"])
        await site.advance(1)
        # The place kept: the callback is offered first, from a call of its own.
        (made,) = site.worker.made()
        assert made.sip_uri == AGENT_CONTACT
        # The offer header exactly as an incoming caller's offer carries it.
        verify_offer_header(session_key("anna"), made.headers[OFFER_HEADER])
        assert site.worker.originations(later) == []
        site.worker.originated(made.call_id, "ringing")
        site.worker.originated(made.call_id, "answered")
        await site.advance(1)
        # The agent hears it ring while the citizen's number is called.
        (out,) = site.worker.originations(made.call_id)
        assert out.sip_uri == f"sip:{OWN}@gw.example.net:5060"
        assert site.worker.commands(made.call_id)[-2:] == ["ringback", "originate_agent_leg"]
        assert site.kinds(0)[-2:] == ["answered", "callback_dialled"]
        site.worker.agent_leg(made.call_id, "ringing")
        site.worker.agent_leg(made.call_id, "answered")
        await site.advance(1)
        assert site.worker.commands(made.call_id)[-1] == "bridge"
        assert site.kinds(0)[-1] == "callback_answered"
        await site.advance(60)
        site.worker.hang_up(made.call_id, side="agent")  # the citizen hangs up
        await site.advance(1)
        site.worker.hang_up(later)
        await site.advance(1)

    site = run(sqlite_store, scenario, callback=callback())
    kinds = site.kinds(0)
    assert kinds.index("callback_requested") < kinds.index("callback_dialled")
    assert kinds.index("callback_dialled") < kinds.index("callback_answered")
    (ended,) = [e.event for e in site.events(0) if isinstance(e.event, Ended)]
    assert ended.by == "caller" and ended.cause is None
    assert 60 <= ended.talk_seconds <= 62
    answered = [e.event for e in site.events(0) if isinstance(e.event, CallbackAnswered)]
    assert [(a.number, a.attempt) for a in answered] == [(OWN, 1)]


def test_a_citizen_not_reached_is_tried_again_then_closed_unreachable(
    sqlite_store: Store,
) -> None:
    async def scenario(site: Site) -> None:
        first = await offered(site)
        site.worker.originated(first, "answered")
        await site.advance(1)
        site.worker.agent_leg(first, "failed", 486)  # busy
        await site.advance(1)
        assert hung_up(site, first)
        # Back in the line after the retry interval, and offered again.
        await site.advance(10)
        assert len(site.worker.made()) == 1
        await site.advance(25)
        second = site.worker.made()[-1].call_id
        assert second != first
        site.worker.originated(second, "answered")
        await site.advance(1)
        await site.advance(61)  # nobody answers within the ring time
        assert hung_up(site, second)

    site = run(sqlite_store, scenario, callback=callback(retries=1, retry_interval_s=30))
    tries = [e.event for e in site.events(0) if isinstance(e.event, CallbackNoAnswer)]
    assert [(t.attempt, t.outcome) for t in tries] == [(1, "busy"), (2, "no_answer")]
    assert site.kinds(0)[-2:] == ["callback_unreachable", "ended"]
    (ended,) = [e.event for e in site.events(0) if isinstance(e.event, Ended)]
    assert ended.cause == "callback_unreachable"


def test_an_agent_who_does_not_answer_leaves_the_callback_waiting(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        made = await offered(site)
        site.worker.originated(made, "failed", 480)
        await site.advance(1)
        assert site.centre.contact(0).callback_number == OWN
        assert site.centre.contact(0).position == 1

    site = run(sqlite_store, scenario, callback=callback())
    kinds = site.kinds(0)
    assert kinds[-2:] == ["offered", "not_answered"]
    assert "callback_dialled" not in kinds and "ended" not in kinds


def test_without_an_outside_line_the_try_fails_and_says_why(
    sqlite_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario(site: Site) -> None:
        made = await offered(site)
        site.worker.originated(made, "answered")
        await site.advance(1)
        assert hung_up(site, made)

    site = run(sqlite_store, scenario, outside_gateway=None, callback=callback(retries=0))
    tries = [e.event for e in site.events(0) if isinstance(e.event, CallbackNoAnswer)]
    assert [t.outcome for t in tries] == ["failed"]
    assert site.kinds(0)[-2:] == ["callback_unreachable", "ended"]
    assert "no outside gateway is configured" in caplog.text


# Scheduled callbacks and the callback target (R17)

OFFICE_SAID_LATER = ["callback_we_call", "callback_today", "presence_at", "number_14", "number_30"]


def scheduled_requests(site: Site, contact: int = 0) -> list[CallbackRequested]:
    return [e for e in requested(site, contact) if e.due_at is not None]


def test_the_schedule_key_lets_the_caller_key_a_time_within_opening_hours(
    sqlite_store: Store,
) -> None:
    """Monday 10:00 in Stockholm, Support open 08-17 on weekdays: 2599 is no time,
    09:30 is tomorrow's (today's is past), 2 keys again, 14:30 is today's and 1 confirms
    it. The callback waits out of the line until 14:30, then is offered."""

    async def scenario(site: Site) -> None:
        call = await waiting(site)
        site.worker.press(call, "4")  # the schedule key, during the first message
        await site.advance(3)
        site.worker.press(call, "1")  # the own number is right
        await site.advance(3)
        assert site.worker.played[call][-1] == "callback_enter_time"
        site.worker.press(call, "2599#")
        await site.advance(3)
        assert site.worker.played[call][-2:] == ["invalid_input", "callback_enter_time"]
        site.worker.press(call, "0930#")
        await site.advance(8)
        said = site.worker.played[call][-6:]
        assert said == ["callback_we_call", "callback_tomorrow", "presence_at", "number_9",
                        "number_30", "callback_time_confirm"]  # fmt: skip
        site.worker.press(call, "2")
        await site.advance(2)
        site.worker.press(call, "1430#")
        await site.advance(8)
        assert site.worker.played[call][-6:] == [*OFFICE_SAID_LATER, "callback_time_confirm"]
        site.worker.press(call, "1")
        await site.advance(3)
        assert site.worker.played[call][-1] == "callback_scheduled_goodbye"
        assert hung_up(site, call)
        assert site.centre.waiting_contacts() == []
        (listed,) = site.centre.scheduled_callbacks()
        assert listed.callback_due == datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
        site.centre.ready(site.users["anna"])
        await site.advance(4 * 3600 + 1200, step=60)  # 13:20 UTC: not yet
        assert site.worker.made() == []
        await site.advance(540, step=60)
        await site.advance(60)
        (made,) = site.worker.made()
        assert made.sip_uri == AGENT_CONTACT

    site = run(
        sqlite_store,
        scenario,
        schedule="office",
        callback=callback(schedule_key="4"),
    )
    first = site.worker.played["w1-1"]
    first = first[: first.index("music_on_hold")] if "music_on_hold" in first else first
    assert "callback_schedule_offer" in first
    (event,) = scheduled_requests(site)
    assert event.due_at == datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
    assert (event.number, event.reason, event.due_priority) == (OWN, "key", 10)
    kinds = site.kinds(0)
    assert kinds.index("callback_requested") < kinds.index("offered")


def test_no_time_keyed_leaves_the_caller_waiting_in_the_line(sqlite_store: Store) -> None:
    """03:00 is open on no day: said so, three times, then the caller waits on."""

    async def scenario(site: Site) -> None:
        call = await waiting(site)
        site.worker.press(call, "4")
        await site.advance(3)
        site.worker.press(call, "1")
        await site.advance(3)
        for _ in range(3):
            site.worker.press(call, "0300#")
            await site.advance(4)
        assert not hung_up(site, call)
        assert site.centre.contact(0).position == 1
        assert site.centre.contact(0).callback_number is None
        site.worker.hang_up(call)
        await site.advance(1)

    site = run(sqlite_store, scenario, schedule="office", callback=callback(schedule_key="4"))
    assert requested(site) == []
    assert site.worker.played["w1-1"].count("callback_time_closed") == 3


def with_entry(doc: ConfigDocument, first: Any, **fields: Any) -> ConfigDocument:
    entry = EntryPointItem(address="300", name="Call me", first=first, **fields)
    return doc.model_copy(update={"entry_points": [*doc.entry_points, entry]})


def run_document(store: Store, scenario: Any, doc: ConfigDocument, start: datetime) -> Site:
    site = Site(store, start, doc, outside_gateway=GATEWAY)

    async def main() -> None:
        site.flow.calls_out_by(site.router)
        await scenario(site)
        await asyncio.wait_for(site.router.drain(), DRAIN_S)

    asyncio.run(main())
    return site


def test_a_callback_target_makes_the_caller_a_callback_in_the_queue(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.log_in("anna")
        site.centre.pause(site.users["anna"], "no_answer")
        call = site.worker.call("300")
        await site.advance(3)
        assert site.worker.played[call][0] == "callback_number_is"
        site.worker.press(call, "1")
        await site.advance(3)
        assert site.worker.played[call][-1] == "callback_goodbye"
        assert hung_up(site, call)
        (view,) = site.centre.waiting_contacts()
        assert (view.contact_id, view.callback_number, view.position) == (0, OWN, 1)

    doc = with_entry(document(callback=callback()), {"kind": "callback", "queue": "Support"})
    site = run_document(sqlite_store, scenario, doc, MONDAY_MORNING)
    (event,) = requested(site)
    assert (event.reason, event.wait_seconds, event.due_at) == ("chosen", 0.0, None)
    assert site.kinds(0)[:3] == ["contact_entered", "queued", "callback_requested"]


def test_a_closed_queue_calls_back_at_its_next_opening(sqlite_store: Store) -> None:
    """Saturday: on_closed sends the caller to Support's callback, made on Monday at
    08:00 when Support opens; said so, in Swedish."""

    async def scenario(site: Site) -> None:
        call = site.worker.call("200")
        await site.advance(3)
        site.worker.press(call, "1")
        await site.advance(8)
        assert hung_up(site, call)

    flow = {"schedule": "office", "on_closed": {"kind": "callback", "queue": "Support"}}
    site = run_document(sqlite_store, scenario, document(callback=callback(), **flow), SATURDAY)
    played = site.worker.played["w1-1"]
    after = played[played.index("callback_confirm") + 1 :]
    assert after == ["callback_we_call", "callback_weekday_1", "presence_at", "number_8",
                     "callback_scheduled_goodbye"]  # fmt: skip
    (event,) = requested(site)
    assert (event.reason, event.due_at) == ("closed", datetime(2026, 11, 30, 7, 0, tzinfo=UTC))
    assert site.kinds(0)[-2:] == ["overflowed", "callback_requested"]


def test_a_closed_queue_with_a_schedule_key_lets_the_caller_choose_the_time(
    sqlite_store: Store,
) -> None:
    async def scenario(site: Site) -> None:
        call = site.worker.call("200")
        await site.advance(3)
        site.worker.press(call, "1")
        await site.advance(3)
        assert site.worker.played[call][-1] == "callback_enter_time"
        site.worker.press(call, "1000#")
        await site.advance(8)
        site.worker.press(call, "1")
        await site.advance(3)
        assert hung_up(site, call)

    flow = {"schedule": "office", "on_closed": {"kind": "callback", "queue": "Support"}}
    terms = callback(schedule_key="4")
    site = run_document(sqlite_store, scenario, document(callback=terms, **flow), SATURDAY)
    played = site.worker.played["w1-1"]
    assert played[played.index("callback_we_call") + 1] == "callback_weekday_1"
    (event,) = requested(site)
    assert event.due_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Monday 10:00


def test_a_long_wait_sent_to_its_own_callback_keeps_its_wait(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        call = await waiting(site)
        await site.advance(25)  # past max_wait_s
        assert "callback_forced" in site.worker.played[call]
        site.worker.press(call, "1")
        await site.advance(5)
        assert hung_up(site, call)
        assert site.centre.contact(0).position == 1

    flow: dict[str, Any] = {
        "max_wait_s": 20,
        "on_max_wait": {"kind": "callback", "queue": "Support"},
    }
    site = run(sqlite_store, scenario, callback=callback(), **flow)
    (event,) = requested(site)
    assert event.reason == "long_wait" and event.wait_seconds >= 20
    assert "overflowed" not in site.kinds(0)


def test_an_entry_points_closed_hours_call_back_at_its_opening(sqlite_store: Store) -> None:
    """Support has no schedule of its own: the entry point's hours say when it opens."""

    async def scenario(site: Site) -> None:
        call = site.worker.call("300")
        await site.advance(3)
        site.worker.press(call, "1")
        await site.advance(8)
        assert hung_up(site, call)

    target = {"kind": "callback", "queue": "Support"}
    doc = with_entry(
        document(callback=callback()),
        {"kind": "queue", "queue": "Support"},
        schedule="office",
        when_closed=target,
    )
    site = run_document(sqlite_store, scenario, doc, SATURDAY)
    (event,) = requested(site)
    assert (event.reason, event.due_at) == ("closed", datetime(2026, 11, 30, 7, 0, tzinfo=UTC))
    assert site.kinds(0) == ["contact_entered", "callback_requested"]


def test_a_long_wait_sent_to_another_queues_callback_moves_there_with_its_wait(
    sqlite_store: Store,
) -> None:
    async def scenario(site: Site) -> None:
        call = await waiting(site)
        await site.advance(25)
        site.worker.press(call, "1")
        await site.advance(5)
        assert hung_up(site, call)
        sales = next(q.queue_id for q in site.centre.queues() if q.name == "Sales")
        (view,) = site.centre.waiting_contacts(sales)
        assert (view.contact_id, view.callback_number) == (0, OWN)
        assert view.wait_seconds >= 25

    flow: dict[str, Any] = {
        "max_wait_s": 20,
        "on_max_wait": {"kind": "callback", "queue": "Sales"},
    }
    doc = document(**flow)
    sales = doc.queues[1].model_copy(
        update={"flow": QueueFlowItem.model_validate({"callback": callback(key=None,
                                                                          forced_after_s=600)})}
    )  # fmt: skip
    doc = doc.model_copy(update={"queues": [doc.queues[0], sales]})
    site = run_document(sqlite_store, scenario, doc, MONDAY_MORNING)
    (event,) = requested(site)
    assert event.reason == "long_wait" and event.wait_seconds >= 20
    kinds = site.kinds(0)
    assert kinds.index("overflowed") < kinds.index("callback_requested")
