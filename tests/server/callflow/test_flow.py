"""The call flow's rules, call by call, against the real centre and event log."""

import asyncio
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from tests.server.callflow.conftest import MONDAY_MORNING, SATURDAY, Site, document
from vaxla_protocol.config import ConfigDocument, GoToQueue
from vaxla_protocol.offers import OFFER_HEADER, session_key, verify_offer_header
from vaxla_server.callflow.flow import FlowPlan
from vaxla_server.media.messages import CallEnded
from vaxla_server.store import Store
from vaxla_server.store.events import Abandoned, Ended, MenuChoice, Overflowed

Scenario = Callable[[Site], Coroutine[Any, Any, None]]


def run(
    store: Store,
    scenario: Scenario,
    *,
    start: datetime = MONDAY_MORNING,
    doc: ConfigDocument | None = None,
) -> Site:
    site = Site(store, start, doc or document())

    async def main() -> None:
        await scenario(site)
        await site.router.drain()

    asyncio.run(main())
    return site


def test_an_unknown_number_is_refused_and_never_answered(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        call = site.worker.call("999")
        await site.advance(1)
        assert site.worker.commands(call) == ["reject"]

    site = run(sqlite_store, scenario)
    assert site.events() == []


def test_closed_hours_play_the_closed_message_and_end_the_call(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        call = site.worker.call("100")
        await site.advance(5)
        assert site.worker.played[call] == ["closed"]
        assert site.worker.commands(call)[-1] == "hangup"

    site = run(sqlite_store, scenario, start=SATURDAY)
    ended = site.events(0)[-1].event
    assert isinstance(ended, Ended) and (ended.by, ended.cause) == ("system", "closed")


def test_menu_key_one_reaches_an_agent_who_answers(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.log_in("anna")
        call = site.worker.call("100")
        await site.advance(2)  # welcome, then the menu prompt starts
        site.worker.press(call, "1")
        await site.advance(1)
        (ring,) = site.worker.originations(call)
        assert ring.sip_uri == "sip:anna@127.0.0.1:5070"
        assert verify_offer_header(session_key("anna"), ring.headers[OFFER_HEADER])
        site.worker.agent_leg(call, "ringing")
        await site.advance(3)
        site.worker.agent_leg(call, "answered")
        await site.advance(1)
        assert "bridge" in site.worker.commands(call)
        await site.advance(60)
        site.worker.hang_up(call, "agent")
        await site.advance(1)
        assert site.centre.agent(site.users["anna"]).state == "wrap_up"
        await site.advance(10)
        assert site.centre.agent(site.users["anna"]).state == "available"

    site = run(sqlite_store, scenario)
    assert site.kinds(0) == [
        "contact_entered",
        "menu_choice",
        "queued",
        "offered",
        "announcement_played",
        "answered",
        "ended",
        "wrap_up_started",
        "wrap_up_ended",
    ]
    assert site.worker.played["w1-1"][:2] == ["welcome", "demo_menu_main"]
    (ended,) = [e.event for e in site.events(0) if isinstance(e.event, Ended)]
    assert ended.by == "agent" and ended.talk_seconds >= 60


def test_an_invalid_key_says_so_and_the_menu_is_offered_again(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.log_in("anna")
        call = site.worker.call("100")
        await site.advance(2)
        site.worker.press(call, "7")
        await site.advance(3)
        site.worker.press(call, "1")
        await site.advance(1)
        site.worker.hang_up(call)
        await site.advance(1)

    site = run(sqlite_store, scenario)
    played = site.worker.played["w1-1"]
    assert played[:4] == ["welcome", "demo_menu_main", "invalid_key", "demo_menu_main"]
    choices = [e.event for e in site.events(0) if isinstance(e.event, MenuChoice)]
    assert [(c.menu, c.key) for c in choices] == [("main", "7"), ("main", "1")]


def test_nine_switches_to_the_english_menu_and_prompts(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        call = site.worker.call("100")
        await site.advance(2)
        site.worker.press(call, "9")
        await site.advance(2)
        site.worker.hang_up(call)
        await site.advance(1)

    site = run(sqlite_store, scenario)
    files = [command.files for command in site.worker.sent if command.type == "play"]
    assert "/sv/" in files[1][0] and "/en/" in files[2][0]


def test_silence_in_the_menu_retries_then_ends_the_call(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.worker.call("100")
        await site.advance(60)

    site = run(sqlite_store, scenario)
    played = site.worker.played["w1-1"]
    assert played.count("demo_menu_main") == 3  # the default: two retries
    assert played.count("no_input") == 2
    assert site.kinds(0)[-1] == "ended"


def test_digits_are_validated_and_attached_for_the_agent(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.log_in("anna")
        call = site.worker.call("100")
        await site.advance(2)
        site.worker.press(call, "2")
        await site.advance(1)
        site.worker.press(call, "12#")  # too short: invalid, asked again
        await site.advance(3)
        site.worker.press(call, "123456#")
        await site.advance(2)
        contact = site.centre.contact(0)
        assert contact.data == {"customer": "123456"}
        site.worker.hang_up(call)
        await site.advance(1)

    site = run(sqlite_store, scenario)
    digits = [e.event for e in site.events(0) if e.event.kind.value == "digits_entered"]
    assert [(d.valid, d.digits, d.attempt) for d in digits] == [  # type: ignore[union-attr]
        (False, None, 1),
        (True, "123456", 2),
    ]
    assert "invalid_input" in site.worker.played["w1-1"]


def test_a_caller_hanging_up_in_the_queue_is_abandoned_with_position(
    sqlite_store: Store,
) -> None:
    async def scenario(site: Site) -> None:
        site.log_in("anna")
        site.centre.pause(site.users["anna"], "no_answer")
        call = site.worker.call("200")
        await site.advance(40)
        site.worker.hang_up(call)
        await site.advance(1)

    site = run(sqlite_store, scenario)
    abandoned = [e.event for e in site.events(0) if isinstance(e.event, Abandoned)]
    assert len(abandoned) == 1
    assert abandoned[0].position == 1 and 39 <= abandoned[0].wait_seconds <= 41
    played = site.worker.played["w1-1"]
    assert played[0] == "queue_first" and "music_on_hold" in played
    assert "you_are_number" in played and "queue_periodic_1" in played


def test_max_wait_overflows_to_another_queue_keeping_the_wait(sqlite_store: Store) -> None:
    doc = document(max_wait_s=60, on_max_wait={"kind": "queue", "queue": "Sales"})

    async def scenario(site: Site) -> None:
        site.log_in("anna")
        site.centre.pause(site.users["anna"], "no_answer")
        call = site.worker.call("200")
        await site.advance(61)
        assert site.centre.contact(0).wait_seconds >= 60
        site.worker.hang_up(call)
        await site.advance(1)

    site = run(sqlite_store, scenario, doc=doc)
    overflowed = [e.event for e in site.events(0) if isinstance(e.event, Overflowed)]
    assert [(o.rule, o.target) for o in overflowed] == [("max_wait", "queue Sales")]
    assert site.kinds(0)[-2:] == ["abandoned", "ended"]


def test_nobody_logged_in_plays_the_message_and_logs_why(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.worker.call("200")
        await site.advance(5)

    site = run(sqlite_store, scenario)
    assert site.worker.played["w1-1"] == ["nobody_logged_in"]
    overflowed = [e.event for e in site.events(0) if isinstance(e.event, Overflowed)]
    assert [(o.rule, o.wait_seconds) for o in overflowed] == [("nobody_logged_in", 0.0)]
    ended = site.events(0)[-1].event
    assert isinstance(ended, Ended) and ended.cause == "nobody_logged_in"


def test_no_answer_pauses_the_agent_and_offers_the_caller_to_the_next(
    sqlite_store: Store,
) -> None:
    async def scenario(site: Site) -> None:
        site.log_in("anna", "sip:anna@127.0.0.1:5070")
        site.log_in("bo", "sip:bo@127.0.0.1:5072")
        call = site.worker.call("200")
        await site.advance(1)
        first = site.worker.originations(call)[0]
        site.worker.agent_leg(call, "ringing")
        await site.advance(16)  # the queue's ring timeout is 15 s
        assert "cancel_agent_leg" in site.worker.commands(call)
        rona = next(
            name
            for name in ("anna", "bo")
            if first.sip_uri == f"sip:{name}@127.0.0.1:" + ("5070" if name == "anna" else "5072")
        )
        assert site.centre.agent(site.users[rona]).state == "paused"
        second = site.worker.originations(call)[1]
        assert second.sip_uri != first.sip_uri
        site.worker.agent_leg(call, "answered")
        await site.advance(1)
        site.worker.hang_up(call)
        await site.advance(1)

    site = run(sqlite_store, scenario)
    kinds = site.kinds(0)
    assert kinds.count("offered") == 2 and "not_answered" in kinds and "answered" in kinds
    assert "agent_auto_paused" in [e.event.kind.value for e in site.events()]


def test_a_queue_closed_by_its_own_schedule_turns_callers_away(sqlite_store: Store) -> None:
    base = document()
    sales = base.queues[1]
    closing_sales = sales.model_copy(
        update={"flow": sales.flow.model_copy(update={"schedule": "office"})}
    )
    to_sales = base.entry_points[1].model_copy(update={"first": GoToQueue(queue="Sales")})
    doc = base.model_copy(
        update={
            "queues": [base.queues[0], closing_sales],
            "entry_points": [base.entry_points[0], to_sales],
        }
    )

    async def scenario(site: Site) -> None:
        site.log_in("anna")
        site.worker.call("200")  # the entry point has no schedule: it is open
        await site.advance(5)

    site = run(sqlite_store, scenario, start=SATURDAY, doc=doc)
    assert site.worker.played["w1-1"] == ["closed"]
    overflowed = [e.event for e in site.events(0) if isinstance(e.event, Overflowed)]
    assert [(o.rule, o.target) for o in overflowed] == [("schedule", "message")]
    ended = site.events(0)[-1].event
    assert isinstance(ended, Ended) and ended.cause == "closed"


def test_a_returning_caller_is_offered_to_the_agent_who_served_them(sqlite_store: Store) -> None:
    base = document()
    support = base.queues[0].model_copy(update={"sticky_agent_s": 600})
    doc = base.model_copy(update={"queues": [support, base.queues[1]]})

    def answer_and_hang_up_on(site: Site, call: str) -> str:
        (ring,) = site.worker.originations(call)
        site.worker.agent_leg(call, "answered")
        return ring.sip_uri

    async def scenario(site: Site) -> None:
        site.log_in("anna", "sip:anna@127.0.0.1:5070")
        site.log_in("bo", "sip:bo@127.0.0.1:5072")
        first = site.worker.call("200", caller="+46705550001")
        await site.advance(1)
        served_by = answer_and_hang_up_on(site, first)
        await site.advance(30)
        site.worker.hang_up(first)
        await site.advance(15)  # past the 10 s wrap-up: both agents free again
        # Longest idle would now pick the other agent; the caller's own agent is preferred.
        again = site.worker.call("200", caller="+46705550001")
        await site.advance(1)
        assert answer_and_hang_up_on(site, again) == served_by
        site.worker.hang_up(again)
        await site.advance(15)
        stranger = site.worker.call("200", caller="+46705550002")
        await site.advance(1)
        assert answer_and_hang_up_on(site, stranger) != served_by
        site.worker.hang_up(stranger)
        await site.advance(1)

    run(sqlite_store, scenario, doc=doc)


def test_a_call_lost_with_its_worker_is_ended_with_the_cause(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.log_in("anna")
        call = site.worker.call("200")
        await site.advance(1)
        site.worker.agent_leg(call, "answered")
        await site.advance(5)
        site.worker._to_server(CallEnded(call_id=call, cause="worker_died", side="server"))
        await site.advance(1)
        assert site.centre.agent(site.users["anna"]).state == "wrap_up"

    site = run(sqlite_store, scenario)
    (ended,) = [e.event for e in site.events(0) if isinstance(e.event, Ended)]
    assert (ended.by, ended.cause) == ("system", "worker_died")


def test_an_agent_who_answered_and_hung_up_before_the_flow_looked_has_answered(
    sqlite_store: Store,
) -> None:
    """Under load the server can fall behind its workers: the agent's phone ringing, its
    answer and the agent's hang-up (the worker ends a call whose agent left before the
    bridge) arrive together. The call is logged answered by that agent, not as never answered."""

    async def scenario(site: Site) -> None:
        site.log_in("anna")
        call = site.worker.call("200")
        await site.advance(1)
        assert site.worker.originations(call)
        site.worker.agent_leg(call, "ringing")
        site.worker.agent_leg(call, "answered")
        site.worker.hang_up(call, "agent")
        await site.advance(1)
        assert site.centre.agent(site.users["anna"]).state == "wrap_up"

    site = run(sqlite_store, scenario)
    kinds = site.kinds(0)
    assert kinds.index("answered") < kinds.index("ended"), kinds
    (ended,) = [e.event for e in site.events(0) if isinstance(e.event, Ended)]
    assert ended.by == "agent"


def test_announcements_say_how_many_agents_answer(sqlite_store: Store) -> None:
    base = document()
    standard = base.announcement_sets[0].model_copy(
        update={"announce_agents_answering": True, "announce_position": False}
    )
    doc = base.model_copy(update={"announcement_sets": [standard]})

    async def scenario(site: Site) -> None:
        site.log_in("anna")
        site.log_in("bo")
        site.centre.pause(site.users["bo"], "no_answer")
        call = site.worker.call("200")
        await site.advance(1)
        site.worker.agent_leg(call, "failed", 486)  # anna declines: the caller waits on
        await site.advance(40)
        site.worker.hang_up(call)
        await site.advance(1)

    site = run(sqlite_store, scenario, doc=doc)
    played = site.worker.played["w1-1"]
    at = played.index("agents_answering")
    assert played[at + 1] == "number_1"  # anna answers; bo is paused


def test_a_shorter_maximum_wait_applies_to_callers_already_waiting(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.log_in("anna")
        site.centre.pause(site.users["anna"], "no_answer")
        call = site.worker.call("200")
        await site.advance(100)
        assert site.events(0)[-1].event.kind.value != "overflowed"
        base = site.plan.document
        support = site.plan.queues["Support"]
        flow = support.flow.model_copy(
            update={"max_wait_s": 60, "on_max_wait": GoToQueue(queue="Sales")}
        )
        shorter = support.model_copy(update={"flow": flow})
        others = [queue for queue in base.queues if queue.name != "Support"]
        site.plan = FlowPlan.of(base.model_copy(update={"queues": [shorter, *others]}))
        site.flow.notify_changed()
        await site.advance(1)
        site.worker.hang_up(call)
        await site.advance(1)

    site = run(sqlite_store, scenario)
    overflowed = [e.event for e in site.events(0) if isinstance(e.event, Overflowed)]
    assert [(o.rule, o.target) for o in overflowed] == [("max_wait", "queue Sales")]
    assert 100 <= overflowed[0].wait_seconds <= 102


def test_callers_waiting_when_the_last_agent_logs_out_overflow(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.log_in("anna")
        site.centre.pause(site.users["anna"], "no_answer")
        site.worker.call("200")
        await site.advance(20)
        site.centre.log_out(site.users["anna"])
        await site.advance(5)

    site = run(sqlite_store, scenario)
    overflowed = [e.event for e in site.events(0) if isinstance(e.event, Overflowed)]
    assert [o.rule for o in overflowed] == ["nobody_logged_in"]
    assert site.worker.played["w1-1"][-1] == "nobody_logged_in"
    ended = site.events(0)[-1].event
    assert isinstance(ended, Ended) and ended.cause == "nobody_logged_in"


def _played_while_waiting(store: Store, keys: list[tuple[float, str]]) -> list[str]:
    """A caller waits in Support with nobody to answer; after each pause of the given
    seconds it presses the key (none for ""), then hangs up. What its worker played."""

    async def scenario(site: Site) -> None:
        site.log_in("anna")
        site.centre.pause(site.users["anna"], "no_answer")
        call = site.worker.call("200")
        for seconds, key in keys:
            await site.advance(seconds)
            if key:
                site.worker.press(call, key)
        site.worker.hang_up(call)
        await site.advance(1)

    return run(store, scenario).worker.played["w1-1"]


def test_hash_switches_the_repeated_message_between_wait_and_position(
    sqlite_store: Store,
) -> None:
    # the first message, then the repeated one (the position); # at 35 s: the wait at
    # once and in the next repeat; # at 80 s: the position at once and again
    played = _played_while_waiting(sqlite_store, [(35, "#"), (45, "#"), (45, "")])
    assert played[:3] == ["queue_first", "press_star_for_position", "press_hash_to_choose"]
    to_wait, to_position = played.index("repeat_wait"), played.index("repeat_position")
    assert "you_are_number" in played[:to_wait]
    assert "estimated_wait_about" not in played[:to_wait]
    chose_wait = played[to_wait:to_position]
    assert chose_wait.count("estimated_wait_about") == 2, chose_wait
    assert "you_are_number" not in chose_wait
    assert "you_are_number" in played[to_position:]
    assert "estimated_wait_about" not in played[to_position:]


def test_hash_during_the_first_message_chooses_the_wait(sqlite_store: Store) -> None:
    played = _played_while_waiting(sqlite_store, [(1, "#"), (40, "")])
    after = played[played.index("repeat_wait") :]
    assert after[1] == "estimated_wait_about"
    assert after.count("estimated_wait_about") == 2 and "you_are_number" not in after


def test_a_caller_a_supervisor_moves_waits_under_the_new_queues_rules(
    sqlite_store: Store,
) -> None:
    """Moved from Support (announcements, a 60 s maximum wait) to Sales (neither) after
    10 s: no more of Support's announcements, no overflow at 60 s, the wait kept."""
    doc = document(max_wait_s=60, on_max_wait={"kind": "queue", "queue": "Sales"})

    async def scenario(site: Site) -> None:
        site.log_in("anna")
        site.centre.pause(site.users["anna"], "no_answer")
        call = site.worker.call("200")
        await site.advance(10)
        sales = {q.name: q.queue_id for q in site.centre.queues()}["Sales"]
        site.centre.move(0, sales, by_user=site.users["anna"])
        await site.advance(1)
        heard = len(site.worker.played[call])
        await site.advance(60)
        assert set(site.worker.played[call][heard:]) <= {"music_on_hold"}
        site.worker.hang_up(call)
        await site.advance(1)

    site = run(sqlite_store, scenario, doc=doc)
    assert not [e for e in site.events(0) if isinstance(e.event, Overflowed)]
    abandoned = [e.event for e in site.events(0) if isinstance(e.event, Abandoned)]
    assert [(a.queue_id, round(a.wait_seconds)) for a in abandoned] == [(2, 71)]
