"""The messages of the voicemail boxes in the store: kept with checksum and marks, handled
once with who did it, purged on the box's retention by the injected clock; each change in
the event log and on the notifier."""

import asyncio
import math
import struct
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from vaxla_protocol.config import VoicemailBoxItem
from vaxla_server.audio import file_sha256
from vaxla_server.notifier import Notifier
from vaxla_server.store import Store
from vaxla_server.store.events import (
    EventKind,
    VoicemailHandled,
    VoicemailLeft,
    VoicemailPurged,
)
from vaxla_server.voicemail.messages import (
    OUTBOX,
    PURGE_EVERY_S,
    VOICEMAIL_NEWS,
    VoicemailError,
    VoicemailMessages,
    VoicemailNews,
)

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def box(name: str, **fields: Any) -> VoicemailBoxItem:
    return VoicemailBoxItem.model_validate(
        {"name": name, "greeting": "voicemail_greeting", "reader_roles": ["agent"], **fields}
    )


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def record(path: Path, seconds: float, *, voice: bool) -> None:
    """What a worker leaves: 16-bit mono at 8 kHz, a 440 Hz tone or silence."""
    frames = int(seconds * 8000)
    level = 8000 if voice else 0
    samples = (int(level * math.sin(2 * math.pi * 440 * n / 8000)) for n in range(frames))
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"".join(struct.pack("<h", s) for s in samples))


@pytest.fixture
def setup(store: Store, tmp_path: Path) -> tuple[VoicemailMessages, Clock, list[VoicemailNews]]:
    notifier = Notifier()
    news: list[VoicemailNews] = []
    notifier.subscribe(VOICEMAIL_NEWS, news.append)
    clock = Clock()
    return VoicemailMessages(store.engine, notifier, tmp_path / "data", clock), clock, news


def test_a_message_is_kept_with_its_checksum_and_marked_when_short_or_silent(
    setup: tuple[VoicemailMessages, Clock, list[VoicemailNews]], store: Store
) -> None:
    messages, clock, news = setup
    record(messages.path_for("w1-1"), 3.0, voice=True)
    record(messages.path_for("w1-2"), 0.4, voice=False)
    # A worker lost mid-message: pjmedia's header without sizes, then the samples.
    torn = messages.path_for("w1-3")
    torn.write_bytes(b"RIFF\0\0\0\0WAVE" + bytes(32) + struct.pack("<h", 9000) * 12000)

    mailed = box("Kansliet", notify_emails=["kansli@example.se"], attach_audio=True)
    voice = messages.keep(box=mailed, contact_id=7, call_id="w1-1", caller="+4670111")
    clock.now += timedelta(minutes=1)
    quiet = messages.keep(box=box("Kansliet"), contact_id=8, call_id="w1-2", caller="0812345")
    lost = messages.keep(box=box("Växeln"), contact_id=9, call_id="w1-3", caller="0812345")

    assert (voice.seconds, voice.short, voice.silent) == (3.0, False, False)
    assert voice.sha256 == file_sha256(voice.path) and voice.received_at == T0
    assert (quiet.seconds, quiet.short, quiet.silent) == (0.4, True, True)
    assert (lost.seconds, lost.short, lost.silent) == (1.5, False, False)
    assert messages.messages(["Kansliet"]) == [quiet, voice]  # newest first
    assert messages.messages(["Växeln", "Kansliet"])[0] == lost
    [left, *_] = [e.event for e in store.events.read(kinds=[EventKind.VOICEMAIL_LEFT])]
    assert left == VoicemailLeft(
        at=T0, contact_id=7, message_id=voice.id, box="Kansliet", caller="+4670111",
        seconds=3.0, short=False, silent=False,
    )  # fmt: skip
    # The mail is in the outbox with the message, its WAV attached by path.
    with store.engine.connect() as connection:
        [mail] = connection.execute(select(OUTBOX)).all()
    assert mail.recipients == ["kansli@example.se"] and mail.attachment == str(voice.path)
    assert mail.subject == "Vaxla: nytt röstmeddelande i Kansliet från +4670111"
    assert "+4670111 left a message of 3 s in the voicemail box Kansliet" in mail.body
    assert [(n.change, n.message.id) for n in news] == [
        ("left", voice.id), ("left", quiet.id), ("left", lost.id),
    ]  # fmt: skip


def test_a_message_is_handled_once_and_the_log_says_by_whom(
    setup: tuple[VoicemailMessages, Clock, list[VoicemailNews]], store: Store
) -> None:
    messages, clock, news = setup
    record(messages.path_for("w1-1"), 2.0, voice=True)
    kept = messages.keep(box=box("Kansliet"), contact_id=7, call_id="w1-1", caller="+4670111")
    clock.now += timedelta(hours=2)
    handled = messages.handle(kept.id, by=(3, "Anna"))
    assert (handled.handled_by, handled.handled_at) == ("Anna", T0 + timedelta(hours=2))
    with pytest.raises(VoicemailError, match="handled already, by Anna"):
        messages.handle(kept.id, by=(4, "Bo"))
    with pytest.raises(VoicemailError, match="there is no voicemail message 99"):
        messages.handle(99, by=(4, "Bo"))
    assert messages.get(kept.id) == handled  # the refusals changed nothing
    [event] = [e.event for e in store.events.read(kinds=[EventKind.VOICEMAIL_HANDLED])]
    assert event == VoicemailHandled(at=T0 + timedelta(hours=2), message_id=kept.id,
                                     box="Kansliet", by_user=3, by_name="Anna")  # fmt: skip
    assert news[-1].change == "handled" and news[-1].message == handled


def test_messages_are_purged_with_their_files_when_the_boxs_retention_runs_out(
    setup: tuple[VoicemailMessages, Clock, list[VoicemailNews]], store: Store
) -> None:
    messages, clock, news = setup
    record(messages.path_for("w1-1"), 1.5, voice=True)
    old = messages.keep(box=box("Kansliet"), contact_id=7, call_id="w1-1", caller="1")
    clock.now += timedelta(days=10)
    record(messages.path_for("w1-2"), 1.5, voice=True)
    young = messages.keep(box=box("Kansliet"), contact_id=8, call_id="w1-2", caller="2")
    record(messages.path_for("w1-3"), 1.5, voice=True)
    other = messages.keep(box=box("Gone"), contact_id=9, call_id="w1-3", caller="3")

    clock.now = T0 + timedelta(days=30)
    assert messages.purge({"Kansliet": 30}) == []  # 30 days to the second: not yet
    clock.now += timedelta(seconds=1)
    assert [m.id for m in messages.purge({"Kansliet": 30})] == [old.id]
    assert not old.path.exists() and young.path.exists() and other.path.exists()
    # A box no longer configured keeps its messages.
    assert messages.messages(["Kansliet", "Gone"]) == [other, young]
    [event] = [e.event for e in store.events.read(kinds=[EventKind.VOICEMAIL_PURGED])]
    assert event == VoicemailPurged(at=clock.now, message_id=old.id, box="Kansliet",
                                    received_at=T0, retention_days=30)  # fmt: skip
    assert (news[-1].change, news[-1].message.id) == ("purged", old.id)


def test_the_server_purges_on_start_and_every_hour_after(
    setup: tuple[VoicemailMessages, Clock, list[VoicemailNews]],
) -> None:
    messages, clock, _news = setup
    record(messages.path_for("w1-1"), 1.5, voice=True)
    old = messages.keep(box=box("Kansliet"), contact_id=7, call_id="w1-1", caller="1")
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 1:
            clock.now += timedelta(days=2)  # the hour passes; the box keeps a day
        else:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(messages.run_purges(lambda: {"Kansliet": 1}, sleep))
    assert slept == [PURGE_EVERY_S, PURGE_EVERY_S]
    assert messages.messages(["Kansliet"]) == [] and not old.path.exists()
