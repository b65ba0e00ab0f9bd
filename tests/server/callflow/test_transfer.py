"""Overflow to an outside number: the outside leg is called through the outside gateway
from the caller's worker and bridged; a number that does not answer, or no gateway,
ends the call with the reason in the event log."""

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from tests.server.callflow.conftest import MONDAY_MORNING, Site, document
from vaxla_protocol.config import ConfigDocument
from vaxla_server.media.messages import Bridge, CancelAgentLeg, OriginateAgentLeg
from vaxla_server.outbound.flow import outside_uri
from vaxla_server.store import Store
from vaxla_server.store.events import Ended, Overflowed

GATEWAY = "sip:gw.example.net:5060"
TO_NUMBER = {"kind": "transfer", "number": "+46855512345"}


def run(
    store: Store,
    scenario: Callable[[Site], Awaitable[None]],
    doc: ConfigDocument,
    gateway: str | None = GATEWAY,
) -> Site:
    site = Site(store, MONDAY_MORNING, doc, outside_gateway=gateway)

    async def main() -> None:
        await scenario(site)
        await site.router.drain()

    asyncio.run(main())
    return site


def test_the_number_becomes_the_user_part_of_the_gateways_uri() -> None:
    assert outside_uri("sip:gw.example.net:5060", "+4670") == "sip:+4670@gw.example.net:5060"
    assert outside_uri("sip:192.0.2.1", "112") == "sip:112@192.0.2.1"
    assert outside_uri("sips:gw;transport=tls", "1") == "sips:1@gw;transport=tls"


def test_nobody_logged_in_overflows_to_the_number_and_bridges_it(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        call = site.worker.call("200")
        await site.advance(2)  # "transferring" plays for a second
        [outside] = site.worker.originations(call)
        assert outside.sip_uri == "sip:+46855512345@gw.example.net:5060"
        assert outside.headers == {}  # no offer token: this is not an agent
        site.worker.agent_leg(call, "answered")
        await site.advance(1)
        assert any(isinstance(c, Bridge) for c in site.worker.sent)
        await site.advance(30)
        site.worker.hang_up(call)
        await site.advance(1)

    site = run(sqlite_store, scenario, document(on_nobody_logged_in=TO_NUMBER))
    assert site.worker.played["w1-1"][:2] == ["transferring", "music_on_hold"]
    overflowed = [e.event for e in site.events(0) if isinstance(e.event, Overflowed)]
    assert [(o.rule, o.target) for o in overflowed] == [("nobody_logged_in", "number +46855512345")]
    ended = site.events(0)[-1].event
    assert isinstance(ended, Ended) and (ended.by, ended.cause) == ("caller", "transferred")


def test_the_outside_party_hanging_up_ends_the_call(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        call = site.worker.call("200")
        await site.advance(2)
        site.worker.agent_leg(call, "answered")
        await site.advance(5)
        site.worker.hang_up(call, side="agent")
        await site.advance(1)

    site = run(sqlite_store, scenario, document(on_nobody_logged_in=TO_NUMBER))
    ended = site.events(0)[-1].event
    assert isinstance(ended, Ended) and (ended.by, ended.cause) == ("system", "transferred")


@pytest.mark.parametrize("answer", ["busy", "silence"])
def test_a_number_that_does_not_answer_says_goodbye(sqlite_store: Store, answer: str) -> None:
    async def scenario(site: Site) -> None:
        call = site.worker.call("200")
        await site.advance(2)
        if answer == "busy":
            site.worker.agent_leg(call, "failed", 486)
            await site.advance(3)
        else:
            await site.advance(61)  # it rings for a minute at most
            assert any(isinstance(c, CancelAgentLeg) for c in site.worker.sent)
            await site.advance(3)

    site = run(sqlite_store, scenario, document(on_nobody_logged_in=TO_NUMBER))
    assert site.worker.played["w1-1"][-1] == "goodbye"
    ended = site.events(0)[-1].event
    assert isinstance(ended, Ended) and (ended.by, ended.cause) == ("system", "no_route")


def test_without_a_gateway_the_transfer_ends_the_call_and_says_why(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.worker.call("200")
        await site.advance(3)

    site = run(sqlite_store, scenario, document(on_nobody_logged_in=TO_NUMBER), gateway=None)
    assert not any(isinstance(c, OriginateAgentLeg) for c in site.worker.sent)
    ended = site.events(0)[-1].event
    assert isinstance(ended, Ended) and ended.cause == "no_route"
