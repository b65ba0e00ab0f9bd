"""The SMS to a citizen a callback could not reach (R17): when the centre closes a
callback as unreachable (``CallbackUnreachable``), the queue's text is queued in the SMS
outbox to the callback's number, as the queue's sender, ``purpose="callback"``.

The decision is the event log's (``sms/from_log.py``): a ``CallbackUnreachable`` without
an ``SmsQueued`` of purpose ``callback`` for the same contact and number is still to be
texted, so a crash between the two loses nothing (the first pass after a start sends it)
and nothing is sent twice. The centre's events only wake the pass: it runs off the
centre's thread, in the server's task, never under the centre's lock."""

from collections.abc import Sequence

from vaxla_server.centre import CENTRE_EVENTS
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.sms.from_log import LogTexts, Text
from vaxla_server.sms.service import SmsService
from vaxla_server.store.event_log import EventLog
from vaxla_server.store.events import CallbackUnreachable, Event, EventKind

PURPOSE = "callback"


def callback_texts(sms: SmsService, centre: ContactCentre, events: EventLog) -> LogTexts:
    """The texts of the callbacks that could not reach their citizen, woken by the
    centre's ``CallbackUnreachable``."""

    def asked(event: Event) -> list[Text]:
        assert isinstance(event, CallbackUnreachable)
        gateway = sms.gateways.stored()
        queue = centre.queue_names().get(event.queue_id)
        sender = None if gateway is None else gateway.sender_for(queue=queue)
        return [(event.contact_id, event.number, event.sms_text, sender)]

    texts = LogTexts(sms, events, kind=EventKind.CALLBACK_UNREACHABLE, purpose=PURPOSE, texts=asked)

    def note(batch: Sequence[Event]) -> None:
        """Under the centre's lock: only noted, never sent here."""
        if any(isinstance(event, CallbackUnreachable) for event in batch):
            texts.wake()

    centre.notifier.subscribe(CENTRE_EVENTS, note)
    return texts
