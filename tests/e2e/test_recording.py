"""Call recording end to end (R27): a real server (the demo site: Kamailio, the media
pool, the call flow, its store), SIPp callers playing the sip-tester G.711 pcap, pjsua2
agent phones answering. A call no rule records is recorded from its answer all the
same, and the agent's mid-call request keeps it whole: the caller's words before the
agent answered are in the file. A call an entry point's rule records hears the consent
prompt to its end (the worker's report, logged before the recording starts) and is
kept: the file non-silent, its SHA-256 the one stored, the API's download the file.
Both parties are in the mix: the agent's phone sends a 1300 Hz tone (its voice) while
the caller talks, and the file holds that tone after the agent answered (a frequency
nobody sent is not), with the caller's voice beside it."""

import asyncio
import hashlib
import math
import signal
import wave
from pathlib import Path

import httpx
from sqlalchemy import select

from tests.e2e.test_demo_calls import Demo
from tests.media.harness import sip_tester_pcaps
from tests.server.recording.test_recordings_api import tone_level
from tests.server_process import ServerProcess, assert_workers_gone, front_address, worker_pids
from vaxla_server.audio import SILENCE_DBFS, file_sha256, wav_rms_dbfs
from vaxla_server.network import free_sip_port
from vaxla_server.recording.store import RECORDINGS
from vaxla_server.store import open_store
from vaxla_server.store.events import EventKind, Offered, RecordingStarted

RULE = {"name": "Linje 310", "entry_point": "310", "mode": "all", "retention_days": 30}
LINE = {"address": "310", "name": "Inspelad", "first": {"kind": "queue", "queue": "Support"}}
AGENT_HERTZ = 1300.0
"""The agent's "voice": a tone the caller's pcap (speech) has no line at."""
NOBODY_HERTZ = 1900.0
"""A frequency nobody sends: its share of the mix is the test's measure of noise."""
TONE_S = 3.0


def write_agent_tone(path: Path) -> None:
    """The sound the agent's phone sends: ``TONE_S`` of ``AGENT_HERTZ``, 16-bit mono at
    the rate of the phone's conference bridge (16 kHz)."""
    rate = 16000
    count = int(TONE_S * rate)
    samples = (round(9000 * math.sin(2 * math.pi * AGENT_HERTZ * n / rate)) for n in range(count))
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(b"".join(s.to_bytes(2, "little", signed=True) for s in samples))


def part_of(path: Path, start: float, seconds: float, scratch: Path) -> Path:
    """``seconds`` of the WAV ``path`` from ``start``, as a WAV file ``scratch``."""
    with wave.open(str(path)) as audio:
        rate = audio.getframerate()
        audio.setpos(int(start * rate))
        frames = audio.readframes(int(seconds * rate))
        params = audio.getparams()
    with wave.open(str(scratch), "wb") as part:
        part.setparams(params)
        part.writeframes(frames)
    return scratch


def tone_windows(path: Path, hertz: float, scratch: Path) -> list[float]:
    """The share of each half-second window's energy at ``hertz`` (0 to 1)."""
    with wave.open(str(path)) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    return [
        tone_level(part_of(path, start / 2, 0.5, scratch), hertz)
        for start in range(int(seconds * 2))
    ]


def level_of(path: Path, start: float, seconds: float, scratch: Path) -> float:
    """The RMS level (dBFS) of ``seconds`` of the WAV ``path`` from ``start``."""
    return wav_rms_dbfs(part_of(path, start, seconds, scratch))


async def answered_call(
    demo: Demo, agent: str, scenario: str, number: str, says: Path | None = None
) -> int:
    """``agent``'s phone answers a SIPp caller with ``scenario`` to ``number`` (and
    sends the WAV ``says`` into the call once it hears the caller); the contact id once
    the call is over (the caller hung up)."""
    token = demo.token(agent)
    phone = await demo.agent_phone(token)
    try:
        demo.post("/agent/login", token, {"sip_contact": phone.uri})
        caller = asyncio.create_task(demo.call(scenario, number))
        await phone.expect("ringing", timeout=30)
        await phone.expect("answered", timeout=30)
        if says is not None:
            await phone.command(f"play {says}")
            await phone.expect("playing", timeout=30)
        contact: int = demo.get("/agent", token)["call"]["contact_id"]
        if number == "200":  # nobody's rule: the agent asks mid-call
            response = demo.api.post(
                f"/agent/calls/{contact}/record", headers={"Authorization": f"Bearer {token}"}
            )
            assert response.status_code == 204, response.text
        await phone.expect("ended", timeout=40)
        assert await caller == 0
        return contact
    finally:
        demo.log_out(token)
        await phone.command("quit")
        await phone.process.wait()


def test_a_consented_call_and_a_call_kept_mid_call_are_recorded_whole(tmp_path: Path) -> None:
    (tmp_path / "pcap").symlink_to(sip_tester_pcaps())
    data = tmp_path / "data"
    args = ["--demo", "--sip-port", str(free_sip_port())]
    with ServerProcess(data, args, timeout=120) as server:
        demo = Demo(server, front_address(server.log_lines), tmp_path,
                    min(worker_pids(server.log_lines).values()))  # fmt: skip
        admin = demo.token("admin1")
        demo.post("/config/entry-points", admin, LINE)
        demo.post("/config/recording-rules", admin, RULE)
        # 200 (no rule): the caller talks at once, agent1 answers, asks to keep it.
        # agent1 talks (a tone) while the caller does.
        tone = tmp_path / "agent-says.wav"
        write_agent_tone(tone)
        kept_mid_call = asyncio.run(
            answered_call(demo, "agent1", "caller_talks_first.xml", "200", says=tone)
        )
        # 310 (all recorded): the consent prompt, then the caller talks from 6.5 s.
        consented = asyncio.run(
            answered_call(demo, "agent2", "caller_listens_then_talks.xml", "310")
        )
        supervisor = {"Authorization": f"Bearer {demo.token('supervisor1')}"}
        listed = demo.api.get("/recordings", headers=supervisor).json()
        audio = {
            r["contact_id"]: demo.api.get(f"/recordings/{r['id']}/audio", headers=supervisor)
            for r in listed
        }
        demo.api.close()
        assert server.stop() == -signal.SIGTERM
    assert_workers_gone(server.log_lines)

    with open_store(data_dir=data) as store:
        with store.engine.connect() as connection:
            rows = {row.contact_id: row for row in connection.execute(select(RECORDINGS))}
        events = [e.event for e in store.events.read(limit=100_000)]
    assert set(rows) == {kept_mid_call, consented}
    for contact, row in rows.items():
        path = Path(row.path)
        assert path == data / "recordings" / f"{row.call_id}.wav"
        assert file_sha256(path) == row.sha256
        assert wav_rms_dbfs(path) > SILENCE_DBFS  # the pcap's voice
        response: httpx.Response = audio[contact]
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == row.sha256

    # Kept mid-call: the whole call from its answer (9 s), and the caller's first
    # words, said before agent1 answered, are in it.
    mid = rows[kept_mid_call]
    assert mid.reason == "agent" and 8.0 <= mid.seconds <= 10.0, mid
    assert level_of(Path(mid.path), 0.2, 1.0, tmp_path / "start.wav") > SILENCE_DBFS
    [asked] = [
        e for e in events if isinstance(e, RecordingStarted) and e.contact_id == kept_mid_call
    ]
    assert asked.reason == "agent" and asked.by_user is not None
    # The agent's side is in the mix: its tone in the half-seconds after it answered,
    # far above the share of a frequency nobody sent; the caller's voice beside it.
    scratch = tmp_path / "window.wav"
    agent_said = tone_windows(Path(mid.path), AGENT_HERTZ, scratch)
    nobody_said = tone_windows(Path(mid.path), NOBODY_HERTZ, scratch)
    talking = [i for i, share in enumerate(agent_said) if share > 0.2]
    assert len(talking) >= 4, (agent_said, nobody_said)  # 3 s sent: 2 s or more heard
    assert max(nobody_said) < 0.02, nobody_said
    assert min(agent_said[i] for i in talking) > 10 * max(nobody_said)
    assert talking[0] >= 1, agent_said  # not before the agent answered
    loudest = max(talking, key=lambda i: agent_said[i])
    assert level_of(Path(mid.path), loudest / 2, 0.5, scratch) > SILENCE_DBFS
    assert any(level_of(Path(mid.path), i / 2, 0.5, scratch) > SILENCE_DBFS
               for i in range(len(agent_said)) if i not in talking)  # fmt: skip

    # Consented: the prompt heard to its end, then the recording, before any offer.
    rule = rows[consented]
    for_call = [e for e in events if getattr(e, "contact_id", None) == consented]
    [started] = [e for e in for_call if isinstance(e, RecordingStarted)]
    assert (started.reason, started.rule, started.consent_prompt) == (
        "rule", "Linje 310", "recording_consent",
    )  # fmt: skip
    first_offer = next(e for e in for_call if isinstance(e, Offered))
    assert for_call.index(started) < for_call.index(first_offer)
    # The consent prompt (5.5 s) is not in it: the call lasted 10.5 s from its answer.
    assert rule.reason == "rule" and 3.5 <= rule.seconds <= 6.0, rule
    assert not any(e.kind is EventKind.RECORDING_DISCARDED for e in for_call)
