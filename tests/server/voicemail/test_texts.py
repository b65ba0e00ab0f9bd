"""A voicemail box's ``notify_phones`` get an SMS of each new message (R7), decided by
the event log: queued once per number, and a message whose SMS a crash kept from the
outbox is texted at the next start, never twice."""

from datetime import timedelta
from pathlib import Path

from tests.server.voicemail.test_messages import T0, Clock, box, record
from vaxla_server.notifier import Notifier
from vaxla_server.sms.from_log import LogTexts
from vaxla_server.sms.gateway import Gateways
from vaxla_server.sms.service import SmsService
from vaxla_server.store import Store
from vaxla_server.store.events import Event, EventKind, SmsQueued, VoicemailLeft
from vaxla_server.voicemail.messages import VoicemailMessages, sms_notices

PHONES = ["+46701234567", "+46709876543"]


def texts(store: Store, sms: SmsService) -> LogTexts:
    boxes = {"Kansliet": box("Kansliet", notify_phones=PHONES), "Växeln": box("Växeln")}

    def asked(event: Event) -> list[tuple[int, str, str, str | None]]:
        assert isinstance(event, VoicemailLeft)
        return sms_notices(event, boxes.get(event.box))

    return LogTexts(
        sms, store.events, kind=EventKind.VOICEMAIL_LEFT, purpose="voicemail", texts=asked
    )


def queued(store: Store) -> list[SmsQueued]:
    found = [e.event for e in store.events.read(kinds=[EventKind.SMS_QUEUED])]
    return [e for e in found if isinstance(e, SmsQueued)]


def test_each_phone_gets_one_sms_of_a_new_message_even_across_a_crash(
    store: Store, tmp_path: Path
) -> None:
    clock = Clock()
    notifier = Notifier()
    messages = VoicemailMessages(store.engine, notifier, tmp_path / "data", clock)
    sms = SmsService(store.engine, Gateways(store.engine), clock, notifier)
    for call in ("w1-1", "w1-2", "w1-3"):
        record(messages.path_for(call), 2.0, voice=True)

    first = texts(store, sms)
    messages.keep(box=box("Kansliet"), contact_id=7, call_id="w1-1", caller="+4670111")
    messages.keep(box=box("Växeln"), contact_id=8, call_id="w1-2", caller="0812345")
    assert first.send_pending() == 2  # the two phones; the other box has none
    assert first.send_pending() == 0
    sent = queued(store)
    assert [(e.to, e.purpose, e.contact_id) for e in sent] == [
        (PHONES[0], "voicemail", 7), (PHONES[1], "voicemail", 7),
    ]  # fmt: skip
    [text] = {m.text for m in sms.messages()}
    assert text == (
        "Nytt röstmeddelande i Kansliet från +4670111 kl 10:00 (2 s). "
        "/ New voicemail in Kansliet from +4670111 at 10:00 (2 s)."
    )
    assert T0.hour == 9  # 10:00 in Stockholm

    # A message logged, then the server stopped before its SMS were queued.
    clock.now += timedelta(minutes=5)
    messages.keep(box=box("Kansliet"), contact_id=9, call_id="w1-3", caller="+4670222")
    again = texts(store, sms)  # the next start reads the whole log
    assert again.send_pending() == 2
    assert again.send_pending() == 0
    assert texts(store, sms).send_pending() == 0  # and a third start queues nothing
    assert [e.contact_id for e in queued(store)] == [7, 7, 9, 9]
