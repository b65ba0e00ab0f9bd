"""The SMS service other slices call (R25): ``send(to, text, sender)`` puts a message in
the outbox and gives its id; ``SMS_NEWS`` tells of every change of its status.

The outbox is ``sms_messages`` in the store: a message is written there with its
``SmsQueued`` event in one transaction, so it survives a restart and is in the log
before anyone is told. ``run`` (a task of the server) sends what is due in a thread of
its own: the gateway took it → ``sent`` with ``SmsSent``, in one transaction; the
gateway down or refusing → tried again after 30 s, 1 min, 2 min ... (at most an hour),
the reason in words in the server's log and on the message, never dropped. Kannel's
delivery reports (``report``) set ``delivered`` or ``failed`` with ``SmsReport``. Only
after the commit is ``SMS_NEWS`` published.
"""

import asyncio
import logging
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Engine, Row, Table, func, insert, select, update

from vaxla_protocol.sms import SmsMessageView, SmsStatus, e164, sms_sender
from vaxla_server.clock import WallClock
from vaxla_server.notifier import Notifier, Topic
from vaxla_server.outbox import retry_after
from vaxla_server.sms.gateway import Gateways, NoGateway
from vaxla_server.sms.send import Outgoing, in_words, send
from vaxla_server.store.event_log import append_in
from vaxla_server.store.events import SmsQueued, SmsReport, SmsSent
from vaxla_server.store.models import SmsMessageRow
from vaxla_server.store.transactions import write_transaction

logger = logging.getLogger(__name__)

MESSAGES = cast(Table, SmsMessageRow.__table__)
POLL_S = 1.0
MAX_TEXT = 612
"""Four concatenated parts of GSM characters; a longer text is refused."""

KANNEL_REPORTS: dict[int, tuple[SmsStatus, str]] = {
    1: ("delivered", "delivered to the phone"),
    2: ("failed", "not delivered (the operator gave up)"),
    4: ("sent", "buffered by the operator"),
    8: ("sent", "taken by the SMSC"),
    16: ("failed", "refused by the SMSC"),
}


@dataclass(frozen=True, slots=True)
class SmsNews:
    """The SMS ``message_id`` (sent for ``purpose``) is ``status`` now."""

    message_id: int
    status: SmsStatus
    purpose: str
    report: str | None = None


SMS_NEWS: Topic[SmsNews] = Topic("sms news")


class BadSms(ValueError):
    """A message refused before it was queued: a bad number, sender or text."""


class UnknownMessage(LookupError):
    def __init__(self, message_id: int) -> None:
        super().__init__(f"no SMS with id {message_id}")


class SmsService:
    """The outbox, its sender, and the delivery reports."""

    def __init__(
        self, engine: Engine, gateways: Gateways, clock: WallClock, notifier: Notifier
    ) -> None:
        self._engine = self.engine = engine
        self.gateways = gateways
        self._clock = clock
        self._notifier = notifier
        self._send_lock = threading.Lock()

    def send(
        self,
        to: str,
        text: str,
        sender: str | None = None,
        *,
        purpose: str,
        by_user: int | None = None,
        contact_id: int | None = None,
        template: str | None = None,
    ) -> int:
        """Queue ``text`` to ``to`` (normalised to E.164) as ``sender`` (None: the
        gateway's default; with no gateway configured yet, the default of the gateway
        that sends it, kept as ""); the message's id. ``BadSms`` says what is wrong, and
        nothing is queued."""
        try:
            number = e164(to)
            shown = sms_sender(sender) if sender is not None else self._default_sender()
        except ValueError as error:
            raise BadSms(str(error)) from None
        if not text.strip():
            raise BadSms("the message is empty")
        if len(text) > MAX_TEXT:
            raise BadSms(f"the message has {len(text)} characters; at most {MAX_TEXT} are sent")
        now = self._clock()
        with write_transaction(self._engine) as connection:
            message_id = connection.execute(
                insert(MESSAGES).returning(MESSAGES.c.id),
                {
                    "to_number": number,
                    "sender": shown,
                    "text": text,
                    "purpose": purpose,
                    "status": "queued",
                    "queued_at": now,
                    "by_user": by_user,
                    "attempts": 0,
                    "next_at": now,
                },
            ).scalar_one()
            event = SmsQueued(
                at=now,
                message_id=message_id,
                to=number,
                sender=shown,
                purpose=purpose,
                template=template,
                contact_id=contact_id,
                by_user=by_user,
            )
            append_in(connection, [event])
        self._notifier.publish(SMS_NEWS, SmsNews(message_id, "queued", purpose))
        return int(message_id)

    def _default_sender(self) -> str:
        gateway = self.gateways.stored()
        return "" if gateway is None else gateway.fields.default_sender

    def send_due(self) -> int:
        """Send every queued message that is due now; how many the gateway took."""
        with self._send_lock:
            now = self._clock()
            with self._engine.connect() as connection:
                due = connection.execute(
                    select(MESSAGES)
                    .where(MESSAGES.c.status == "queued", MESSAGES.c.next_at <= now)
                    .order_by(MESSAGES.c.id)
                ).all()
            if not due:
                return 0
            gateway = self.gateways.stored()
            taken = 0
            for row in due:
                try:
                    if gateway is None:
                        raise NoGateway()
                    sender = row.sender or gateway.fields.default_sender
                    reference = send(gateway, Outgoing(row.id, row.to_number, sender, row.text))
                except Exception as error:
                    self._failed(row, in_words(error, gateway), now)
                    continue
                self._sent(row, reference)
                taken += 1
            return taken

    def _sent(self, row: Row[tuple[object, ...]], reference: str | None) -> None:
        now = self._clock()
        attempts = row.attempts + 1
        with write_transaction(self._engine) as connection:
            connection.execute(
                update(MESSAGES)
                .where(MESSAGES.c.id == row.id)
                .values(status="sent", attempts=attempts, next_at=None, gateway_ref=reference)
            )
            append_in(
                connection,
                [SmsSent(at=now, message_id=row.id, attempts=attempts, gateway_ref=reference)],
            )
        logger.info("SMS %d sent to %s as %s", row.id, row.to_number, row.sender)
        self._notifier.publish(SMS_NEWS, SmsNews(row.id, "sent", row.purpose))

    def _failed(self, row: Row[tuple[object, ...]], words: str, now: datetime) -> None:
        delay = retry_after(row.attempts + 1)
        logger.warning(
            "SMS %d to %s was not sent (try %d): %s; trying again in %g s",
            row.id,
            row.to_number,
            row.attempts + 1,
            words,
            delay,
        )
        with write_transaction(self._engine) as connection:
            connection.execute(
                update(MESSAGES)
                .where(MESSAGES.c.id == row.id)
                .values(
                    attempts=row.attempts + 1,
                    next_at=now + timedelta(seconds=delay),
                    last_error=words,
                )
            )

    def report(self, token: str, message_id: int, kind: int, answer: str) -> SmsMessageView:
        """Kannel's delivery report ``kind`` (1 delivered, 2 failed, 4 buffered, 8 taken
        by the SMSC, 16 refused by it) on ``message_id``, stored and logged. A wrong
        token, an unknown message or kind is refused (``UnknownMessage``, ``BadSms``)."""
        gateway = self.gateways.stored()
        if gateway is None or not secrets.compare_digest(token, gateway.report_token):
            raise UnknownMessage(message_id)
        if kind not in KANNEL_REPORTS:
            known = ", ".join(str(k) for k in KANNEL_REPORTS)
            raise BadSms(f"{kind} is not a Kannel delivery report type ({known})")
        status, words = KANNEL_REPORTS[kind]
        if answer:
            words = f"{words}: {answer[:200]}"
        now = self._clock()
        with write_transaction(self._engine) as connection:
            row = connection.execute(
                select(MESSAGES).where(MESSAGES.c.id == message_id).with_for_update()
            ).one_or_none()
            if row is None:
                raise UnknownMessage(message_id)
            if row.status in ("delivered", "failed") and status == "sent":
                # A late intermediate report (Kannel may send the SMSC's "taken" after
                # the phone's "delivered") is logged but changes neither the final state
                # nor its words.
                status = row.status
            else:
                connection.execute(
                    update(MESSAGES)
                    .where(MESSAGES.c.id == message_id)
                    .values(status=status, report=words[:64], next_at=None)
                )
            append_in(
                connection,
                [SmsReport(at=now, message_id=message_id, status=status, report=words)],
            )
        self._notifier.publish(SMS_NEWS, SmsNews(message_id, status, row.purpose, words))
        return self.message(message_id)

    def message(self, message_id: int) -> SmsMessageView:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(MESSAGES).where(MESSAGES.c.id == message_id)
            ).one_or_none()
        if row is None:
            raise UnknownMessage(message_id)
        return _view(row)

    def messages(self, limit: int = 200) -> list[SmsMessageView]:
        """The newest ``limit`` messages, the newest first."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(MESSAGES).order_by(MESSAGES.c.id.desc()).limit(limit)
            ).all()
        return [_view(row) for row in rows]

    def waiting(self) -> int:
        """Messages in the outbox, taken by no gateway yet."""
        with self._engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(MESSAGES).where(MESSAGES.c.status == "queued")
                ).scalar_one()
            )

    async def run(self, sleep: Callable[[float], Awaitable[None]]) -> None:
        """Send what is due every ``POLL_S``, in a thread (the gateway's answer blocks),
        until cancelled."""
        while True:
            try:
                await asyncio.to_thread(self.send_due)
            except Exception:
                logger.exception("the SMS outbox failed; it tries again")
            await sleep(POLL_S)


def _view(row: Row[tuple[object, ...]]) -> SmsMessageView:
    return SmsMessageView(
        id=row.id,
        to=row.to_number,
        sender=row.sender,
        text=row.text,
        status=row.status,
        purpose=row.purpose,
        queued_at=row.queued_at,
        attempts=row.attempts,
        last_error=row.last_error,
        by_user=row.by_user,
        report=row.report,
    )
