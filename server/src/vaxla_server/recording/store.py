"""The calls' recordings (R27): chosen by the recording rules, kept in the store with
their file and checksum, tagged, marked kept, purged when their retention runs out.

A recording is a WAV file under the server's data folder named by the call id
(``recordings/w1-17.wav``), both parties mixed, written by the caller's media worker as
it goes: a worker lost mid-call loses at most its last quarter of a second, and the
file's header is completed here. Every call is recorded from its answer: a call a rule
records from the moment its consent prompt has been heard, any other into a buffer
(the same file) that is deleted at its end unless its agent asked to keep it. Its
SHA-256 and length are stored when the call ends. Each change and its event commit in
one transaction; the news is published after the commit.

An export as MP3 or Ogg Vorbis is encoded from the stored WAV, once its checksum is
found unchanged, into a scratch folder beside (``recording-exports``) and deleted once
sent: the WAV and its checksum are never touched, and no copy outlives its download
to escape the retention purge (a server stopped mid-download leaves one, removed when
it starts again).
"""

import asyncio
import logging
import os
import random
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, cast

from sqlalchemy import Engine, Row, Table, delete, insert, select, update

from vaxla_protocol.config import RecordingMode, RecordingRuleItem
from vaxla_protocol.recording import AudioFormat
from vaxla_server.audio import AudioError, closed_recording, encode, file_sha256
from vaxla_server.clock import WallClock
from vaxla_server.notifier import Notifier, Topic
from vaxla_server.store.event_log import append_in
from vaxla_server.store.events import (
    RecordingChanged,
    RecordingDiscarded,
    RecordingKept,
    RecordingPurged,
    RecordingRead,
    RecordingStarted,
)
from vaxla_server.store.models import RecordingRow
from vaxla_server.store.transactions import write_transaction

log = logging.getLogger(__name__)

RECORDINGS = cast(Table, RecordingRow.__table__)
RATE = 8000
"""The media workers' recording rate (their conference bridge's)."""
PURGE_EVERY_S = 3600.0
"""How often the server looks for recordings past their retention."""
DEFAULT_RETENTION_DAYS = 90
"""How long a recording kept by an agent's request is kept when no rule names a time."""
MAX_TAGS = 20
TAG_LENGTH = 32
Reason = Literal["rule", "agent"]


class RecordingError(Exception):
    """A recording cannot be found or changed (the message says why)."""


def chosen(rule: RecordingRuleItem, rng: random.Random) -> bool:
    """Whether ``rule`` records one more call: every call, none, or a share drawn from
    ``rng`` (seeded in tests)."""
    if rule.mode is RecordingMode.ALL:
        return True
    if rule.mode is RecordingMode.NONE:
        return False
    assert rule.share_percent is not None  # the rule's own check
    return rng.random() * 100 < rule.share_percent


def clean_tag(tag: str) -> str:
    """``tag`` as it is stored (trimmed, lower case); refused in words when it is empty,
    too long or holds a control character."""
    cleaned = tag.strip().lower()
    if not cleaned:
        raise RecordingError("a tag may not be empty")
    if len(cleaned) > TAG_LENGTH:
        raise RecordingError(f"the tag {cleaned[:40]!r} is longer than {TAG_LENGTH} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in cleaned):
        raise RecordingError(f"the tag {cleaned!r} holds a control character")
    return cleaned


@dataclass(frozen=True, slots=True)
class Recording:
    id: int
    call_id: str
    contact_id: int
    entry_point: str
    queue: str | None
    agent_id: int | None
    agent_name: str | None
    caller: str
    started_at: datetime
    ended_at: datetime
    seconds: float
    path: Path
    sha256: str
    reason: Reason
    tags: tuple[str, ...]
    keep: bool
    retention_days: int


@dataclass(frozen=True, slots=True)
class RecordingNews:
    """A recording was kept (``change`` ``kept``), changed or purged."""

    change: Literal["kept", "changed", "purged"]
    recording: Recording


RECORDING_NEWS: Topic[RecordingNews] = Topic("call recording")


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What a recording is stored with: the call and who took part."""

    contact_id: int
    call_id: str
    entry_point: str
    queue: str | None
    agent_id: int | None
    agent_name: str | None
    caller: str
    started_at: datetime


@dataclass(frozen=True, slots=True)
class Search:
    """A search of the recordings: each field set narrows it."""

    since: datetime | None = None
    until: datetime | None = None
    queue: str | None = None
    agent_id: int | None = None
    tag: str | None = None
    limit: int = 500


def _recording(row: Row[object]) -> Recording:
    values = row._mapping
    return Recording(
        id=values["id"],
        call_id=values["call_id"],
        contact_id=values["contact_id"],
        entry_point=values["entry_point"],
        queue=values["queue"],
        agent_id=values["agent_id"],
        agent_name=values["agent_name"],
        caller=values["caller"],
        started_at=values["started_at"],
        ended_at=values["ended_at"],
        seconds=values["seconds"],
        path=Path(values["path"]),
        sha256=values["sha256"],
        reason=values["reason"],
        tags=tuple(values["tags"]),
        keep=values["keep"],
        retention_days=values["retention_days"],
    )


class Recordings:
    def __init__(
        self, engine: Engine, notifier: Notifier, data_dir: Path, clock: WallClock
    ) -> None:
        self._engine = engine
        self._notifier = notifier
        self.folder = data_dir / "recordings"
        self.exports = data_dir / "recording-exports"
        self._clock = clock
        shutil.rmtree(self.exports, ignore_errors=True)  # a stopped server's leftovers

    def path_for(self, call_id: str) -> Path:
        """Where the call ``call_id`` is recorded (the folder made)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f"{call_id}.wav"

    def started(
        self,
        *,
        contact_id: int,
        call_id: str,
        reason: Reason,
        rule: str | None = None,
        consent_prompt: str | None = None,
        by_user: int | None = None,
    ) -> None:
        """Log that the call is recorded from now on (a rule's, after its consent
        prompt) or will be kept whole (an agent asked)."""
        event = RecordingStarted(
            at=self._clock(),
            contact_id=contact_id,
            call_id=call_id,
            reason=reason,
            rule=rule,
            consent_prompt=consent_prompt,
            by_user=by_user,
        )
        with write_transaction(self._engine) as connection:
            append_in(connection, [event])

    def _closed(self, call_id: str) -> tuple[Path, float]:
        """The call's file, its header completed when the worker could not, and its length."""
        path = self.path_for(call_id)
        seconds = closed_recording(path, RATE)
        return path, round(seconds, 3)

    def keep(self, facts: CallFacts, *, reason: Reason, retention_days: int) -> Recording:
        """Store the ended call's recording with its checksum and length, and its event."""
        path, seconds = self._closed(facts.call_id)
        now = self._clock()
        values = {
            "call_id": facts.call_id,
            "contact_id": facts.contact_id,
            "entry_point": facts.entry_point,
            "queue": facts.queue,
            "agent_id": facts.agent_id,
            "agent_name": facts.agent_name,
            "caller": facts.caller[:64],
            "started_at": facts.started_at,
            "ended_at": now,
            "seconds": seconds,
            "path": str(path),
            "sha256": file_sha256(path),
            "reason": reason,
            "tags": [],
            "keep": False,
            "retention_days": retention_days,
        }
        with write_transaction(self._engine) as connection:
            recording_id: int = connection.execute(
                insert(RECORDINGS).returning(RECORDINGS.c.id), values
            ).scalar_one()
            event = RecordingKept(
                at=now,
                contact_id=facts.contact_id,
                recording_id=recording_id,
                call_id=facts.call_id,
                seconds=seconds,
                sha256=values["sha256"],
            )
            append_in(connection, [event])
        recording = self.get(recording_id)
        self._notifier.publish(RECORDING_NEWS, RecordingNews("kept", recording))
        return recording

    def discard(self, *, contact_id: int, call_id: str) -> float:
        """Delete the ended call's buffer (nobody asked to keep it), with its event; the
        seconds it held."""
        path, seconds = self._closed(call_id)
        event = RecordingDiscarded(
            at=self._clock(), contact_id=contact_id, call_id=call_id, seconds=seconds
        )
        with write_transaction(self._engine) as connection:
            append_in(connection, [event])
        path.unlink(missing_ok=True)
        return seconds

    def get(self, recording_id: int) -> Recording:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(RECORDINGS).where(RECORDINGS.c.id == recording_id)
            ).one_or_none()
        if row is None:
            raise RecordingError(f"there is no recording {recording_id}")
        return _recording(row)

    def log_read(self, recording: Recording, kind: AudioFormat, *, by: tuple[int, str]) -> None:
        """Write in the event log that ``by`` reads the recording's sound as ``kind``:
        before it is sent, so a read the log cannot take is not served."""
        event = RecordingRead(
            at=self._clock(),
            recording_id=recording.id,
            format=kind.value,
            by_user=by[0],
            by_name=by[1],
        )
        with write_transaction(self._engine) as connection:
            append_in(connection, [event])

    def export(self, recording: Recording, kind: AudioFormat) -> Path:
        """``recording`` encoded as ``kind`` (MP3 or Ogg Vorbis) into a new file in the
        scratch folder, for the caller to delete once sent. Refused in words when the
        file is gone or no longer the one stored (its SHA-256 differs), or sox fails."""
        if kind is AudioFormat.WAV:
            raise RecordingError("a recording is stored as WAV: it needs no encoding")
        if not recording.path.is_file():
            raise RecordingError(f"the file of recording {recording.id} is gone")
        if file_sha256(recording.path) != recording.sha256:
            raise RecordingError(
                f"the file of recording {recording.id} is damaged: its SHA-256 differs "
                "from the one stored when the call ended"
            )
        self.exports.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            prefix=f"recording-{recording.id}-", suffix=f".{kind.value}", dir=self.exports
        )
        os.close(handle)
        target = Path(name)
        try:
            encode(recording.path, kind.value, target)
        except BaseException as error:
            target.unlink(missing_ok=True)
            if isinstance(error, AudioError):
                raise RecordingError(
                    f"recording {recording.id} could not be made {kind.value.upper()}: {error}"
                ) from None
            raise
        return target

    def search(self, search: Search) -> list[Recording]:
        """The recordings ``search`` finds, newest first."""
        query = select(RECORDINGS)
        if search.since is not None:
            query = query.where(RECORDINGS.c.started_at >= search.since)
        if search.until is not None:
            query = query.where(RECORDINGS.c.started_at < search.until)
        if search.queue is not None:
            query = query.where(RECORDINGS.c.queue == search.queue)
        if search.agent_id is not None:
            query = query.where(RECORDINGS.c.agent_id == search.agent_id)
        query = query.order_by(RECORDINGS.c.started_at.desc(), RECORDINGS.c.id.desc())
        tag = None if search.tag is None else clean_tag(search.tag)
        found: list[Recording] = []
        with self._engine.connect() as connection:
            for row in connection.execute(query):
                recording = _recording(row)
                if tag is None or tag in recording.tags:
                    found.append(recording)
                    if len(found) >= search.limit:
                        break
        return found

    def change(
        self,
        recording_id: int,
        *,
        by: tuple[int, str],
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
        keep: bool | None = None,
    ) -> Recording:
        """Add and remove tags, mark kept (archived: never purged) or not; logged with who
        did it. A tag to remove that it does not have is refused, and nothing changes."""
        adding = [clean_tag(tag) for tag in add_tags]
        removing = [clean_tag(tag) for tag in remove_tags]
        with write_transaction(self._engine) as connection:
            row = connection.execute(
                select(RECORDINGS).where(RECORDINGS.c.id == recording_id)
            ).one_or_none()
            if row is None:
                raise RecordingError(f"there is no recording {recording_id}")
            tags = list(row.tags)
            for tag in removing:
                if tag not in tags:
                    raise RecordingError(f"recording {recording_id} has no tag {tag!r}")
                tags.remove(tag)
            tags.extend(tag for tag in dict.fromkeys(adding) if tag not in tags)
            if len(tags) > MAX_TAGS:
                raise RecordingError(f"a recording has at most {MAX_TAGS} tags")
            kept = row.keep if keep is None else keep
            if tags == list(row.tags) and kept == row.keep:
                raise RecordingError(f"recording {recording_id} is like that already")
            connection.execute(
                update(RECORDINGS)
                .where(RECORDINGS.c.id == recording_id)
                .values(tags=tags, keep=kept)
            )
            event = RecordingChanged(
                at=self._clock(),
                recording_id=recording_id,
                tags=tags,
                keep=kept,
                by_user=by[0],
                by_name=by[1],
            )
            append_in(connection, [event])
        recording = self.get(recording_id)
        self._notifier.publish(RECORDING_NEWS, RecordingNews("changed", recording))
        return recording

    def purge(self) -> list[Recording]:
        """Delete the recordings past their retention that are not marked kept, their
        files with them, each with its event. The recordings purged."""
        now = self._clock()
        purged: list[Recording] = []
        with write_transaction(self._engine) as connection:
            query = select(RECORDINGS).where(RECORDINGS.c.keep.is_(False))
            for row in connection.execute(query).all():
                recording = _recording(row)
                if recording.started_at >= now - timedelta(days=recording.retention_days):
                    continue
                connection.execute(delete(RECORDINGS).where(RECORDINGS.c.id == recording.id))
                event = RecordingPurged(
                    at=now,
                    recording_id=recording.id,
                    started_at=recording.started_at,
                    retention_days=recording.retention_days,
                )
                append_in(connection, [event])
                purged.append(recording)
        for recording in purged:  # the rows are gone for good: now their files
            recording.path.unlink(missing_ok=True)
            self._notifier.publish(RECORDING_NEWS, RecordingNews("purged", recording))
        return purged

    async def run_purges(self, sleep: Callable[[float], Awaitable[None]]) -> None:
        """Purge what the retention no longer keeps, now and every ``PURGE_EVERY_S``, in
        a thread (files are deleted), until cancelled."""
        while True:
            try:
                purged = await asyncio.to_thread(self.purge)
                if purged:
                    log.info("purged %d call recordings past their retention", len(purged))
            except Exception:
                log.exception("the recordings' purge failed; it tries again")
            await sleep(PURGE_EVERY_S)
