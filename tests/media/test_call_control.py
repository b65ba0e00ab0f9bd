"""The agent's call control in the media worker, on real parts: SIPp as the caller, pjsua2
agent phones (``agent_phone.py``), and SIPp ``-sn uas`` as an outside number.

Hold is the softphone's re-INVITE; the worker answers it with music on hold to the caller.
An attended transfer is a third leg (the consultation) in the caller's worker.
"""

import asyncio
import shutil
import socket
from pathlib import Path

import pytest

from tests.media.harness import KEY, LOOPBACK, AgentPhone, Harness, Sipp, prompt, started
from tests.media.test_worker_pool import _bridge_to_agent
from vaxla_protocol.offers import make_offer_token
from vaxla_server.media.messages import (
    AgentLegState,
    Bridge,
    CallEnded,
    CancelConsult,
    CommandFailed,
    CompleteConsult,
    Consult,
    ConsultState,
    Hangup,
    Play,
    Stats,
)
from vaxla_server.media.pool import free_udp_port

pytestmark = pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp is not installed")


async def port_taken(port: int, within: float = 5.0) -> None:
    """Until something has bound UDP ``port`` on loopback (a bind of ours fails)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return
        await asyncio.sleep(0.01)
    raise AssertionError(f"nothing bound UDP port {port} within {within:g} s")


def test_hold_plays_music_to_the_caller_and_resume_bridges_again(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            call, sipp, agent = await _bridge_to_agent(h, "caller_waits.xml")
            music = prompt("sv", "music_on_hold")
            # The bridge is told what the caller hears while held (bridged already: no-op
            # but for the music).
            await h.pool.send(Bridge(call_id=call.call_id, music_on_hold=[music]))
            await agent.command("hold")
            await agent.expect("held")
            held = await h.expect(AgentLegState, lambda s: s.state == "held")
            assert held.call_id == call.call_id
            # While held the caller's leg plays music: a play command is refused as for any
            # bridged call, and the agent's resume ends the music.
            await agent.command("unhold")
            await agent.expect("resumed")
            await h.expect(AgentLegState, lambda s: s.state == "resumed")
            # Bridged again: the agent's hang-up ends the call as in any bridged call.
            await agent.command("hangup")
            ended = await h.expect(CallEnded)
            assert (ended.cause, ended.side) == ("agent_hangup", "agent")
            await sipp.succeeded()
            assert not any(isinstance(m, CommandFailed) for m in h.seen)

    asyncio.run(run())


def test_hold_without_music_still_reports_held(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            call, sipp, agent = await _bridge_to_agent(h, "caller_waits.xml")
            await agent.command("hold")
            await h.expect(AgentLegState, lambda s: s.state == "held")
            # The server hangs up while held: both legs end cleanly.
            await h.pool.send(Hangup(call_id=call.call_id))
            ended = await h.expect(CallEnded)
            assert (ended.cause, ended.side) == ("server_hangup", "server")
            await sipp.succeeded()

    asyncio.run(run())


async def _consult(h: Harness) -> tuple[str, Sipp, AgentPhone, AgentPhone]:
    call, sipp, first = await _bridge_to_agent(h, "caller_waits.xml")
    second = await h.agent()
    token = make_offer_token(KEY, "transfer-1").header_value()
    await h.pool.send(
        Consult(call_id=call.call_id, sip_uri=second.uri, headers={"X-Vaxla-Offer": token})
    )
    await h.pool.send(
        Play(
            call_id=call.call_id,
            play_id="moh",
            files=[prompt("sv", "music_on_hold")],
            loop=True,
        )
    )
    assert (await second.expect("ringing"))["offer_id"] == "transfer-1"
    answered = await h.expect(ConsultState, lambda s: s.state == "answered")
    assert answered.call_id == call.call_id
    await second.expect("answered")
    # Three legs in the worker: caller, agent, consultation.
    await h.expect(Stats, lambda s: s.active_legs == 3)
    return call.call_id, sipp, first, second


def test_attended_transfer_completed_bridges_the_caller_to_the_target(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            call_id, sipp, first, second = await _consult(h)
            await h.pool.send(CompleteConsult(call_id=call_id))
            await h.expect(ConsultState, lambda s: s.state == "completed")
            assert (await first.expect("ended"))["by"] == "remote"
            # The target is the agent leg now: its hang-up ends the call.
            await second.command("hangup")
            ended = await h.expect(CallEnded)
            assert (ended.call_id, ended.cause, ended.side) == (call_id, "agent_hangup", "agent")
            await sipp.succeeded()
            assert not any(isinstance(m, CommandFailed) for m in h.seen)

    asyncio.run(run())


def test_attended_transfer_cancelled_bridges_the_caller_back(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            call_id, sipp, first, second = await _consult(h)
            await h.pool.send(CancelConsult(call_id=call_id))
            ended = await h.expect(ConsultState, lambda s: s.state == "ended")
            assert ended.call_id == call_id
            assert (await second.expect("ended"))["by"] == "remote"
            await h.expect(AgentLegState, lambda s: s.state == "bridged")
            # Completing now is refused, and the first agent still has the caller.
            await h.pool.send(CompleteConsult(call_id=call_id))
            failed = await h.expect(CommandFailed)
            assert "no answered consultation" in failed.reason
            await first.command("hangup")
            gone = await h.expect(CallEnded)
            assert (gone.cause, gone.side) == ("agent_hangup", "agent")
            await sipp.succeeded()

    asyncio.run(run())


def test_consulting_an_outside_number_and_it_refusing(tmp_path: Path) -> None:
    """SIPp as the outside party: it answers (``-sn uas``) and the transfer completes."""

    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            call, sipp, first = await _bridge_to_agent(h, "caller_waits.xml")
            port = free_udp_port()
            outside = await asyncio.create_subprocess_exec(
                "sipp", "-sn", "uas", "-i", "127.0.0.1", "-p", str(port), "-m", "1",
                "-nostdin", "-timeout", "20s",
                cwd=tmp_path,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            h.started.append(outside)
            await port_taken(port)  # SIPp has bound it: the consultation can ring
            await h.pool.send(
                Consult(call_id=call.call_id, sip_uri=f"sip:0701234567@127.0.0.1:{port}")
            )
            await h.expect(ConsultState, lambda s: s.state == "answered")
            await h.pool.send(CompleteConsult(call_id=call.call_id))
            await h.expect(ConsultState, lambda s: s.state == "completed")
            assert (await first.expect("ended"))["by"] == "remote"
            # SIPp's uas waits for a BYE: the server ends the call.
            await h.pool.send(Hangup(call_id=call.call_id))
            await h.expect(CallEnded)
            assert await asyncio.wait_for(outside.wait(), 10) == 0
            await sipp.succeeded()

    asyncio.run(run())


def test_a_consultation_nobody_answers_fails_and_the_agent_keeps_the_caller(
    tmp_path: Path,
) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            call, sipp, _first = await _bridge_to_agent(h, "caller_waits.xml")
            silent = await h.agent("--no-answer")
            token = make_offer_token(KEY, "transfer-2").header_value()
            await h.pool.send(
                Consult(call_id=call.call_id, sip_uri=silent.uri, headers={"X-Vaxla-Offer": token})
            )
            await h.expect(ConsultState, lambda s: s.state == "ringing")
            await h.pool.send(CancelConsult(call_id=call.call_id))
            failed = await h.expect(ConsultState, lambda s: s.state == "failed")
            assert failed.code == 487
            await h.expect(AgentLegState, lambda s: s.state == "bridged")
            await h.pool.send(Hangup(call_id=call.call_id))
            await h.expect(CallEnded)
            await sipp.succeeded()

    asyncio.run(run())
