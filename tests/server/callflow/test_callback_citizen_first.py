"""A callback made citizen first (R17): the citizen's number is called while the
agent's offer is held, the citizen hears the hello and music while the agent's phone
rings, a citizen not reached never rings the agent, and an agent who lets the citizen
ring out leaves the callback waiting while the citizen is told. The real centre and
event log, the media worker double, a manual clock."""

from typing import Any

from tests.server.callflow.conftest import AGENT_CONTACT, Site
from tests.server.callflow.test_callback import OWN, asked, callback, hung_up, run
from vaxla_protocol.offers import OFFER_HEADER, session_key, verify_offer_header
from vaxla_server.media.messages import OriginateAgentLeg
from vaxla_server.store import Store
from vaxla_server.store.events import CallbackDialled, CallbackNoAnswer, Ended

CITIZEN_URI = f"sip:{OWN}@gw.example.net:5060"


def citizen_first(**terms: Any) -> dict[str, Any]:
    return callback(order="citizen_first", **terms)


async def dialled(site: Site) -> str:
    """A callback asked for, then the agent ready: the call the server makes, to the
    citizen's number."""
    await asked(site)
    site.centre.ready(site.users["anna"])
    await site.advance(1)
    made = site.worker.made()[-1]
    assert made.sip_uri == CITIZEN_URI and OFFER_HEADER not in made.headers
    return made.call_id


def test_the_citizen_answers_hears_the_hello_and_then_the_agent_is_rung(
    sqlite_store: Store,
) -> None:
    async def scenario(site: Site) -> None:
        citizen = await dialled(site)
        later = site.worker.call("200", caller="+46709999999")
        await site.advance(1)
        assert site.kinds(0)[-2:] == ["offered", "callback_dialled"]
        site.worker.originated(citizen, "ringing")
        await site.advance(30)  # longer than the ring timeout: the offer is held
        assert site.worker.originations(citizen) == []  # the agent is not rung yet
        assert "not_answered" not in site.kinds(0)
        site.worker.originated(citizen, "answered")
        await site.advance(0.25, step=0.25)
        assert site.kinds(0)[-1] == "callback_answered"
        (ring,) = site.worker.originations(citizen)
        assert ring.sip_uri == AGENT_CONTACT
        verify_offer_header(session_key("anna"), ring.headers[OFFER_HEADER])
        assert site.worker.played[citizen] == ["callback_hello"]
        site.worker.agent_leg(citizen, "ringing")
        await site.advance(2)
        assert site.worker.played[citizen] == ["callback_hello", "music_on_hold"]
        site.worker.agent_leg(citizen, "answered")
        await site.advance(1)
        assert site.worker.commands(citizen)[-1] == "bridge"
        assert site.kinds(0)[-1] == "answered"
        await site.advance(30)
        site.worker.hang_up(citizen, side="agent")  # the agent hangs up
        await site.advance(1)
        site.worker.hang_up(later)
        await site.advance(1)

    site = run(sqlite_store, scenario, callback=citizen_first())
    kinds = site.kinds(0)
    tail = ["offered", "callback_dialled", "callback_answered", "answered", "ended"]
    assert [k for k in kinds if k in tail] == tail, kinds
    (ended,) = [e.event for e in site.events(0) if isinstance(e.event, Ended)]
    assert ended.by == "agent" and ended.cause is None
    assert 30 <= ended.talk_seconds <= 32


def test_a_citizen_not_reached_never_rings_the_agent(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        first = await dialled(site)
        site.worker.originated(first, "failed", 486)  # busy
        await site.advance(1)
        # Retried at once at its place: the agent, free and never rung, is offered it again.
        second = site.worker.made()[-1]
        assert second.call_id != first and second.sip_uri == CITIZEN_URI
        site.worker.originated(second.call_id, "ringing")
        await site.advance(61)  # nobody answers within the ring time
        assert hung_up(site, second.call_id)

    site = run(sqlite_store, scenario, callback=citizen_first(retries=1, retry_interval_s=0))
    assert not any(isinstance(c, OriginateAgentLeg) for c in site.worker.sent)
    tries = [e.event for e in site.events(0) if isinstance(e.event, CallbackNoAnswer)]
    assert [(t.attempt, t.outcome) for t in tries] == [(1, "busy"), (2, "no_answer")]
    kinds = site.kinds(0)
    assert kinds[-2:] == ["callback_unreachable", "ended"]
    assert "not_answered" not in kinds and "answered" not in kinds
    assert "agent_auto_paused" not in [e.event.kind.value for e in site.events()]


def test_an_agent_who_lets_the_citizen_ring_out_leaves_it_waiting(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        citizen = await dialled(site)
        site.worker.originated(citizen, "answered")
        await site.advance(1)
        site.worker.agent_leg(citizen, "ringing")
        await site.advance(16)  # the queue's ring timeout (15 s) from the citizen's answer
        assert site.kinds(0)[-2:] == ["not_answered", "agent_auto_paused"]
        await site.advance(2)  # told, then let go
        assert site.worker.played[citizen][-1] == "callback_agent_missed"
        assert "cancel_agent_leg" in site.worker.commands(citizen)
        assert hung_up(site, citizen)
        view = site.centre.contact(0)
        assert (view.callback_number, view.position) == (OWN, 1)

    site = run(sqlite_store, scenario, callback=citizen_first())
    kinds = site.kinds(0)
    assert "ended" not in kinds and "callback_no_answer" not in kinds


def test_an_agent_who_declines_leaves_it_waiting_and_the_citizen_is_told(
    sqlite_store: Store,
) -> None:
    async def scenario(site: Site) -> None:
        citizen = await dialled(site)
        site.worker.originated(citizen, "answered")
        await site.advance(1)
        site.worker.agent_leg(citizen, "failed", 486)
        await site.advance(3)
        assert site.worker.played[citizen][-1] == "callback_agent_missed"
        assert hung_up(site, citizen)
        assert site.centre.contact(0).callback_number == OWN

    site = run(sqlite_store, scenario, callback=citizen_first())
    assert site.kinds(0)[-2:] == ["callback_answered", "not_answered"]


def test_the_citizen_hanging_up_before_the_agent_answers_is_a_failed_try(
    sqlite_store: Store,
) -> None:
    async def scenario(site: Site) -> None:
        citizen = await dialled(site)
        site.worker.originated(citizen, "answered")
        await site.advance(1)
        site.worker.hang_up(citizen)  # the citizen
        await site.advance(1)

    site = run(sqlite_store, scenario, callback=citizen_first(retries=0))
    tries = [e.event for e in site.events(0) if isinstance(e.event, CallbackNoAnswer)]
    assert [t.outcome for t in tries] == ["failed"]
    assert site.kinds(0)[-2:] == ["callback_unreachable", "ended"]
    assert "not_answered" not in site.kinds(0)


def test_an_agent_who_answers_during_the_hello_is_put_through_at_once(
    sqlite_store: Store,
) -> None:
    async def scenario(site: Site) -> None:
        citizen = await dialled(site)
        site.worker.originated(citizen, "answered")
        await site.advance(0.25, step=0.25)
        site.worker.agent_leg(citizen, "answered")
        await site.advance(0.25, step=0.25)  # the hello (1 s here) has not ended
        assert site.worker.commands(citizen)[-1] == "bridge"
        assert site.worker.played[citizen] == ["callback_hello"]  # no music after it
        site.worker.hang_up(citizen)  # the citizen hangs up
        await site.advance(1)

    site = run(sqlite_store, scenario, callback=citizen_first())
    (ended,) = [e.event for e in site.events(0) if isinstance(e.event, Ended)]
    assert ended.by == "caller"
    assert site.kinds(0)[-4:-1] == ["callback_answered", "answered", "ended"]


def test_the_next_agent_calls_the_citizen_again_only_once_it_was_let_go(
    sqlite_store: Store,
) -> None:
    async def scenario(site: Site) -> None:
        first = await dialled(site)
        site.worker.originated(first, "answered")
        await site.advance(1)
        site.worker.agent_leg(first, "ringing")
        site.log_in("bo")  # free, but the callback's offer is held for anna meanwhile
        await site.advance(13)
        assert len(site.worker.made()) == 1
        await site.advance(1)  # anna rings out (15 s from the answer): bo's at once
        await site.advance(3)  # the citizen told (1 s here) and let go, then called again
        assert hung_up(site, first)
        second = site.worker.made()[-1].call_id
        assert second != first
        sent = site.worker.sent
        let_go = next(i for i, c in enumerate(sent) if c.type == "hangup" and c.call_id == first)
        again = next(i for i, c in enumerate(sent) if c.type == "originate" and c.call_id == second)
        assert let_go < again
        site.worker.originated(second, "failed", 480)
        await site.advance(1)

    site = run(sqlite_store, scenario, callback=citizen_first(retries=0))
    dialled_for = [e.event for e in site.events(0) if isinstance(e.event, CallbackDialled)]
    assert [d.agent_id for d in dialled_for] == [site.users["anna"], site.users["bo"]]
    assert site.kinds(0)[-3:] == ["callback_no_answer", "callback_unreachable", "ended"]
