"""A call the server makes with no caller's leg (a callback, R17), on a real worker: the
agent's pjsua2 phone is called with the offer header (``originate``), answers, hears the
ringing tone while the citizen (SIPp behind a gateway address) is called from the same
call, and the two are bridged; the agent's hang-up ends the call. A busy agent is a
failure with its SIP status, followed by the call's end."""

import asyncio
import shutil
from pathlib import Path

import pytest

from tests.media.harness import SCENARIOS, offer_headers, started
from vaxla_server.media.messages import (
    AgentLegState,
    Bridge,
    CallEnded,
    Originate,
    OriginateAgentLeg,
    OriginatedState,
    Ready,
    Ringback,
    Stats,
)
from vaxla_server.media.pool import PoolError, free_udp_port

pytestmark = pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp is not installed")


def test_the_agent_is_called_then_the_citizen_and_the_two_are_bridged(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path) as h:
            await h.expect(Ready)
            phone = await h.agent()
            port = free_udp_port()
            citizen = await asyncio.create_subprocess_exec(
                "sipp", "-sf", str(SCENARIOS / "outside_answers.xml"), "-i", "127.0.0.1",
                "-p", str(port), "-mp", str(free_udp_port()), "-m", "1", "-nostdin",
                "-timeout", "30s", cwd=tmp_path,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            h.started.append(citizen)
            call_id = h.pool.new_call()

            def mine(message: object) -> bool:
                return getattr(message, "call_id", None) == call_id

            headers = offer_headers("cb-1")
            await h.pool.send(Originate(call_id=call_id, sip_uri=phone.uri, headers=headers))
            await phone.expect("answered")
            answered = await h.expect(OriginatedState, lambda m: mine(m) and m.state != "ringing")
            assert answered.state == "answered"
            await h.pool.send(Ringback(call_id=call_id))
            number = f"sip:+46701234567@127.0.0.1:{port}"
            await h.pool.send(OriginateAgentLeg(call_id=call_id, sip_uri=number))
            await h.expect(AgentLegState, lambda m: mine(m) and m.state == "answered")
            await h.pool.send(Bridge(call_id=call_id))
            await h.expect(AgentLegState, lambda m: mine(m) and m.state == "bridged")
            await phone.command("hangup")
            ended = await h.expect(CallEnded, mine)
            assert (ended.cause, ended.side) == ("caller_hangup", "caller")
            assert await asyncio.wait_for(citizen.wait(), 15) == 0  # it got the BYE
            assert h.pool.workers[0].calls == 0  # the route is gone with the call
            await phone.command("quit")

    asyncio.run(run())


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
