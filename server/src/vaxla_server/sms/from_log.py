"""Texts decided by the event log (R25): an event of one kind (a voicemail message left,
a callback that could not reach its citizen) asks for SMS to one or more numbers, and
each is queued in the SMS outbox with a ``purpose`` of its own and the event's contact.

The decision is the log's: an event whose text has no ``SmsQueued`` of that purpose for
the same contact and number is still to be texted. So a crash between the event and its
text loses nothing (the first pass after a start queues it) and no text is queued twice.
News only wakes the pass (``wake``): it runs off the caller's thread, in the server's
task (``run``), never under the centre's lock."""

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Sequence

from vaxla_protocol.sms import e164
from vaxla_server.sms.service import BadSms, SmsService
from vaxla_server.store.event_log import EventLog
from vaxla_server.store.events import Event, EventKind, SmsQueued

logger = logging.getLogger(__name__)

POLL_S = 1.0
PAGE = 1000


Text = tuple[int, str, str, str | None]
"""One SMS an event asks for: (contact id, to, text, sender; None: the gateway's
default). A plain tuple, so the slices that ask need not import this module."""


class LogTexts:
    """Queues the texts that events of ``kind`` ask for (``texts``), once each."""

    def __init__(
        self,
        sms: SmsService,
        events: EventLog,
        *,
        kind: EventKind,
        purpose: str,
        texts: Callable[[Event], Sequence[Text]],
    ) -> None:
        self._sms = sms
        self._events = events
        self._kind = kind
        self.purpose = purpose
        self._texts = texts
        self._lock = threading.Lock()
        self._seen = 0
        """The log read up to this event id."""
        self._texted: set[tuple[int, str]] = set()
        """(contact, E.164 number) pairs queued (or refused): never texted again."""
        self._wake = threading.Event()
        self._wake.set()  # the first pass catches up with the log

    def wake(self) -> None:
        """Something may be due: the next pass looks (safe from any thread)."""
        self._wake.set()

    def send_pending(self) -> int:
        """Queue every text asked for and not queued yet; how many were queued."""
        with self._lock:
            self._wake.clear()
            queued = 0
            for event in self._read_new():
                for contact_id, to, text, sender in self._texts(event):
                    queued += self._queue(contact_id, to, text, sender)
            return queued

    def _queue(self, contact_id: int, to: str, text: str, sender: str | None) -> int:
        try:
            number = e164(to)
        except ValueError as error:
            logger.warning("%s SMS for contact %d: %s", self.purpose, contact_id, error)
            return 0
        if (contact_id, number) in self._texted:
            return 0
        self._texted.add((contact_id, number))
        try:
            self._sms.send(number, text, sender, purpose=self.purpose, contact_id=contact_id)
        except BadSms as error:
            logger.warning(
                "%s SMS for contact %d to %s: %s", self.purpose, contact_id, number, error
            )
            return 0
        return 1

    def _read_new(self) -> list[Event]:
        """The events of the kind logged since the last read; the texts of the purpose
        logged since then are noted as done."""
        asking: list[Event] = []
        kinds = (self._kind, EventKind.SMS_QUEUED)
        while True:
            page = self._events.read(since_id=self._seen, kinds=kinds, limit=PAGE)
            for logged in page:
                event = logged.event
                if event.kind == self._kind:
                    asking.append(event)
                elif (
                    isinstance(event, SmsQueued)
                    and event.purpose == self.purpose
                    and event.contact_id is not None
                ):
                    self._texted.add((event.contact_id, event.to))
            if page:
                self._seen = page[-1].id
            if len(page) < PAGE:
                return asking

    async def run(self, sleep: Callable[[float], Awaitable[None]]) -> None:
        """Catch up with the log, then queue each text as it is asked for (looked at
        every ``POLL_S`` once woken), in a thread, until cancelled."""
        while True:
            if self._wake.is_set():
                try:
                    await asyncio.to_thread(self.send_pending)
                except Exception:
                    logger.exception("the %s texts failed; they are tried again", self.purpose)
                    self._wake.set()
            await sleep(POLL_S)
