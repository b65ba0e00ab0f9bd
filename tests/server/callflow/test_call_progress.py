"""The progress of an agent's call, as the call flow publishes it for the event socket:
``bridged`` when the call control starts taking the agent's requests (not before the
bridge is sent), ``ringing`` once when an outbound call's number rings, and
``target_answered`` when an attended transfer's target answered the consultation."""

import asyncio
from collections.abc import Awaitable, Callable

from tests.server.callflow.conftest import MONDAY_MORNING, Site, document
from vaxla_protocol.control import CallProgress, TransferKind, TransferRequest
from vaxla_protocol.offers import session_key
from vaxla_protocol.outbound import session_header
from vaxla_server.callflow.calls import CallMessage
from vaxla_server.media.messages import ConsultState, IncomingCall
from vaxla_server.store import Store

GATEWAY = "sip:gw.example.net:5060"


class Heard:
    """What a listener of the calls got, with the worker commands sent before each."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.progress: list[CallProgress] = []
        self.commands_then: list[list[str]] = []
        site.flow.control.subscribe(self._hear)

    def _hear(self, message: CallMessage) -> None:
        if isinstance(message, CallProgress):
            self.progress.append(message)
            self.commands_then.append([type(c).__name__ for c in self.site.worker.sent])

    def states(self) -> list[tuple[int, int, str]]:
        return [(p.agent_id, p.contact_id, p.state) for p in self.progress]


def run(store: Store, scenario: Callable[[Site, Heard], Awaitable[None]]) -> Site:
    site = Site(store, MONDAY_MORNING, document(), outside_gateway=GATEWAY)
    heard = Heard(site)

    async def main() -> None:
        await scenario(site, heard)
        await site.router.drain()

    asyncio.run(main())
    return site


def test_an_answered_caller_is_bridged_once_the_bridge_is_sent(sqlite_store: Store) -> None:
    async def scenario(site: Site, heard: Heard) -> None:
        anna = site.users["anna"]
        site.log_in("anna")
        call = site.worker.call("200")
        await site.advance(1)
        site.worker.agent_leg(call, "ringing")
        await site.advance(1)
        assert heard.progress == []  # ringing: nothing to control yet
        site.worker.agent_leg(call, "answered")
        await site.advance(1)
        assert heard.states() == [(anna, 0, "bridged")]
        # Said after the bridge went to the worker, and the control takes requests now.
        assert "Bridge" in heard.commands_then[0]
        park = asyncio.create_task(site.flow.control.park(anna, 0))
        site.worker.agent_leg(call, "ended")  # the worker ends the agent's leg
        await site.advance(1)
        assert park.result().contact_id == 0
        site.worker.hang_up(call, "agent")
        await site.advance(1)

    run(sqlite_store, scenario)


def test_an_outbound_call_rings_once_then_is_bridged(sqlite_store: Store) -> None:
    number = "+4687654321"

    async def scenario(site: Site, heard: Heard) -> None:
        anna = site.users["anna"]
        site.log_in("anna")
        call = "w1-out"
        header = session_header(session_key("anna"), anna, number)
        site.router(
            IncomingCall(
                call_id=call,
                to_user=number,
                from_uri="<sip:anna@127.0.0.1>",
                source_address="127.0.0.1:5080",
                session=header,
            )
        )
        await site.advance(1)
        (outside,) = site.worker.originations(call)
        assert outside.sip_uri == f"sip:{number}@gw.example.net:5060"
        assert heard.progress == []  # dialled, not ringing yet
        site.worker.agent_leg(call, "ringing")  # 180
        site.worker.agent_leg(call, "ringing")  # then 183 with early media
        await site.advance(3)
        assert heard.states() == [(anna, 0, "ringing")]  # contact 0: the outbound call
        site.worker.agent_leg(call, "answered")
        await site.advance(1)
        assert heard.states()[1:] == [(anna, 0, "bridged")]
        assert "Bridge" in heard.commands_then[1]
        site.worker.hang_up(call, "caller")
        await site.advance(1)

    run(sqlite_store, scenario)


def test_an_attended_transfers_target_answering_is_published(sqlite_store: Store) -> None:
    async def scenario(site: Site, heard: Heard) -> None:
        anna = site.users["anna"]
        site.log_in("anna")
        call = site.worker.call("200")
        await site.advance(1)
        site.worker.agent_leg(call, "answered")
        await site.advance(1)
        request = TransferRequest(
            contact_id=0, kind=TransferKind.NUMBER, target="0701234567", attended=True
        )
        consulting = await site.flow.control.transfer(anna, request)
        assert consulting.state == "consulting"
        assert heard.states() == [(anna, 0, "bridged")]
        site.router(ConsultState(call_id=call, state="ringing"))
        await site.advance(1)
        assert len(heard.progress) == 1
        site.router(ConsultState(call_id=call, state="answered"))
        await site.advance(1)
        assert heard.states()[1:] == [(anna, 0, "target_answered")]
        assert heard.progress[1].transfer_id == consulting.transfer_id
        site.worker.hang_up(call, "caller")
        await site.advance(1)

    run(sqlite_store, scenario)
