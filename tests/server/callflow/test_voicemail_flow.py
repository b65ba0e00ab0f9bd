"""Voicemail in the call flow, on a manual clock against the real centre, event log and
message store, with the worker played by the test: closed hours and a menu key lead to
a box; the greeting and the beep, the recording (ended by '#' or by the hang-up), the
thank-you, and the message kept before the contact ends."""

import asyncio
from datetime import datetime
from pathlib import Path

from tests.server.callflow.conftest import MONDAY_MORNING, SATURDAY, Site, document, write_tone
from vaxla_protocol.config import ConfigDocument, Voicemail, VoicemailBoxItem
from vaxla_server.media.messages import Record, RecordingEnd, RecordingFinished
from vaxla_server.notifier import Notifier
from vaxla_server.store import Store
from vaxla_server.store.events import Ended, VoicemailLeft
from vaxla_server.voicemail.messages import VoicemailMessages

BOX = VoicemailBoxItem(name="Kansliet", greeting="voicemail_greeting", max_message_s=60,
                       reader_roles=["supervisor"])  # fmt: skip


def with_box(doc: ConfigDocument) -> ConfigDocument:
    main = doc.menus[0].model_copy(
        update={"keys": {**doc.menus[0].keys, "3": Voicemail(box="Kansliet")}}
    )
    entry = doc.entry_points[0].model_copy(update={"when_closed": Voicemail(box="Kansliet")})
    return doc.model_copy(
        update={
            "voicemail_boxes": [BOX],
            "menus": [main, *doc.menus[1:]],
            "entry_points": [entry, *doc.entry_points[1:]],
        }
    )


def recorded(site: Site, call: str) -> Record:
    [record] = [c for c in site.worker.sent if isinstance(c, Record) and c.call_id == call]
    return record


def speak_into(record: Record, seconds: float) -> None:
    """What the worker writes: a 440 Hz tone as the caller's voice."""
    write_tone(Path(record.path), seconds)


def finish(site: Site, record: Record, seconds: float, end: RecordingEnd) -> None:
    """The worker's report that the recording's file is closed."""
    report = RecordingFinished(
        call_id=record.call_id, record_id=record.record_id, path=record.path,
        seconds=seconds, end=end,
    )  # fmt: skip
    site.router(report)


def site_with_voicemail(
    store: Store, tmp_path: Path, start: datetime
) -> tuple[Site, VoicemailMessages]:
    messages = VoicemailMessages(store.engine, Notifier(), tmp_path / "data", lambda: start)
    return Site(store, start, with_box(document()), voicemail=messages), messages


def test_closed_hours_take_a_message_ended_by_hash(sqlite_store: Store, tmp_path: Path) -> None:
    site, messages = site_with_voicemail(sqlite_store, tmp_path, SATURDAY)

    async def main() -> None:
        call = site.worker.call("100", caller="+46701234567")
        await site.advance(3)  # the greeting and the beep: one second each
        assert site.worker.played[call] == ["voicemail_greeting", "beep"]
        record = recorded(site, call)
        assert (record.max_seconds, record.stop_key, record.legs) == (60, "#", ["caller"])
        assert Path(record.path) == tmp_path / "data" / "voicemail" / f"{call}.wav"
        await site.advance(5)
        speak_into(record, 5.0)
        site.worker.press(call, "#")
        finish(site, record, 5.0, "key")
        await site.advance(3)
        assert site.worker.played[call][-1] == "voicemail_saved"
        assert site.worker.commands(call)[-1] == "hangup"
        await site.router.drain()

    asyncio.run(main())
    [message] = messages.messages(["Kansliet"])
    assert (message.caller, message.seconds, message.silent) == ("+46701234567", 5.0, False)
    *_, left, ended = [logged.event for logged in site.events(0)]
    assert isinstance(left, VoicemailLeft) and left.message_id == message.id
    assert isinstance(ended, Ended) and (ended.by, ended.cause) == ("system", "voicemail")


def test_a_caller_who_hangs_up_at_the_beep_leaves_a_short_message(
    sqlite_store: Store, tmp_path: Path
) -> None:
    site, messages = site_with_voicemail(sqlite_store, tmp_path, MONDAY_MORNING)

    async def main() -> None:
        call = site.worker.call("100")
        await site.advance(3)  # the welcome and the menu
        site.worker.press(call, "3")
        await site.advance(3)
        record = recorded(site, call)
        speak_into(record, 0.3)
        site.worker.hang_up(call)
        finish(site, record, 0.3, "hangup")
        await site.advance(1)
        await site.router.drain()

    asyncio.run(main())
    [message] = messages.messages(["Kansliet"])
    assert (message.seconds, message.short) == (0.3, True)
    ended = site.events(0)[-1].event
    assert isinstance(ended, Ended) and (ended.by, ended.cause) == ("caller", "voicemail")


def test_a_server_stopping_mid_message_keeps_what_was_recorded(
    sqlite_store: Store, tmp_path: Path
) -> None:
    site, messages = site_with_voicemail(sqlite_store, tmp_path, SATURDAY)

    async def main() -> None:
        call = site.worker.call("100")
        await site.advance(3)
        speak_into(recorded(site, call), 2.0)
        flows = [task for task in asyncio.all_tasks() if task.get_name() == f"call {call}"]
        for task in flows:  # as the server's shutdown does, with no report to come
            task.cancel()
        await asyncio.wait_for(site.router.drain(), 5)

    asyncio.run(main())
    [message] = messages.messages(["Kansliet"])
    assert (message.seconds, message.silent) == (2.0, False)
