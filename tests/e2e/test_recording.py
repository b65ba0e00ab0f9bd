"""Call recording end to end (R27): a real server (the demo site: Kamailio, the media
pool, the call flow, its store), SIPp callers playing the sip-tester G.711 pcap, pjsua2
agent phones answering. A call no rule records is recorded from its answer all the
same, and the agent's mid-call request keeps it whole: the caller's words before the
agent answered are in the file. A call an entry point's rule records hears the consent
prompt to its end (the worker's report, logged before the recording starts) and is
kept: the file non-silent, its SHA-256 the one stored, the API's download the file."""

import asyncio
import hashlib
import signal
import wave
from pathlib import Path

import httpx
from sqlalchemy import select

from tests.e2e.test_demo_calls import Demo
from tests.media.harness import sip_tester_pcaps
from tests.server_process import ServerProcess, assert_workers_gone, front_address, worker_pids
from vaxla_server.audio import SILENCE_DBFS, file_sha256, wav_rms_dbfs
from vaxla_server.network import free_sip_port
from vaxla_server.recording.store import RECORDINGS
from vaxla_server.store import open_store
from vaxla_server.store.events import EventKind, Offered, RecordingStarted

RULE = {"name": "Linje 310", "entry_point": "310", "mode": "all", "retention_days": 30}
LINE = {"address": "310", "name": "Inspelad", "first": {"kind": "queue", "queue": "Support"}}


def level_of(path: Path, start: float, seconds: float, scratch: Path) -> float:
    """The RMS level (dBFS) of ``seconds`` of the WAV ``path`` from ``start``."""
    with wave.open(str(path)) as audio:
        rate = audio.getframerate()
        audio.setpos(int(start * rate))
        frames = audio.readframes(int(seconds * rate))
        params = audio.getparams()
    with wave.open(str(scratch), "wb") as part:
        part.setparams(params)
        part.writeframes(frames)
    return wav_rms_dbfs(scratch)


async def answered_call(demo: Demo, agent: str, scenario: str, number: str) -> int:
    """``agent``'s phone answers a SIPp caller with ``scenario`` to ``number``; the
    contact id once the call is over (the caller hung up)."""
    token = demo.token(agent)
    phone = await demo.agent_phone(token)
    try:
        demo.post("/agent/login", token, {"sip_contact": phone.uri})
        caller = asyncio.create_task(demo.call(scenario, number))
        await phone.expect("ringing", timeout=30)
        await phone.expect("answered", timeout=30)
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
        kept_mid_call = asyncio.run(answered_call(demo, "agent1", "caller_talks_first.xml", "200"))
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
