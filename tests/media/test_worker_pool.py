"""The media plane on real parts: SIPp as the outside caller, the real worker processes
under the real pool, and a pjsua2 agent softphone (``agent_phone.py``) in its own process.
"""

import asyncio
import ipaddress
import os
import shutil
import time
import wave
from pathlib import Path

import pytest

from tests.media.harness import (
    KEY,
    LOOPBACK,
    AgentPhone,
    Harness,
    Sipp,
    caller_and_agent_leg,
    gone,
    offer_headers,
    prompt,
    started,
)
from vaxla_protocol.offers import make_offer_token, session_key
from vaxla_server.media.messages import (
    AgentLegState,
    Answer,
    Bridge,
    CallEnded,
    CancelAgentLeg,
    CommandFailed,
    Dtmf,
    Hangup,
    IncomingCall,
    OriginateAgentLeg,
    Play,
    PlaybackFinished,
    Ready,
    Reject,
    Stats,
)
from vaxla_server.media.pool import UnknownCall
from vaxla_server.media.worker import WHEEL_CALL_LIMIT, wav_seconds

pytestmark = pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp is not installed")


def test_a_caller_is_answered_hears_a_prompt_and_presses_a_key(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            ready = await h.expect(Ready)
            sipp = await h.sipp("caller_dtmf.xml", ready.sip_address, service="100")
            call = await h.expect(IncomingCall)
            assert call.to_user == "100"
            assert call.source_address == "127.0.0.1"
            assert "<sip:sipp@127.0.0.1" in call.from_uri
            assert h.pool.worker_of(call.call_id).worker_id == ready.worker_id
            await h.pool.send(Answer(call_id=call.call_id))
            begun = time.monotonic()
            await h.pool.send(
                Play(call_id=call.call_id, play_id="welcome", files=[prompt("en", "welcome")])
            )
            finished = await h.expect(PlaybackFinished)
            played = time.monotonic() - begun
            assert finished.play_id == "welcome"
            dtmf = await h.expect(Dtmf)
            assert (dtmf.call_id, dtmf.digit) == (call.call_id, "1")
            ended = await h.expect(CallEnded)
            assert (ended.call_id, ended.cause, ended.side) == (
                call.call_id,
                "caller_hangup",
                "caller",
            )
            await sipp.succeeded()
            # playback_finished comes once the prompt has been heard, not before.
            assert played >= wav_seconds(Path(prompt("en", "welcome"))) > 0.6
            with pytest.raises(UnknownCall):
                await h.pool.send(Answer(call_id=call.call_id))

    asyncio.run(run())


def test_dtmf_by_sip_info_reaches_the_server(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            ready = await h.expect(Ready)
            sipp = await h.sipp("caller_info_dtmf.xml", ready.sip_address, service="200")
            call = await h.expect(IncomingCall)
            assert call.to_user == "200"
            await h.pool.send(Answer(call_id=call.call_id))
            dtmf = await h.expect(Dtmf)
            assert (dtmf.call_id, dtmf.digit) == (call.call_id, "5")
            await h.expect(CallEnded)
            await sipp.succeeded()

    asyncio.run(run())


def test_the_server_rejects_a_call(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            ready = await h.expect(Ready)
            sipp = await h.sipp("caller_refused.xml", ready.sip_address)
            call = await h.expect(IncomingCall)
            await h.pool.send(Reject(call_id=call.call_id, code=403))
            ended = await h.expect(CallEnded)
            assert (ended.call_id, ended.cause, ended.side) == (call.call_id, "rejected", "server")
            await sipp.succeeded()

    asyncio.run(run())


def test_a_caller_from_outside_the_trunk_networks_is_refused(tmp_path: Path) -> None:
    async def run() -> None:
        trunk = ipaddress.ip_network("192.0.2.0/24")
        async with started(tmp_path, allowed=[trunk]) as h:
            ready = await h.expect(Ready)
            sipp = await h.sipp("caller_refused.xml", ready.sip_address)
            await sipp.succeeded()
            stats = await h.expect(Stats, lambda s: s.refused_sources == 1)
            assert stats.calls_total == 0
            assert not any(isinstance(m, IncomingCall) for m in h.seen)

    asyncio.run(run())


def test_bad_commands_fail_without_changing_the_call(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            ready = await h.expect(Ready)
            sipp = await h.sipp("caller_dtmf.xml", ready.sip_address)
            call = await h.expect(IncomingCall)
            await h.pool.send(Play(call_id=call.call_id, play_id="p", files=["/no/such.wav"]))
            failed = await h.expect(CommandFailed)
            assert (failed.call_id, failed.command) == (call.call_id, "play")
            assert "not answered" in failed.reason
            await h.pool.send(Answer(call_id=call.call_id))
            await h.pool.send(Play(call_id=call.call_id, play_id="p", files=["/no/such.wav"]))
            failed = await h.expect(CommandFailed)
            assert "/no/such.wav" in failed.reason
            await h.pool.send(Bridge(call_id=call.call_id))
            failed = await h.expect(CommandFailed)
            assert "no answered agent leg" in failed.reason
            # The call itself went on: the digit still arrives and SIPp ends normally.
            await h.expect(Dtmf)
            await h.expect(CallEnded)
            await sipp.succeeded()

    asyncio.run(run())


async def _bridge_to_agent(h: Harness, scenario: str) -> tuple[IncomingCall, Sipp, AgentPhone]:
    ready = await h.expect(Ready)
    agent = await h.agent()
    sipp = await h.sipp(scenario, ready.sip_address)
    call = await h.expect(IncomingCall)
    await h.pool.send(Answer(call_id=call.call_id))
    await h.pool.send(
        Play(
            call_id=call.call_id,
            play_id="moh",
            files=[prompt("sv", "music_on_hold")],
            loop=True,
        )
    )
    token = make_offer_token(KEY, "offer-1").header_value()
    await h.pool.send(
        OriginateAgentLeg(call_id=call.call_id, sip_uri=agent.uri, headers={"X-Vaxla-Offer": token})
    )
    ringing = await agent.expect("ringing")
    assert ringing["offer_id"] == "offer-1"
    await h.expect(AgentLegState, lambda s: s.state == "answered")
    await h.pool.send(Bridge(call_id=call.call_id))
    await h.expect(AgentLegState, lambda s: s.state == "bridged")
    await agent.expect("answered")
    return call, sipp, agent


def _loudness(path: Path) -> int:
    with wave.open(str(path)) as audio:
        frames = audio.readframes(audio.getnframes())
    samples = memoryview(frames).cast("h")
    return max((abs(s) for s in samples), default=0)


def test_bridged_call_ended_by_the_caller(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            call, sipp, agent = await _bridge_to_agent(h, "caller_talks.xml")
            ended = await h.expect(CallEnded)
            assert (ended.call_id, ended.cause, ended.side) == (
                call.call_id,
                "caller_hangup",
                "caller",
            )
            assert (await agent.expect("ended"))["by"] == "remote"
            await sipp.succeeded()
            # The agent heard the caller's G.711 audio through the bridge (the recording is
            # complete once the agent's phone has exited).
            await agent.command("quit")
            assert await asyncio.wait_for(agent.process.wait(), 10) == 0
            assert _loudness(agent.record) > 1000

    asyncio.run(run())


def test_bridged_call_ended_by_the_agent(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            call, sipp, agent = await _bridge_to_agent(h, "caller_waits.xml")
            await agent.command("hangup")
            ended = await h.expect(CallEnded)
            assert (ended.call_id, ended.cause, ended.side) == (
                call.call_id,
                "agent_hangup",
                "agent",
            )
            await sipp.succeeded()

    asyncio.run(run())


def test_an_agent_hanging_up_before_the_bridge_ends_the_call(tmp_path: Path) -> None:
    """The agent's phone answered but hung up before the server bridged: the call ends,
    as a hang-up on either side does, instead of leaving the caller in silence."""

    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            call, sipp, agent = await caller_and_agent_leg(
                h, "caller_waits.xml", offer_headers("offer-1")
            )
            await h.expect(AgentLegState, lambda s: s.state == "answered")
            await agent.expect("answered")
            await agent.command("hangup")
            ended = await h.expect(CallEnded)
            assert (ended.call_id, ended.cause, ended.side) == (
                call.call_id,
                "agent_hangup",
                "agent",
            )
            await sipp.succeeded()

    asyncio.run(run())


def test_the_server_hangs_up_both_legs(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            call, sipp, agent = await _bridge_to_agent(h, "caller_waits.xml")
            await h.pool.send(Hangup(call_id=call.call_id, side="caller"))
            ended = await h.expect(CallEnded)
            assert (ended.cause, ended.side) == ("server_hangup", "server")
            assert (await agent.expect("ended"))["by"] == "remote"
            await sipp.succeeded()

    asyncio.run(run())


def test_ring_timeout_cancels_the_agent_leg_and_the_caller_stays(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            call, sipp, _agent = await caller_and_agent_leg(
                h, "caller_waits.xml", offer_headers("offer-3"), "--no-answer"
            )
            await h.expect(AgentLegState, lambda s: s.state == "ringing")
            await h.pool.send(CancelAgentLeg(call_id=call.call_id))
            failed = await h.expect(AgentLegState, lambda s: s.state == "failed")
            assert failed.code == 487
            # The caller is still up: music on hold can go on, and the server ends it.
            await h.pool.send(
                Play(call_id=call.call_id, play_id="moh", files=[prompt("en", "music_on_hold")])
            )
            await h.pool.send(Hangup(call_id=call.call_id))
            ended = await h.expect(CallEnded)
            assert (ended.cause, ended.side) == ("server_hangup", "server")
            assert not any(isinstance(m, CommandFailed) for m in h.seen)
            await sipp.succeeded()

    asyncio.run(run())


def test_dropping_the_agent_leg_keeps_the_caller(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            call, sipp, agent = await _bridge_to_agent(h, "caller_waits.xml")
            await h.pool.send(Hangup(call_id=call.call_id, side="agent"))
            dropped = await h.expect(AgentLegState, lambda s: s.state == "ended")
            assert dropped.call_id == call.call_id
            assert (await agent.expect("ended"))["by"] == "remote"
            await h.pool.send(
                Play(call_id=call.call_id, play_id="bye", files=[prompt("sv", "goodbye")])
            )
            await h.expect(PlaybackFinished)
            await h.pool.send(Hangup(call_id=call.call_id))
            ended = await h.expect(CallEnded)
            assert (ended.cause, ended.side) == ("server_hangup", "server")
            await sipp.succeeded()

    asyncio.run(run())


def test_an_offer_without_the_token_is_refused_by_the_agent(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            call, sipp, agent = await caller_and_agent_leg(
                h, "caller_waits.xml", offer_headers("offer-2", session_key("another session"))
            )
            await agent.expect("refused")
            failed = await h.expect(AgentLegState, lambda s: s.state == "failed")
            assert failed.code == 403
            # The caller is still there: the server can end the call.
            await h.pool.send(Hangup(call_id=call.call_id))
            await h.expect(CallEnded)
            await sipp.succeeded()

    asyncio.run(run())


def test_a_worker_holds_as_many_legs_as_the_wheel_allows(tmp_path: Path) -> None:
    """Pins the measured cap: pjsua2-python 2.15.1 is built with PJSUA_MAX_CALLS = 4, so
    maxCalls = 32 still gives 4 legs. If a new wheel raises it, this fails: update
    WHEEL_CALL_LIMIT (and the pool sizing) to the new figure."""

    async def run() -> None:
        # One leg held back per caller: the worker takes callers until pjsua2 says 486.
        async with started(tmp_path, allowed=[LOOPBACK], legs_per_contact=1) as h:
            ready = await h.expect(Ready)
            assert ready.max_calls == WHEEL_CALL_LIMIT == 4
            sipp = await h.sipp("caller_waits.xml", ready.sip_address, calls=5)
            for _ in range(4):
                call = await h.expect(IncomingCall)
                await h.pool.send(Answer(call_id=call.call_id))
            busy = await h.expect(Stats, lambda s: s.refused_busy == 1)
            assert busy.active_calls == 4
            assert sum(isinstance(m, IncomingCall) for m in h.seen) == 4
            assert h.pool.workers[0].calls == 4
        # Shutting the pool down hung up the four; the fifth failed: SIPp is done.
        assert await asyncio.wait_for(sipp.process.wait(), 10) != 0

    asyncio.run(run())


def test_a_worker_takes_a_caller_only_with_room_for_every_leg_it_may_need(
    tmp_path: Path,
) -> None:
    """A caller may need its own leg, an agent's and a consultation leg: with 4 legs a
    worker takes one caller and refuses the next with 486 (the front then tries another
    worker), and says it has no room until that caller's legs are gone."""

    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            ready = await h.expect(Ready)
            await h.expect(Stats, lambda s: s.room)
            first = await h.sipp("caller_waits.xml", ready.sip_address)
            call = await h.expect(IncomingCall)
            await h.pool.send(Answer(call_id=call.call_id))
            await h.expect(Stats, lambda s: not s.room and s.active_calls == 1)
            second = await h.sipp("caller_busy.xml", ready.sip_address)
            busy = await h.expect(Stats, lambda s: s.refused_busy == 1)
            assert busy.active_calls == 1 and not busy.room
            assert await asyncio.wait_for(second.process.wait(), 10) == 0
            await h.pool.send(Hangup(call_id=call.call_id))
            await h.expect(CallEnded)
            await h.expect(Stats, lambda s: s.room and s.active_legs == 0)
            await asyncio.wait_for(first.process.wait(), 10)

    asyncio.run(run())


def test_a_killed_worker_ends_its_calls_and_is_replaced(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            ready = await h.expect(Ready)
            sipp = await h.sipp("caller_waits.xml", ready.sip_address)
            call = await h.expect(IncomingCall)
            await h.pool.send(Answer(call_id=call.call_id))
            await h.expect(Stats, lambda s: s.active_calls == 1)
            (victim,) = h.pool.workers
            os.kill(victim.pid, 9)
            ended = await h.expect(CallEnded)
            assert (ended.call_id, ended.cause, ended.side) == (
                call.call_id,
                "worker_died",
                "server",
            )
            replacement = await h.expect(Ready)
            assert replacement.worker_id != victim.worker_id
            assert replacement.pid != victim.pid
            assert replacement.sip_address == victim.sip_address
            assert [w.worker_id for w in h.pool.workers] == [replacement.worker_id]
            assert h.pool.replacements == 1
            assert gone(victim.pid)
            with pytest.raises(UnknownCall):
                await h.pool.send(Answer(call_id=call.call_id))
            sipp.process.kill()
            await sipp.process.wait()

    asyncio.run(run())


def test_the_pool_stops_exactly_its_workers(tmp_path: Path) -> None:
    async def run() -> None:
        harness = Harness(tmp_path, size=2, allowed=[LOOPBACK])
        await harness.pool.start()
        try:
            pids = [w.pid for w in harness.pool.workers]
            assert len(pids) == 2 and all(not gone(pid) for pid in pids)
            ready = await harness.expect(Ready)
            sipp = await harness.sipp("caller_waits.xml", ready.sip_address)
            call = await harness.expect(IncomingCall)
            await harness.pool.send(Answer(call_id=call.call_id))
            # Heard to the end: the call is up on both sides when the pool stops.
            await harness.pool.send(
                Play(call_id=call.call_id, play_id="hi", files=[prompt("sv", "welcome")])
            )
            await harness.expect(PlaybackFinished)
        finally:
            await harness.close()
        assert all(gone(pid) for pid in pids)
        assert harness.pool.workers == []
        # The call up at shutdown was ended by the worker, and SIPp got its BYE.
        ended = await harness.expect(CallEnded)
        assert (ended.call_id, ended.cause) == (call.call_id, "shutdown")
        await sipp.succeeded()

    asyncio.run(run())
