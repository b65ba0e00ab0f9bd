"""The SMS to a citizen a callback could not reach (``sms/callbacks.py``, R17): the
queue's text to the callback's number as the queue's sender, queued once, and queued
after a crash between the close and the text. The real centre, event log and SMS
outbox; no gateway is needed to queue (the outbox tests send)."""

from sqlalchemy import select

from tests.server.callbacks.test_callbacks import NUMBER, SMS, callback_waiting
from tests.server.centre.world import World, events_of, log_in
from vaxla_protocol.sms import SmsGatewayItem, SmsGatewayKind
from vaxla_server.notifier import Notifier
from vaxla_server.sms.callbacks import callback_texts
from vaxla_server.sms.gateway import Gateways
from vaxla_server.sms.service import MESSAGES as SMS_MESSAGES
from vaxla_server.sms.service import SmsService
from vaxla_server.store.events import EventKind


def service(world: World) -> SmsService:
    gateways = Gateways(world.store.engine)
    gateways.set(
        SmsGatewayItem(
            kind=SmsGatewayKind.KANNEL,
            host="127.0.0.1",
            port=13013,
            username="vaxla",
            password="secret",
            default_sender="Vaxla",
            queue_senders={"Support": "Support"},
        )
    )
    return SmsService(world.store.engine, gateways, world.clock, Notifier())


def unreachable(world: World) -> int:
    """A callback with no retry that nobody answers: closed as unreachable."""
    contact = callback_waiting(world)
    log_in(world, world.anna, [world.support])
    world.centre.answered(contact, world.anna)
    world.centre.callback_dialled(contact)
    world.centre.callback_not_reached(contact, "no_answer")
    return contact


def outbox(world: World) -> list[tuple[str, str, str, str]]:
    with world.store.engine.connect() as connection:
        rows = connection.execute(select(SMS_MESSAGES).order_by(SMS_MESSAGES.c.id)).all()
    return [(row.to_number, row.sender, row.text, row.purpose) for row in rows]


def test_an_unreachable_callback_is_texted_once_as_the_queue(world: World) -> None:
    texts = callback_texts(service(world), world.centre, world.store.events)
    assert texts.send_pending() == 0
    contact = unreachable(world)
    assert texts.send_pending() == 1
    assert texts.send_pending() == 0
    assert outbox(world) == [(NUMBER, "Support", SMS, "callback")]
    (queued,) = events_of(world, EventKind.SMS_QUEUED)
    assert (queued.contact_id, queued.purpose, queued.to) == (contact, "callback", NUMBER)


def test_a_text_lost_in_a_crash_is_queued_at_the_next_start(world: World) -> None:
    sms = service(world)
    unreachable(world)  # the server stops before its callback texts look
    world.restart()
    again = callback_texts(sms, world.centre, world.store.events)
    assert again.send_pending() == 1
    # And one more start later: texted already, never twice.
    assert callback_texts(sms, world.centre, world.store.events).send_pending() == 0
    assert len(outbox(world)) == 1
