"""The SMS to a citizen a callback could not reach (R17): when the centre closes a
callback as unreachable (``CallbackUnreachable``), the queue's text is queued in the SMS
outbox to the callback's number, as the queue's sender, ``purpose="callback"``.

The decision is the event log's: a ``CallbackUnreachable`` without an ``SmsQueued`` of
purpose ``callback`` for the same contact is still to be texted, so a crash between the
two loses nothing (the first pass after a start sends it) and nothing is sent twice. The
centre's events only wake the pass: it runs off the centre's thread, in the server's
task (``run``), never under the centre's lock."""

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Sequence

from vaxla_server.centre import CENTRE_EVENTS
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.sms.service import BadSms, SmsService
from vaxla_server.store.event_log import EventLog
from vaxla_server.store.events import CallbackUnreachable, Event, EventKind, SmsQueued

logger = logging.getLogger(__name__)

POLL_S = 1.0
PAGE = 1000
PURPOSE = "callback"


class CallbackTexts:
    """Texts the citizens that callbacks could not reach."""

    def __init__(self, sms: SmsService, centre: ContactCentre, events: EventLog) -> None:
        self._sms = sms
        self._centre = centre
        self._events = events
        self._lock = threading.Lock()
        self._seen = 0
        """The log read up to this event id."""
        self._texted: set[int] = set()
        """Contacts whose text is queued (or refused): never texted again."""
        self._wake = threading.Event()
        self._wake.set()  # the first pass catches up with the log
        self._unsubscribe = centre.notifier.subscribe(CENTRE_EVENTS, self._note)

    def close(self) -> None:
        self._unsubscribe()

    def _note(self, batch: Sequence[Event]) -> None:
        """Under the centre's lock: only noted, never sent here."""
        if any(isinstance(event, CallbackUnreachable) for event in batch):
            self._wake.set()

    def send_pending(self) -> int:
        """Queue the text of every unreachable callback not texted yet; how many."""
        with self._lock:
            self._wake.clear()
            pending = self._read_new()
            queues = self._centre.queue_names() if pending else {}
            queued = 0
            for event in pending:
                if event.contact_id in self._texted:
                    continue
                self._texted.add(event.contact_id)
                gateway = self._sms.gateways.stored()
                queue = queues.get(event.queue_id)
                sender = None if gateway is None else gateway.sender_for(queue=queue)
                try:
                    self._sms.send(
                        event.number,
                        event.sms_text,
                        sender,
                        purpose=PURPOSE,
                        contact_id=event.contact_id,
                    )
                except BadSms as error:
                    logger.warning(
                        "callback %d: no SMS to %s: %s", event.contact_id, event.number, error
                    )
                    continue
                queued += 1
            return queued

    def _read_new(self) -> list[CallbackUnreachable]:
        """The unreachable callbacks logged since the last read; the texts logged since
        then are noted as done."""
        unreachable: list[CallbackUnreachable] = []
        kinds = (EventKind.CALLBACK_UNREACHABLE, EventKind.SMS_QUEUED)
        while True:
            page = self._events.read(since_id=self._seen, kinds=kinds, limit=PAGE)
            for logged in page:
                event = logged.event
                if isinstance(event, CallbackUnreachable):
                    unreachable.append(event)
                elif (
                    isinstance(event, SmsQueued)
                    and event.purpose == PURPOSE
                    and event.contact_id is not None
                ):
                    self._texted.add(event.contact_id)
            if page:
                self._seen = page[-1].id
            if len(page) < PAGE:
                return unreachable

    async def run(self, sleep: Callable[[float], Awaitable[None]]) -> None:
        """Catch up with the log, then text each unreachable callback as it is logged
        (looked at every ``POLL_S``), in a thread, until cancelled."""
        while True:
            if self._wake.is_set():
                try:
                    await asyncio.to_thread(self.send_pending)
                except Exception:
                    logger.exception("the callback texts failed; they are tried again")
                    self._wake.set()
            await sleep(POLL_S)
