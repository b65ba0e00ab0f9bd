"""Recording a call's legs in the media worker, on real parts: SIPp callers playing the
sip-tester pcaps into the real pool's worker, which records them with pjsua2."""

import asyncio
import shutil
import wave
from pathlib import Path

import pytest

from tests.media.harness import LOOPBACK, Harness, Sipp, started
from vaxla_server.audio import SILENCE_DBFS, wav_rms_dbfs
from vaxla_server.media.messages import (
    Answer,
    CallEnded,
    CommandFailed,
    Dtmf,
    Hangup,
    IncomingCall,
    Ready,
    Record,
    RecordingFinished,
    StopRecording,
)

pytestmark = pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp is not installed")


async def answered(h: Harness, scenario: str, address: str) -> tuple[IncomingCall, Sipp]:
    """A SIPp caller playing ``scenario`` to the worker at ``address``, answered."""
    sipp = await h.sipp(scenario, address)
    call = await h.expect(IncomingCall)
    await h.pool.send(Answer(call_id=call.call_id))
    return call, sipp


def test_the_callers_voice_is_recorded_until_the_hang_up(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            ready = await h.expect(Ready)
            # caller_talks.xml plays the G.711 pcap for 2.5 s, then hangs up.
            call, sipp = await answered(h, "caller_talks.xml", ready.sip_address)
            path = tmp_path / f"{call.call_id}.wav"
            await h.pool.send(Record(call_id=call.call_id, record_id="r1", path=str(path),
                                     max_seconds=60))  # fmt: skip
            await h.expect(CallEnded)
            finished = await h.expect(RecordingFinished)  # once its file is closed
            await sipp.succeeded()
            assert (finished.record_id, finished.end, finished.path) == ("r1", "hangup", str(path))
            assert 1.5 < finished.seconds < 3.0, finished
            with wave.open(str(path)) as audio:
                assert (audio.getnchannels(), audio.getsampwidth()) == (1, 2)
                assert abs(audio.getnframes() / audio.getframerate() - finished.seconds) < 0.01
            assert wav_rms_dbfs(path) > SILENCE_DBFS  # the pcap's voice, not silence

    asyncio.run(run())


def test_a_recording_ends_at_its_length_on_its_key_or_when_stopped(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK]) as h:
            ready = await h.expect(Ready)
            # caller_dtmf.xml waits 1.2 s, presses 1, hangs up 0.8 s later.
            call, sipp = await answered(h, "caller_dtmf.xml", ready.sip_address)
            # Bad commands change nothing: a folder that is not there, a leg there is not.
            missing = str(tmp_path / "nowhere" / "x.wav")
            await h.pool.send(Record(call_id=call.call_id, record_id="bad", path=missing,
                                     max_seconds=5))  # fmt: skip
            failed = await h.expect(CommandFailed)
            assert failed.command == "record" and "no folder" in failed.reason
            await h.pool.send(Record(call_id=call.call_id, record_id="bad", legs=["agent"],
                                     path=str(tmp_path / "a.wav"), max_seconds=5))  # fmt: skip
            failed = await h.expect(CommandFailed)
            assert "has no agent leg" in failed.reason
            await h.pool.send(StopRecording(call_id=call.call_id))
            failed = await h.expect(CommandFailed)
            assert "not being recorded" in failed.reason
            path = tmp_path / "key.wav"
            await h.pool.send(Record(call_id=call.call_id, record_id="k", path=str(path),
                                     max_seconds=30, stop_key="1"))  # fmt: skip
            await h.expect(Dtmf)
            finished = await h.expect(RecordingFinished)
            assert finished.end == "key" and 0.5 < finished.seconds < 2.0, finished
            await h.expect(CallEnded)
            await sipp.succeeded()

            call, sipp = await answered(h, "caller_waits.xml", ready.sip_address)
            path = tmp_path / "short.wav"
            await h.pool.send(Record(call_id=call.call_id, record_id="m", path=str(path),
                                     max_seconds=1.0))  # fmt: skip
            finished = await h.expect(RecordingFinished)
            assert finished.end == "max_length" and 0.8 <= finished.seconds <= 1.0, finished
            assert wav_rms_dbfs(path) > SILENCE_DBFS
            await h.pool.send(Record(call_id=call.call_id, record_id="s", path=str(path),
                                     max_seconds=30))  # fmt: skip
            await h.pool.send(StopRecording(call_id=call.call_id))
            finished = await h.expect(RecordingFinished, lambda f: f.record_id == "s")
            assert finished.end == "stopped"
            await h.pool.send(Hangup(call_id=call.call_id))
            await h.expect(CallEnded)
            await sipp.succeeded()

    asyncio.run(run())
