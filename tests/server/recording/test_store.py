"""The recordings kept (R27) on a real SQLite store and a manual wall clock: a worker
lost mid-call leaves a file whose header is completed; tags and the keep mark changed
with who did it, bad ones refused with nothing changed; the retention purge deletes
what is past its days unless kept, logged, its files with it."""

import wave
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.server.auth.conftest import START, FakeClock
from tests.server.callflow.conftest import write_tone
from vaxla_server.audio import file_sha256
from vaxla_server.notifier import Notifier
from vaxla_server.recording.store import (
    CallFacts,
    Recording,
    RecordingError,
    Recordings,
    Search,
)
from vaxla_server.store import Store, open_store
from vaxla_server.store.events import EventKind, RecordingChanged, RecordingPurged


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(data_dir=tmp_path / "data") as opened:
        yield opened


def tone(path: Path, seconds: float, *, header: bool = True) -> None:
    """What the worker writes; ``header=False``: as a worker lost mid-call leaves it."""
    write_tone(path, seconds)
    if not header:  # pjmedia writes the lengths only when it closes the file
        data = bytearray(path.read_bytes())
        data[4:8] = data[40:44] = b"\0\0\0\0"
        path.write_bytes(bytes(data))


def facts(call_id: str, *, queue: str = "Support", agent_id: int = 4) -> CallFacts:
    return CallFacts(
        contact_id=int(call_id.rsplit("-", 1)[1]),
        call_id=call_id,
        entry_point="100",
        queue=queue,
        agent_id=agent_id,
        agent_name="anna",
        caller="+46701234567",
        started_at=START,
    )


def kept(recordings: Recordings, call_id: str, seconds: float, **fields: object) -> Recording:
    tone(recordings.path_for(call_id), seconds)
    return recordings.keep(facts(call_id, **fields), reason="rule", retention_days=30)  # type: ignore[arg-type]


def test_a_file_a_lost_worker_left_is_kept_with_its_length_and_checksum(
    store: Store, tmp_path: Path
) -> None:
    recordings = Recordings(store.engine, Notifier(), tmp_path / "data", FakeClock())
    tone(recordings.path_for("w1-1"), 2.5, header=False)
    recording = recordings.keep(facts("w1-1"), reason="agent", retention_days=7)
    assert recording.seconds == 2.5 and recording.sha256 == file_sha256(recording.path)
    with wave.open(str(recording.path)) as audio:
        assert audio.getnframes() == 20000


def test_search_by_time_queue_agent_and_tag(store: Store, tmp_path: Path) -> None:
    clock = FakeClock()
    recordings = Recordings(store.engine, Notifier(), tmp_path / "data", clock)
    first = kept(recordings, "w1-1", 1.0)
    second = kept(recordings, "w1-2", 1.0, queue="Sales", agent_id=5)
    by = (3, "boss")
    recordings.change(second.id, by=by, add_tags=[" Klagomål ", "vip"])
    assert [r.id for r in recordings.search(Search())] == [second.id, first.id]
    assert [r.id for r in recordings.search(Search(queue="Sales"))] == [second.id]
    assert [r.id for r in recordings.search(Search(agent_id=4))] == [first.id]
    assert [r.id for r in recordings.search(Search(tag="KLAGOMÅL"))] == [second.id]
    assert recordings.search(Search(since=START + timedelta(seconds=1))) == []
    assert len(recordings.search(Search(until=START + timedelta(seconds=1)))) == 2


def test_tags_and_the_keep_mark_are_logged_and_bad_ones_change_nothing(
    store: Store, tmp_path: Path
) -> None:
    recordings = Recordings(store.engine, Notifier(), tmp_path / "data", FakeClock())
    recording = kept(recordings, "w1-1", 1.0)
    changed = recordings.change(recording.id, by=(3, "boss"), add_tags=["vip", "vip"], keep=True)
    assert (changed.tags, changed.keep) == (("vip",), True)
    for bad, match in [
        ({"add_tags": [" "]}, "a tag may not be empty"),
        ({"add_tags": ["x" * 33]}, "longer than 32 characters"),
        ({"add_tags": ["a\tb"]}, "control character"),
        ({"remove_tags": ["nope"]}, "has no tag 'nope'"),
        ({"keep": True}, "is like that already"),
        ({"add_tags": [f"t{n}" for n in range(20)]}, "at most 20 tags"),
    ]:
        with pytest.raises(RecordingError, match=match):
            recordings.change(recording.id, by=(3, "boss"), **bad)  # type: ignore[arg-type]
        assert recordings.get(recording.id) == changed
    with pytest.raises(RecordingError, match="there is no recording 99"):
        recordings.change(99, by=(3, "boss"), keep=False)
    [event] = [e.event for e in store.events.read(kinds=[EventKind.RECORDING_CHANGED])]
    assert isinstance(event, RecordingChanged)
    assert (event.tags, event.keep, event.by_name) == (["vip"], True, "boss")


def test_the_purge_deletes_what_is_past_its_days_unless_kept(store: Store, tmp_path: Path) -> None:
    clock = FakeClock()
    recordings = Recordings(store.engine, Notifier(), tmp_path / "data", clock)
    old = kept(recordings, "w1-1", 1.0)  # 30 days
    archived = kept(recordings, "w1-2", 1.0)
    recordings.change(archived.id, by=(3, "boss"), keep=True)
    clock.advance(days=29, hours=23)
    assert recordings.purge() == []
    clock.advance(hours=2)
    [purged] = recordings.purge()
    assert purged.id == old.id and not old.path.exists()
    assert [r.id for r in recordings.search(Search())] == [archived.id]
    assert archived.path.is_file()
    [event] = [e.event for e in store.events.read(kinds=[EventKind.RECORDING_PURGED])]
    assert isinstance(event, RecordingPurged)
    assert (event.recording_id, event.retention_days, event.at) == (old.id, 30, clock())
    assert recordings.purge() == []  # nothing twice


def test_an_export_left_by_a_stopped_server_is_removed_when_it_starts(
    store: Store, tmp_path: Path
) -> None:
    left = tmp_path / "data" / "recording-exports" / "recording-1-x.mp3"
    left.parent.mkdir(parents=True)
    left.write_bytes(b"ID3")
    recordings = Recordings(store.engine, Notifier(), tmp_path / "data", FakeClock())
    assert not recordings.exports.exists()
