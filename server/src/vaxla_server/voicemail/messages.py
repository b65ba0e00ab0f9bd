"""The messages left in the voicemail boxes (R7): kept in the store with their file and
checksum, told of in the event log and on the notifier, handled by a reader, purged when
the box's retention runs out.

A message's audio is a WAV file under the server's data folder, named by the call id
(``voicemail/w1-17.wav``), recorded by the caller's media worker as it goes. Its SHA-256
is stored with it, so a file changed or damaged on disk is told apart. A message under a
second long, or without a voice (RMS under ``SILENCE_DBFS``), is kept all the same and
marked so. Each change and its event commit in one transaction; the news is published
after the commit, so no reader hears of a message the store does not hold.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, cast

from sqlalchemy import Engine, Row, Table, delete, insert, select, update

from vaxla_protocol.config import VoicemailBoxItem
from vaxla_protocol.voicemail import VoicemailMessageView
from vaxla_server.audio import (
    SILENCE_DBFS,
    AudioError,
    closed_recording,
    file_sha256,
    wav_rms_dbfs,
)
from vaxla_server.clock import WallClock
from vaxla_server.notifier import Notifier, Topic
from vaxla_server.stats.days import SITE_TIME_ZONE
from vaxla_server.store.event_log import append_in
from vaxla_server.store.events import VoicemailHandled, VoicemailLeft, VoicemailPurged
from vaxla_server.store.models import AlarmMailRow, VoicemailMessageRow
from vaxla_server.store.transactions import write_transaction

log = logging.getLogger(__name__)


MESSAGES = cast(Table, VoicemailMessageRow.__table__)
OUTBOX = cast(Table, AlarmMailRow.__table__)
"""The mail outbox the alarms' mailer sends from (``alarms/mail.py``)."""
SHORT_S = 1.0
"""A message under this many seconds is marked short (a caller who hung up at the beep)."""
PURGE_EVERY_S = 3600.0
"""How often the server looks for messages past their box's retention."""
RATE = 8000
"""The media workers' recording rate (their conference bridge's)."""


class VoicemailError(Exception):
    """A message cannot be found or changed (the message says why)."""


@dataclass(frozen=True, slots=True)
class VoicemailMessage:
    id: int
    box: str
    call_id: str
    caller: str
    received_at: datetime
    seconds: float
    path: Path
    sha256: str
    short: bool
    silent: bool
    handled_by: str | None
    handled_at: datetime | None


@dataclass(frozen=True, slots=True)
class VoicemailNews:
    """A message came (``change`` ``left``), was handled or purged; ``message`` as it is
    now (as it was, when purged)."""

    change: Literal["left", "handled", "purged"]
    message: VoicemailMessage
    task_queue: str | None = None
    """A message left in a box that routes it to agents (R7): the queue its voicemail
    task waits in, with ``task_priority``."""
    task_priority: int = 0
    by_user: int | None = None
    """Handled: the id of the user who did it."""


VOICEMAIL_NEWS: Topic[VoicemailNews] = Topic("voicemail message")


def _message(row: Row[object]) -> VoicemailMessage:
    values = row._mapping
    return VoicemailMessage(
        id=values["id"],
        box=values["box"],
        call_id=values["call_id"],
        caller=values["caller"],
        received_at=values["received_at"],
        seconds=values["seconds"],
        path=Path(values["path"]),
        sha256=values["sha256"],
        short=values["short"],
        silent=values["silent"],
        handled_by=values["handled_by"],
        handled_at=values["handled_at"],
    )


def message_view(message: VoicemailMessage) -> VoicemailMessageView:
    """A message as the API and the event socket show it."""
    return VoicemailMessageView(
        id=message.id,
        box=message.box,
        caller=message.caller,
        received_at=message.received_at,
        seconds=message.seconds,
        short=message.short,
        silent=message.silent,
        handled_by=message.handled_by,
        handled_at=message.handled_at,
    )


def notice(box: str, event: VoicemailLeft) -> tuple[str, str]:
    """The subject and text of the mail telling of a new message (Swedish, then English)."""
    when = event.at.isoformat(timespec="seconds")
    marks_sv = "".join(
        f" ({word})" for word, on in (("kort", event.short), ("tyst", event.silent)) if on
    )
    marks_en = "".join(
        f" ({word})" for word, on in (("short", event.short), ("silent", event.silent)) if on
    )
    subject = f"Vaxla: nytt röstmeddelande i {box} från {event.caller}"
    body = (
        f"{event.caller} lämnade ett meddelande på {event.seconds:.0f} s{marks_sv} i "
        f"röstbrevlådan {box} {when}.\n\n"
        f"{event.caller} left a message of {event.seconds:.0f} s{marks_en} in the voicemail "
        f"box {box} at {when}.\n"
    )
    return subject, body


def sms_notices(
    event: VoicemailLeft, box: VoicemailBoxItem | None
) -> list[tuple[int, str, str, str | None]]:
    """The SMS telling the box's ``notify_phones`` of a new message (Swedish, then
    English; the gateway's default sender): (contact id, number, text, sender). None for
    a box no longer configured."""
    if box is None or not box.notify_phones:
        return []
    when = event.at.astimezone(SITE_TIME_ZONE).strftime("%H:%M")
    text = (
        f"Nytt röstmeddelande i {box.name} från {event.caller} kl {when} "
        f"({event.seconds:.0f} s). / New voicemail in {box.name} from {event.caller} "
        f"at {when} ({event.seconds:.0f} s)."
    )
    return [(event.contact_id, phone, text, None) for phone in box.notify_phones]


class VoicemailMessages:
    def __init__(
        self, engine: Engine, notifier: Notifier, data_dir: Path, clock: WallClock
    ) -> None:
        self._engine = engine
        self._notifier = notifier
        self.folder = data_dir / "voicemail"
        self._clock = clock

    def path_for(self, call_id: str) -> Path:
        """Where the message of the call ``call_id`` is recorded (the folder made)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f"{call_id}.wav"

    def keep(
        self, *, box: VoicemailBoxItem, contact_id: int, call_id: str, caller: str
    ) -> VoicemailMessage:
        """Store the message just recorded for ``call_id`` (its file closed by the worker,
        or completed here when the worker was lost), with the event that tells of it and,
        when the box says so, the mail to its addresses in the outbox (the WAV attached
        if it says so): all in one transaction."""
        path = self.path_for(call_id)
        seconds = closed_recording(path, RATE)  # nothing recorded: kept empty
        try:
            level = wav_rms_dbfs(path)
        except AudioError as error:
            log.warning("voicemail %s: %s", path, error)
            level = float("-inf")
        now = self._clock()
        values = {
            "box": box.name,
            "call_id": call_id,
            "caller": caller[:64],
            "received_at": now,
            "seconds": round(seconds, 3),
            "path": str(path),
            "sha256": file_sha256(path),
            "short": seconds < SHORT_S,
            "silent": level < SILENCE_DBFS,
            "handled_by": None,
            "handled_at": None,
        }
        with write_transaction(self._engine) as connection:
            message_id: int = connection.execute(
                insert(MESSAGES).returning(MESSAGES.c.id), values
            ).scalar_one()
            event = VoicemailLeft(
                at=now,
                contact_id=contact_id,
                message_id=message_id,
                box=box.name,
                caller=values["caller"],
                seconds=values["seconds"],
                short=values["short"],
                silent=values["silent"],
                task_queue=box.task_queue,
                task_priority=box.task_priority,
            )
            append_in(connection, [event])
            if box.notify_emails:
                subject, body = notice(box.name, event)
                mail = {
                    "recipients": list(box.notify_emails),
                    "subject": subject[:255],
                    "body": body,
                    "attempts": 0,
                    "next_at": now,
                    "last_error": None,
                    "attachment": str(path) if box.attach_audio else None,
                }
                connection.execute(insert(OUTBOX), mail)
        message = self.get(message_id)
        news = VoicemailNews("left", message, box.task_queue, box.task_priority)
        self._notifier.publish(VOICEMAIL_NEWS, news)
        return message

    def get(self, message_id: int) -> VoicemailMessage:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(MESSAGES).where(MESSAGES.c.id == message_id)
            ).one_or_none()
        if row is None:
            raise VoicemailError(f"there is no voicemail message {message_id}")
        return _message(row)

    def messages(self, boxes: Iterable[str]) -> list[VoicemailMessage]:
        """The messages of ``boxes``, newest first."""
        query = (
            select(MESSAGES)
            .where(MESSAGES.c.box.in_(list(boxes)))
            .order_by(MESSAGES.c.received_at.desc(), MESSAGES.c.id.desc())
        )
        with self._engine.connect() as connection:
            return [_message(row) for row in connection.execute(query)]

    def handle(self, message_id: int, *, by: tuple[int, str]) -> VoicemailMessage:
        """Mark the message handled by the user ``by`` (id, name); refused when it is."""
        now = self._clock()
        with write_transaction(self._engine) as connection:
            row = connection.execute(
                select(MESSAGES).where(MESSAGES.c.id == message_id)
            ).one_or_none()
            if row is None:
                raise VoicemailError(f"there is no voicemail message {message_id}")
            if row.handled_by is not None:
                raise VoicemailError(
                    f"voicemail message {message_id} was handled already, by {row.handled_by}"
                )
            connection.execute(
                update(MESSAGES)
                .where(MESSAGES.c.id == message_id)
                .values(handled_by=by[1], handled_at=now)
            )
            event = VoicemailHandled(
                at=now, message_id=message_id, box=row.box, by_user=by[0], by_name=by[1]
            )
            append_in(connection, [event])
        message = self.get(message_id)
        self._notifier.publish(VOICEMAIL_NEWS, VoicemailNews("handled", message, by_user=by[0]))
        return message

    def purge(self, retention_days: Mapping[str, int]) -> list[VoicemailMessage]:
        """Delete the messages older than their box's retention (``retention_days`` by
        box name; a box no longer configured keeps its messages), their files with them,
        each with its event. The messages purged."""
        now = self._clock()
        purged: list[VoicemailMessage] = []
        with write_transaction(self._engine) as connection:
            for box, days in sorted(retention_days.items()):
                query = select(MESSAGES).where(
                    MESSAGES.c.box == box, MESSAGES.c.received_at < now - timedelta(days=days)
                )
                for row in connection.execute(query).all():
                    message = _message(row)
                    connection.execute(delete(MESSAGES).where(MESSAGES.c.id == message.id))
                    event = VoicemailPurged(
                        at=now,
                        message_id=message.id,
                        box=box,
                        received_at=message.received_at,
                        retention_days=days,
                    )
                    append_in(connection, [event])
                    purged.append(message)
        for message in purged:  # the rows are gone for good: now their files
            message.path.unlink(missing_ok=True)
            self._notifier.publish(VOICEMAIL_NEWS, VoicemailNews("purged", message))
        return purged

    async def run_purges(
        self,
        retention: Callable[[], Mapping[str, int]],
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        """Purge what the boxes' retention (``retention()``: days by box) no longer
        keeps, now and every ``PURGE_EVERY_S``, in a thread (files are deleted), until
        cancelled."""
        while True:
            try:
                purged = await asyncio.to_thread(self.purge, retention())
                if purged:
                    log.info("purged %d voicemail messages past their retention", len(purged))
            except Exception:
                log.exception("the voicemail purge failed; it tries again")
            await sleep(PURGE_EVERY_S)
