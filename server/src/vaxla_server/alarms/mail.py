"""Alarm mails and SMS (R24): each raised and cleared alarm mailed to its rule's e-mail
recipients through the configured SMTP server, and sent as an SMS to its phone numbers
through the SMS slice's outbox, without ever holding up the centre.

The centre's follower only notes the alarm events (under the centre's lock, at once);
``run``, a task of the server, writes each as a mail to the outbox (``alarm_mails``, in
the store; an SMS to the SMS outbox, which sends it) and sends what is due in a thread
of its own. A mail is deleted from the
outbox once the SMTP server has taken it; a failed send is logged in words ("the mail
server refused the user name or password: 535 ...") and tried again after 30 s, 1 min,
2 min ... (doubling, at most an hour), never dropped. The outbox survives a restart: a
mail not yet sent is sent by the next server. What does not survive is an alarm event
noted in the milliseconds before it is written to the outbox when the server dies.
"""

import asyncio
import base64
import logging
import smtplib
import ssl
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import cast

from sqlalchemy import Engine, Table, delete, func, insert, select, update

from vaxla_protocol.config import AlarmRuleItem, MailTls
from vaxla_server.centre import CENTRE_EVENTS
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.clock import WallClock
from vaxla_server.config import Configuration, MailServer, NotFound
from vaxla_server.outbox import retry_after
from vaxla_server.sms.service import BadSms, SmsService
from vaxla_server.store.events import AlarmCleared, AlarmRaised, Event
from vaxla_server.store.models import AlarmMailRow

logger = logging.getLogger(__name__)

OUTBOX = cast(Table, AlarmMailRow.__table__)
POLL_S = 1.0
SMTP_TIMEOUT_S = 20.0

_METRIC_WORDS = {
    "waiting_count": ("väntande samtal", "calls waiting"),
    "longest_wait_s": ("längsta väntetid (s)", "longest wait (s)"),
    "service_level_pct": ("servicegrad i dag (%)", "service level today (%)"),
    "agents_ready": ("inloggade agenter utan paus", "agents logged in, not paused"),
}


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Mail:
    recipients: list[str]
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()
    """Files sent with the mail, carried in the outbox (a scheduled report's)."""
    attachment: Path | None = None
    """A file on the server sent with the mail (a voicemail message's WAV), read when the
    mail is sent; one gone by then (purged) is left out and the mail says so."""


def alarm_mail(event: AlarmRaised | AlarmCleared, rule: AlarmRuleItem, queue: str) -> Mail:
    """The mail telling ``rule``'s recipients of ``event`` (Swedish, then English)."""
    metric_sv, metric_en = _METRIC_WORDS[rule.metric.value]
    when = event.at.isoformat(timespec="seconds")
    if isinstance(event, AlarmRaised):
        figure = f"{event.value:g} {event.comparison} {event.threshold:g}"
        subject = f"Vaxla: larm {rule.name!r} i {queue}: {metric_sv} {figure}"
        body = (
            f"Larmet {rule.name!r} ({rule.severity.value}) har utlösts i kön {queue} {when}:\n"
            f"{metric_sv} är {event.value:g} ({event.comparison} {event.threshold:g}).\n\n"
            f"The alarm {rule.name!r} ({rule.severity.value}) was raised in the queue "
            f"{queue} at {when}:\n{metric_en} is {event.value:g} "
            f"({event.comparison} {event.threshold:g}).\n"
        )
    else:
        now_sv = "" if event.value is None else f" ({metric_sv} nu {event.value:g})"
        now_en = "" if event.value is None else f" ({metric_en} now {event.value:g})"
        why = f" {event.reason}" if event.reason else ""
        subject = f"Vaxla: larm {rule.name!r} i {queue} är över"
        body = (
            f"Larmet {rule.name!r} i kön {queue} är över {when}{now_sv}.{why}\n\n"
            f"The alarm {rule.name!r} in the queue {queue} cleared at {when}{now_en}.{why}\n"
        )
    return Mail([r for r in rule.recipients if "@" in r], subject, body)


def alarm_text(event: AlarmRaised | AlarmCleared, rule: AlarmRuleItem, queue: str) -> str:
    """The SMS telling ``rule``'s phone numbers of ``event``: short, Swedish then English."""
    metric_sv, metric_en = _METRIC_WORDS[rule.metric.value]
    when = event.at.strftime("%H:%M")
    if isinstance(event, AlarmRaised):
        figure = f"{event.value:g} ({event.comparison} {event.threshold:g})"
        return (
            f"Vaxla-larm {rule.name} ({rule.severity.value}) i {queue} {when}: {metric_sv} "
            f"{figure}. / Alarm in {queue}: {metric_en} {figure}."
        )
    return f"Vaxla-larm {rule.name} i {queue} är över {when}. / The alarm in {queue} cleared."


def in_words(error: BaseException, server: MailServer) -> str:
    """A failed send, as an administrator reads it in the server's log."""
    where = f"{server.fields.host}:{server.fields.port}"
    match error:
        case smtplib.SMTPAuthenticationError():
            return (
                f"the mail server {where} refused the user name or password: "
                f"{error.smtp_code} {_text(error.smtp_error)}"
            )
        case smtplib.SMTPRecipientsRefused():
            refused = ", ".join(
                f"{address} ({code} {_text(text)})"
                for address, (code, text) in error.recipients.items()
            )
            return f"the mail server {where} refused every recipient: {refused}"
        case smtplib.SMTPSenderRefused():
            return (
                f"the mail server {where} refused the sender {error.sender}: "
                f"{error.smtp_code} {_text(error.smtp_error)}"
            )
        case smtplib.SMTPNotSupportedError() if "STARTTLS" in str(error):
            return f"the mail server {where} does not offer STARTTLS (set tls to off or implicit)"
        case smtplib.SMTPNotSupportedError() if "AUTH" in str(error):
            return f"the mail server {where} does not offer a log-in (AUTH): leave the username out"
        case smtplib.SMTPNotSupportedError():
            return f"the mail server {where} does not support what was asked: {error}"
        case smtplib.SMTPResponseException():
            return f"the mail server {where} answered {error.smtp_code} {_text(error.smtp_error)}"
        case ssl.SSLError():
            return f"TLS with the mail server {where} failed: {error.reason or error}"
        case TimeoutError():
            return f"the mail server {where} did not answer within {SMTP_TIMEOUT_S:g} s"
        case ConnectionRefusedError():
            return f"the mail server {where} refused the connection (nothing listens there?)"
        case OSError():
            return f"the mail server {where} could not be reached: {error.strerror or error}"
    return f"sending through the mail server {where} failed: {error}"


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def send(server: MailServer, mail: Mail, *, context: ssl.SSLContext | None = None) -> None:
    """Hand ``mail`` to ``server`` (blocking; the mailer's thread calls it)."""
    fields = server.fields
    context = context or ssl.create_default_context()
    message = EmailMessage()
    message["From"] = fields.sender
    message["To"] = ", ".join(mail.recipients)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=fields.sender.rpartition("@")[2])
    if mail.attachment is not None and not mail.attachment.is_file():
        message.set_content(
            f"{mail.body}\n(Inspelningen finns inte längre på servern. "
            "The recording is no longer on the server.)\n"
        )
    else:
        message.set_content(mail.body)
    for attachment in mail.attachments:
        main, _, sub = attachment.content_type.partition(";")[0].partition("/")
        message.add_attachment(
            attachment.data, maintype=main, subtype=sub, filename=attachment.name
        )
    if mail.attachment is not None and mail.attachment.is_file():
        message.add_attachment(
            mail.attachment.read_bytes(),
            maintype="audio",
            subtype="wav",
            filename=mail.attachment.name,
        )
    smtp: smtplib.SMTP
    if fields.tls is MailTls.IMPLICIT:
        smtp = smtplib.SMTP_SSL(fields.host, fields.port, timeout=SMTP_TIMEOUT_S, context=context)
    else:
        smtp = smtplib.SMTP(fields.host, fields.port, timeout=SMTP_TIMEOUT_S)
    with smtp:
        if fields.tls is MailTls.STARTTLS:
            smtp.starttls(context=context)
        if fields.username is not None:
            smtp.login(fields.username, server.password or "")
        smtp.send_message(message, from_addr=fields.sender, to_addrs=mail.recipients)


class MailTestFailed(Exception):
    """A test mail the configured mail server did not take; the message says why."""


class Mailer:
    """The alarm mails' outbox and its sender."""

    def __init__(
        self,
        engine: Engine,
        centre: ContactCentre,
        configuration: Configuration,
        clock: WallClock,
        *,
        context: ssl.SSLContext | None = None,
        sms: SmsService | None = None,
    ) -> None:
        self._engine = engine
        self._sms = sms
        self._centre = centre
        self._configuration = configuration
        self._clock = clock
        self._context = context
        self._noted: list[AlarmRaised | AlarmCleared] = []
        self._noted_lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._unsubscribe = centre.notifier.subscribe(CENTRE_EVENTS, self._note)

    def close(self) -> None:
        self._unsubscribe()

    def send_test(self, to: str, by: str) -> str:
        """Send a test mail to ``to`` through the configured mail server at once, not
        through the outbox (blocking): the server's ``host:port`` once it took it;
        ``MailTestFailed`` in words when it did not, ``NotFound`` when none is set."""
        server = self._configuration.mail_server.stored()
        if server is None:
            raise NotFound("mail server", "mail-server")
        mail = Mail(
            recipients=[to],
            subject="Vaxla: testmejl / test mail",
            body=(
                f"Ett testmejl från Vaxla, skickat av {by}: e-postservern fungerar.\n"
                f"A test mail from Vaxla, sent by {by}: the mail server works.\n"
            ),
        )
        try:
            send(server, mail, context=self._context)
        except (smtplib.SMTPException, OSError) as error:  # ssl.SSLError is an OSError
            raise MailTestFailed(in_words(error, server)) from None
        logger.info("a test mail to %s went through %s (sent by %s)", to, server.fields.host, by)
        return f"{server.fields.host}:{server.fields.port}"

    def _note(self, batch: Sequence[Event]) -> None:
        """Under the centre's lock: only noted, never written or sent here."""
        alarms = [e for e in batch if isinstance(e, AlarmRaised | AlarmCleared)]
        if alarms:
            with self._noted_lock:
                self._noted.extend(alarms)

    def post(self, mails: Sequence[Mail]) -> None:
        """Put ``mails`` in the outbox (one transaction), to be sent by ``send_due``."""
        now = self._clock()
        rows = [
            {
                "recipients": mail.recipients,
                "subject": mail.subject[:255],
                "body": mail.body,
                "attempts": 0,
                "next_at": now,
                "last_error": None,
                "attachments": [
                    {
                        "name": a.name,
                        "content_type": a.content_type,
                        "data": base64.b64encode(a.data).decode("ascii"),
                    }
                    for a in mail.attachments
                ],
            }
            for mail in mails
        ]
        if rows:
            with self._engine.begin() as connection:
                connection.execute(insert(OUTBOX), rows)

    def queue_noted(self) -> int:
        """Write the mails of the alarm events noted so far to the outbox; how many."""
        with self._noted_lock:
            events, self._noted = self._noted, []
        if not events:
            return 0
        rules = {rule.name: rule for rule in self._configuration.alarm_rules.list()}
        names = self._centre.queue_names()
        mails = []
        for event in events:
            rule = rules.get(event.rule)
            if rule is None or not rule.recipients:
                continue
            queue = names.get(event.queue_id, f"#{event.queue_id}")
            self._text(event, rule, queue)
            mail = alarm_mail(event, rule, queue)
            if mail.recipients:
                mails.append(mail)
        self.post(mails)
        return len(mails)

    def _text(self, event: AlarmRaised | AlarmCleared, rule: AlarmRuleItem, queue: str) -> None:
        numbers = [r for r in rule.recipients if "@" not in r]
        if not numbers or self._sms is None:
            return
        text = alarm_text(event, rule, queue)
        for number in numbers:
            try:
                self._sms.send(number, text, purpose="alarm")
            except BadSms as error:
                logger.warning("alarm %r: no SMS to %s: %s", rule.name, number, error)

    def send_due(self) -> int:
        """Send every mail of the outbox that is due now; how many were sent."""
        with self._send_lock:
            now = self._clock()
            with self._engine.connect() as connection:
                due = connection.execute(
                    select(OUTBOX).where(OUTBOX.c.next_at <= now).order_by(OUTBOX.c.id)
                ).all()
            if not due:
                return 0
            server = self._configuration.mail_server.stored()
            sent = 0
            for row in due:
                attached = tuple(
                    Attachment(a["name"], a["content_type"], base64.b64decode(a["data"]))
                    for a in row.attachments or []
                )
                path = None if row.attachment is None else Path(row.attachment)
                mail = Mail(list(row.recipients), row.subject, row.body, attached, path)
                if server is None:
                    self._failed(
                        row.id,
                        row.attempts,
                        "no mail server is configured (PUT /config/mail-server); "
                        "the mail waits in the outbox",
                        now,
                    )
                    continue
                try:
                    send(server, mail, context=self._context)
                except Exception as error:
                    self._failed(row.id, row.attempts, in_words(error, server), now)
                    continue
                with self._engine.begin() as connection:
                    connection.execute(delete(OUTBOX).where(OUTBOX.c.id == row.id))
                logger.info("mail %r sent to %s", mail.subject, ", ".join(mail.recipients))
                sent += 1
            return sent

    def _failed(self, row_id: int, attempts: int, words: str, now: datetime) -> None:
        delay = retry_after(attempts + 1)
        logger.warning(
            "a mail was not sent (try %d): %s; trying again in %g s",
            attempts + 1,
            words,
            delay,
        )
        with self._engine.begin() as connection:
            connection.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id == row_id)
                .values(
                    attempts=attempts + 1,
                    next_at=now + timedelta(seconds=delay),
                    last_error=words,
                )
            )

    def waiting(self) -> int:
        """Mails in the outbox, sent not yet."""
        with self._engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(OUTBOX)).scalar_one())

    async def run(self, sleep: Callable[[float], Awaitable[None]]) -> None:
        """Write noted alarms to the outbox and send what is due, every ``POLL_S``, in a
        thread (the SMTP conversation blocks), until cancelled."""
        while True:
            try:
                await asyncio.to_thread(self.queue_noted)
                await asyncio.to_thread(self.send_due)
            except Exception:
                logger.exception("the alarm mailer failed; it tries again")
            await sleep(POLL_S)
