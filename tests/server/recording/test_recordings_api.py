"""``/recordings`` on the real app and a real SQLite store: supervisors and
administrators read, tag and keep every recording; an agent reads and tags only its own
calls' and may not keep one; operators have no access to /recordings (a receptionist
may ask to keep its own call's); refusals say why and change
nothing; the audio is the stored file with its checksum, or MP3 or Ogg Vorbis encoded
from it (decoded back with sox: as long, the same tone) leaving the WAV untouched and no
copy behind; the purge is the admin's."""

import hashlib
import math
import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from tests.server.auth.test_api import Api
from tests.server.recording.test_store import facts, tone
from vaxla_protocol import API_PREFIX, Role
from vaxla_server.app import create_app
from vaxla_server.audio import file_sha256, wav_rms_dbfs
from vaxla_server.recording.store import Recordings
from vaxla_server.store import open_store
from vaxla_server.store.events import EventKind

RECORDINGS = f"{API_PREFIX}/recordings"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    clock = FakeClock()
    with open_store(data_dir=tmp_path / "data") as store:
        app = create_app(
            store, auth_settings=CHEAP_SETTINGS, clock=clock, data_dir=tmp_path / "data"
        )
        api = Api(app)
        for role in Role:
            api.auth.users.create(role.value, PASSWORD, role, now=clock())
        api.auth.users.create("anna", PASSWORD, Role.AGENT, now=clock())
        api.clock = clock  # type: ignore[attr-defined]
        yield api


def user_id(api: Api, name: str) -> int:
    return api.auth.users.get(name).id


def keep(api: Api, call_id: str, agent: str, seconds: float = 1.0) -> int:
    recordings: Recordings = api.app.state.services.recordings
    tone(recordings.path_for(call_id), seconds)
    found = facts(call_id, agent_id=user_id(api, agent))
    return recordings.keep(found, reason="rule", retention_days=30).id


def call(api: Api, user: str, method: str, path: str, **kwargs: object) -> httpx.Response:
    return api.request(method, f"{RECORDINGS}{path}", token=api.token(user), **kwargs)  # type: ignore[arg-type]


def test_who_reads_tags_and_keeps_which_recordings(api: Api) -> None:
    mine = keep(api, "w1-1", "anna")
    theirs = keep(api, "w1-2", "agent")

    assert [r["id"] for r in call(api, "supervisor", "GET", "").json()] == [theirs, mine]
    assert [r["id"] for r in call(api, "admin", "GET", "").json()] == [theirs, mine]
    assert [r["id"] for r in call(api, "anna", "GET", "").json()] == [mine]
    other = call(api, "anna", "GET", f"?agent_id={user_id(api, 'agent')}")
    assert other.status_code == 403 and "another agent's recordings" in other.json()["detail"]
    for path in (f"/{theirs}", f"/{theirs}/audio"):
        refused = call(api, "anna", "GET", path)
        assert refused.status_code == 403
        assert "an agent reads only the recordings of the calls it answered" in refused.text
    assert call(api, "operator", "GET", "").status_code == 403
    assert call(api, "anna", "GET", "/99").status_code == 404

    audio = call(api, "anna", "GET", f"/{mine}/audio")
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
    assert audio.headers["x-vaxla-sha256"] == hashlib.sha256(audio.content).hexdigest()

    tagged = call(api, "anna", "PATCH", f"/{mine}", json={"add_tags": ["Klagomål"]})
    assert tagged.status_code == 200 and tagged.json()["tags"] == ["klagomål"]
    no_keep = call(api, "anna", "PATCH", f"/{mine}", json={"keep": True})
    assert no_keep.status_code == 403 and "supervisors and administrators do" in no_keep.text
    assert call(api, "anna", "PATCH", f"/{theirs}", json={"add_tags": ["x"]}).status_code == 403
    bad = call(api, "supervisor", "PATCH", f"/{mine}", json={"add_tags": ["a\u0007"]})
    assert bad.status_code == 422
    missing = call(api, "supervisor", "PATCH", f"/{mine}", json={"remove_tags": ["vip"]})
    assert missing.status_code == 409 and "has no tag 'vip'" in missing.json()["detail"]
    kept = call(api, "supervisor", "PATCH", f"/{mine}", json={"keep": True})
    assert kept.status_code == 200 and kept.json()["keep"] is True
    assert [r["id"] for r in call(api, "supervisor", "GET", "?tag=klagomål").json()] == [mine]
    assert call(api, "supervisor", "GET", "?since=2026-11-22T08:00:00").status_code == 422
    store = api.app.state.services.store
    changes = [e.event for e in store.events.read(kinds=[EventKind.RECORDING_CHANGED])]
    assert [(e.by_name, e.tags, e.keep) for e in changes] == [
        ("anna", ["klagomål"], False),
        ("supervisor", ["klagomål"], True),
    ]


def test_the_purge_is_run_by_an_administrator_and_logged(api: Api) -> None:
    old = keep(api, "w1-1", "anna")
    api.clock.advance(days=31)  # type: ignore[attr-defined]
    assert call(api, "supervisor", "POST", "/purge").status_code == 403
    assert call(api, "admin", "POST", "/purge").json() == {"purged": [old]}
    store = api.app.state.services.store
    assert len(store.events.read(kinds=[EventKind.RECORDING_PURGED])) == 1
    assert call(api, "admin", "GET", f"/{old}").status_code == 404


def test_an_agents_request_needs_a_server_that_takes_calls(api: Api) -> None:
    response = api.request("POST", f"{API_PREFIX}/agent/calls/1/record", token=api.token("anna"))
    assert response.status_code == 409 and "takes no calls" in response.json()["detail"]
    # A receptionist (an operator taking calls) may keep its own call's too.
    by_operator = api.request(
        "POST", f"{API_PREFIX}/agent/calls/1/record", token=api.token("operator")
    )
    assert by_operator.status_code == 409


def decoded(data: bytes, kind: str, folder: Path) -> tuple[float, Path]:
    """A file sent as ``kind`` decoded back by sox: its length (``soxi -D``) and the
    telephone WAV it decodes to."""
    sent = folder / f"sent.{kind}"
    sent.write_bytes(data)
    seconds = float(
        subprocess.run(["soxi", "-D", str(sent)], capture_output=True, text=True, check=True).stdout
    )
    back = folder / f"back-{kind}.wav"
    subprocess.run(["sox", str(sent), "-r", "8000", "-c", "1", "-b", "16", str(back)], check=True)
    return seconds, back


def tone_level(path: Path, hertz: float) -> float:
    """The share (0 to 1) of a WAV file's energy at ``hertz`` (Goertzel)."""
    with wave.open(str(path)) as audio:
        frames = audio.readframes(audio.getnframes())
        rate = audio.getframerate()
    samples = [
        int.from_bytes(frames[i : i + 2], "little", signed=True) for i in range(0, len(frames), 2)
    ]
    coefficient = 2 * math.cos(2 * math.pi * hertz / rate)
    before = earlier = 0.0
    for sample in samples:
        before, earlier = sample + coefficient * before - earlier, before
    power = before**2 + earlier**2 - coefficient * before * earlier
    total = sum(s * s for s in samples) * len(samples) / 2
    return power / total if total else 0.0


@pytest.mark.parametrize(
    ("kind", "media_type"),
    [("wav", "audio/wav"), ("mp3", "audio/mpeg"), ("ogg", "audio/ogg")],
)
def test_the_audio_exported_as_wav_mp3_or_ogg(
    api: Api, tmp_path: Path, kind: str, media_type: str
) -> None:
    mine = keep(api, "w1-1", "anna", seconds=3.0)
    theirs = keep(api, "w1-2", "agent")
    recordings: Recordings = api.app.state.services.recordings
    stored = recordings.get(mine)

    refused = call(api, "anna", "GET", f"/{theirs}/audio?format={kind}")
    assert refused.status_code == 403 and "calls it answered" in refused.json()["detail"]
    assert call(api, "operator", "GET", f"/{mine}/audio?format={kind}").status_code == 403
    sent = call(api, "anna", "GET", f"/{mine}/audio?format={kind}")
    assert sent.status_code == 200, sent.text
    assert sent.headers["content-type"] == media_type
    assert f'filename="recording-{mine}-w1-1.{kind}"' in sent.headers["content-disposition"]
    assert sent.headers["x-vaxla-sha256"] == hashlib.sha256(sent.content).hexdigest()
    if kind == "wav":
        assert sent.content == stored.path.read_bytes()
    else:
        assert sent.headers["x-vaxla-recording-sha256"] == stored.sha256
        if kind == "ogg":
            assert sent.content.startswith(b"OggS")
        else:  # an MPEG audio frame's sync word, or an ID3 tag before it
            assert sent.content.startswith(b"ID3") or sent.content[:2] in (b"\xff\xf3", b"\xff\xe3")
        assert len(sent.content) < stored.path.stat().st_size / 2  # compressed
    seconds, back = decoded(sent.content, kind, tmp_path)
    assert abs(seconds - 3.0) < 0.25, seconds  # MP3 pads a frame or two
    assert wav_rms_dbfs(back) > -30  # the tone, not silence
    assert tone_level(back, 440) > 0.8 and tone_level(back, 1000) < 0.01
    # The WAV and its checksum are as stored; no encoded copy is left behind.
    assert file_sha256(stored.path) == recordings.get(mine).sha256 == stored.sha256
    assert list(recordings.exports.glob("*")) == []
    for user in ("supervisor", "admin"):
        assert call(api, user, "GET", f"/{theirs}/audio?format={kind}").status_code == 200
    # Every read sent is in the log with who and how; the refused ones are not.
    store = api.app.state.services.store
    reads = [e.event for e in store.events.read(kinds=[EventKind.RECORDING_READ])]
    assert [(e.recording_id, e.by_name, e.format) for e in reads] == [
        (mine, "anna", kind),
        (theirs, "supervisor", kind),
        (theirs, "admin", kind),
    ]


def test_a_bad_format_or_a_damaged_file_is_refused_in_words(api: Api) -> None:
    mine = keep(api, "w1-1", "anna")
    recordings: Recordings = api.app.state.services.recordings
    for bad in ("flac", "MP4", ""):
        refused = call(api, "anna", "GET", f"/{mine}/audio?format={bad}")
        assert refused.status_code == 422, bad
        message = refused.json()["detail"][0]
        assert message["loc"] == ["query", "format"]
        assert all(f"'{kind}'" in message["msg"] for kind in ("wav", "mp3", "ogg")), message
    path = recordings.get(mine).path
    path.write_bytes(path.read_bytes()[:-2000])  # the disk lost its end
    damaged = call(api, "supervisor", "GET", f"/{mine}/audio?format=ogg")
    assert damaged.status_code == 409
    assert "damaged: its SHA-256 differs" in damaged.json()["detail"]
    assert list(recordings.exports.glob("*")) == []
    store = api.app.state.services.store
    assert list(store.events.read(kinds=[EventKind.RECORDING_READ])) == []  # none was sent
    path.unlink()
    gone = call(api, "supervisor", "GET", f"/{mine}/audio?format=mp3")
    assert gone.status_code == 404 and "is gone" in gone.json()["detail"]
