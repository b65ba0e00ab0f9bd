"""A caller put through to a colleague with a hänvisning hears it (R29): the call flow
over the real centre and store, the media worker a double that records each file it is
asked to play; agent anna transfers her caller blind to bo, who is at lunch."""

import asyncio
from datetime import timedelta

from tests.server.callflow.conftest import MONDAY_MORNING, Site, document
from tests.server.callflow.conftest import sqlite_store as sqlite_store
from vaxla_protocol.control import TransferKind, TransferRequest
from vaxla_server.media.numbers import number_prompts
from vaxla_server.store import Store


def test_a_caller_transferred_to_a_colleague_at_lunch_hears_reason_and_return(
    sqlite_store: Store,
) -> None:
    site = Site(sqlite_store, MONDAY_MORNING, document())
    back = MONDAY_MORNING + timedelta(hours=3)

    async def scenario() -> None:
        anna, bo = site.users["anna"], site.users["bo"]
        site.log_in("anna")
        call = site.worker.call("200")  # Support, in Swedish
        await site.advance(1)
        site.worker.agent_leg(call, "answered")
        await site.advance(1)
        site.centre.set_presence("bo", "lunch", back, by_user=bo, by_name="bo")
        site.log_in("bo", "sip:bo@127.0.0.1:5070")
        before = len(site.worker.played[call])
        request = TransferRequest(contact_id=0, kind=TransferKind.AGENT, target="bo")
        transfer = asyncio.create_task(site.flow.control.transfer(anna, request))
        await site.advance(1)
        site.worker.agent_leg(call, "ended")  # anna's leg gone
        await site.advance(8)
        assert transfer.done() and transfer.result().state == "completed"
        heard = site.worker.played[call][before:]
        hour = number_prompts(back.astimezone().hour, "sv")  # the server's zone: no schedule
        # Music as anna's leg ends, the hänvisning, then music while bo's phone rings.
        assert heard[: 5 + len(hour)] == [
            "music_on_hold", "presence_intro", "presence_lunch", "presence_back_at", *hour,
            "music_on_hold",
        ]  # fmt: skip
        assert set(heard[5 + len(hour) :]) <= {"music_on_hold"}
        assert [o.sip_uri for o in site.worker.originations(call)][-1].startswith("sip:bo@")
        site.worker.hang_up(call)
        await site.advance(1)

    asyncio.run(scenario())
    asyncio.run(site.router.drain())
