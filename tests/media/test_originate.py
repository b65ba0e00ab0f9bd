"""A call the server makes with no caller's leg (a callback, R17), on a real worker: a
phone that refuses it is a failure with its SIP status, then the call's end; the pool
routes such calls only to a worker with room. (The whole way — the agent's phone
answering, the citizen called from the same call and bridged — runs on the demo server
in ``tests/e2e/test_call_control.py``.)"""

import asyncio
import shutil
from pathlib import Path

import pytest

from tests.media.harness import offer_headers, started
from vaxla_server.media.messages import (
    CallEnded,
    Originate,
    OriginatedState,
    Ready,
    Stats,
)
from vaxla_server.media.pool import PoolError

pytestmark = pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp is not installed")


def test_an_agent_phone_that_refuses_is_a_failure_then_the_end(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, max_calls=2, legs_per_contact=2) as h:
            await h.expect(Ready)
            phone = await h.agent()
            call_id = h.pool.new_call()
            # Made with another session's key: the phone refuses it 403.
            headers = offer_headers("cb-2", key="0" * 64)
            await h.pool.send(Originate(call_id=call_id, sip_uri=phone.uri, headers=headers))

            def mine(message: object) -> bool:
                return getattr(message, "call_id", None) == call_id

            failed = await h.expect(OriginatedState, lambda m: mine(m) and m.state != "ringing")
            assert (failed.state, failed.code) == ("failed", 403)
            ended = await h.expect(CallEnded, mine)
            assert ended.side == "caller"
            # One call's legs fill this worker: while one is made the pool has no room.
            await h.expect(Stats, lambda s: s.calls_total == 1 and s.active_legs == 0 and s.room)
            busy = h.pool.new_call()
            await h.pool.send(Originate(call_id=busy, sip_uri=phone.uri, headers=headers))
            await h.expect(Stats, lambda s: s.calls_total == 2 and not s.room)
            with pytest.raises(PoolError, match="no media worker has room"):
                h.pool.new_call()
            await h.expect(CallEnded, lambda m: m.call_id == busy)
            await phone.command("quit")

    asyncio.run(run())
