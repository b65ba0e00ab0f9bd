"""A callback asked for in the queue's wait (R17): the key said and pressed, the rules
that impose one, the number read back and confirmed or keyed, the goodbye, and the
contact left waiting at its place without a voice leg. The real centre and event log,
the media worker double, a manual clock."""

import asyncio
from datetime import datetime
from typing import Any

import pytest

from tests.server.callflow.conftest import AGENT_CONTACT, MONDAY_MORNING, Site, document
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
