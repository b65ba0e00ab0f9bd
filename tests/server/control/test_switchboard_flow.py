"""A receptionist's blind connection through the call flow (R29): the real centre and
store, the media worker a double. anna connects her caller to bo with a come-back time;
bo's phone rings and is not answered, so the caller comes back to anna: the transfer
fails with the reason, anna's personal queue shows it held with who did not answer, and
her softphone rings with it again."""

import asyncio

import pytest

from tests.server.callflow.conftest import MONDAY_MORNING, Site, document
from tests.server.callflow.conftest import sqlite_store as sqlite_store
from vaxla_protocol.control import ParkedChanged, TransferChanged, TransferKind, TransferRequest
from vaxla_server.control.flow import ControlError
from vaxla_server.store import Store
from vaxla_server.store.events import EventKind

ANNA = "sip:anna@127.0.0.1:5070"
BO = "sip:bo@127.0.0.1:5071"


async def _answered_by_anna(site: Site) -> str:
    """A caller to Support, answered by anna's softphone: the call's id at the worker."""
    site.log_in("anna", ANNA)
    call = site.worker.call("200")
    await site.advance(1)
    site.worker.agent_leg(call, "answered")
    await site.advance(1)
    return call


def test_a_connection_bo_does_not_answer_comes_back_to_anna(sqlite_store: Store) -> None:
    site = Site(sqlite_store, MONDAY_MORNING, document())
    messages: list[object] = []
    site.flow.control.subscribe(messages.append)

    async def scenario() -> None:
        anna = site.users["anna"]
        call = await _answered_by_anna(site)
        site.log_in("bo", BO)
        for bad, why in [
            (
                TransferRequest(
                    contact_id=0, kind=TransferKind.QUEUE, target="Support", come_back_after_s=20
                ),
                "blind transfer to an agent only",
            ),
            (
                TransferRequest(
                    contact_id=0,
                    kind=TransferKind.AGENT,
                    target="bo",
                    attended=True,
                    come_back_after_s=20,
                ),
                "blind transfer to an agent only",
            ),
        ]:
            with pytest.raises(ControlError, match=why) as refused:
                await site.flow.control.transfer(anna, bad)
            assert refused.value.status == 422
        request = TransferRequest(
            contact_id=0, kind=TransferKind.AGENT, target="bo", come_back_after_s=20
        )
        transfer = asyncio.create_task(site.flow.control.transfer(anna, request))
        await site.advance(1)
        site.worker.agent_leg(call, "ended")  # anna's leg gone
        await site.advance(2)
        assert transfer.done() and transfer.result().state == "completed"
        assert site.worker.originations(call)[-1].sip_uri.startswith("sip:bo@")
        rung = len(site.worker.originations(call))
        await site.advance(20)  # bo lets it ring
        failed = [m for m in messages if isinstance(m, TransferChanged)][-1]
        assert failed.transfer.state == "failed"
        assert failed.transfer.detail == "bo did not answer in 20 s; the caller is back with you"
        parked = [m for m in messages if isinstance(m, ParkedChanged) and m.agent_id == anna]
        assert parked and [c.came_back_from for c in parked[-1].contacts] == ["bo"]
        # anna's softphone rings with the caller again.
        assert [o.sip_uri for o in site.worker.originations(call)[rung:]][-1] == ANNA
        kinds = [e.event.kind for e in sqlite_store.events.read(limit=1000)]
        assert kinds.count(EventKind.TRANSFER_RETURNED) == 1
        site.worker.hang_up(call)
        await site.advance(1)

    asyncio.run(scenario())
    asyncio.run(site.router.drain())


def test_callers_held_are_not_rung_back_until_taken(sqlite_store: Store) -> None:
    site = Site(sqlite_store, MONDAY_MORNING, document())

    async def scenario() -> None:
        anna = site.users["anna"]
        call = await _answered_by_anna(site)
        hold = asyncio.create_task(site.flow.control.park(anna, 0, hold=True))
        await site.advance(1)
        site.worker.agent_leg(call, "ended")  # anna's leg gone, the caller on music
        await site.advance(2)
        held = hold.result()
        assert held.held and held.came_back_from is None
        rung = len(site.worker.originations(call))
        await site.advance(30, step=5)  # Support's wrap-up is over: anna is free
        assert len(site.worker.originations(call)) == rung  # nobody rang anna
        taken = await asyncio.to_thread(site.flow.control.take, anna, 0)
        assert taken.contact_id == 0
        await site.advance(1)
        assert site.worker.originations(call)[rung:][-1].sip_uri == ANNA
        site.worker.hang_up(call)
        await site.advance(1)

    asyncio.run(scenario())
    asyncio.run(site.router.drain())
