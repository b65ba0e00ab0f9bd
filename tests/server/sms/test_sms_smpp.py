"""SMPP (R25) as the SMS sender speaks it, against a socket on loopback that answers
as an SMSC would (no well-kept SMPP server is on PyPI to run instead): the transmitter
bind with the system_id and password, a ``submit_sm`` per part with the sender's and
the recipient's TON/NPI, GSM or UCS-2 coding, the SMSC's message id kept; a refused
bind in words, and the message kept in the outbox."""

import logging
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import smpplib.consts
import smpplib.smpp

from tests.server.centre.world import World
from vaxla_protocol.sms import SmsGatewayItem
from vaxla_server.notifier import Notifier
from vaxla_server.sms.gateway import Gateways
from vaxla_server.sms.service import SMS_NEWS, SmsNews, SmsService
from vaxla_server.store.events import EventKind


@dataclass
class Smsc:
    port: int
    password: str
    received: list[Any] = field(default_factory=list)
    receiver: socket.socket | None = None
    receiver_bound: threading.Event = field(default_factory=threading.Event)
    answered: threading.Condition = field(default_factory=threading.Condition)
    _writing: threading.Lock = field(default_factory=threading.Lock)

    def send(self, connection: socket.socket, pdu: Any) -> None:
        with self._writing:
            connection.sendall(pdu.generate())

    def receipt(self, **fields: Any) -> None:
        """A delivery receipt (esm_class 0x04) over the receiver bind."""
        assert self.receiver is not None
        pdu = smpplib.smpp.make_pdu(
            "deliver_sm", client=_Peer(), esm_class=0x04, source_addr="46701234567", **fields
        )
        self.send(self.receiver, pdu)

    def wait_answers(self, count: int) -> None:
        with self.answered:
            assert self.answered.wait_for(
                lambda: sum(p.command == "deliver_sm_resp" for p in self.received) >= count, 10
            )


class _Peer:
    """What smpplib's PDUs ask of the side that numbers them (the SMSC's, here)."""

    sequence = 0

    def next_sequence(self) -> int:
        self.sequence += 1
        return self.sequence


def _read(connection: socket.socket) -> bytes | None:
    head = connection.recv(4, socket.MSG_WAITALL)
    if len(head) < 4:
        return None
    (length,) = struct.unpack(">L", head)
    return head + connection.recv(length - 4, socket.MSG_WAITALL)


BIND_ANSWERS = {"bind_transmitter": "bind_transmitter_resp", "bind_receiver": "bind_receiver_resp"}


def _serve_one(connection: socket.socket, smsc: Smsc) -> None:
    peer = _Peer()
    with connection:
        while (raw := _read(connection)) is not None:
            pdu = smpplib.smpp.parse_pdu(raw, client=peer, allow_unknown_opt_params=True)
            with smsc.answered:
                smsc.received.append(pdu)
                smsc.answered.notify_all()
            if pdu.command in BIND_ANSWERS:
                wrong = pdu.password.decode() != smsc.password
                answer = smpplib.smpp.make_pdu(
                    BIND_ANSWERS[pdu.command], client=peer, system_id="fake", sequence=pdu.sequence
                )
                answer.status = smpplib.consts.SMPP_ESME_RINVPASWD if wrong else 0
                if pdu.command == "bind_receiver" and not wrong:
                    smsc.receiver = connection
                    smsc.receiver_bound.set()
            elif pdu.command == "submit_sm":
                answer = smpplib.smpp.make_pdu(
                    "submit_sm_resp",
                    client=peer,
                    message_id=f"m{len(smsc.received)}",
                    sequence=pdu.sequence,
                )
            elif pdu.command == "deliver_sm_resp":
                continue
            elif pdu.command == "enquire_link":
                answer = smpplib.smpp.make_pdu(
                    "enquire_link_resp", client=peer, sequence=pdu.sequence
                )
            else:
                answer = smpplib.smpp.make_pdu("unbind_resp", client=peer, sequence=pdu.sequence)
            smsc.send(connection, answer)


def _serve(listener: socket.socket, smsc: Smsc) -> None:
    """Each connection (a transmitter's, a receiver's) served in turn by a thread."""
    while True:
        try:
            connection, _ = listener.accept()
        except OSError:
            return  # the listener is closed
        threading.Thread(target=_serve_one, args=(connection, smsc), daemon=True).start()


@contextmanager
def smsc(password: str) -> Iterator[Smsc]:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        found = Smsc(listener.getsockname()[1], password)
        thread = threading.Thread(target=_serve, args=(listener, found), daemon=True)
        thread.start()
        yield found
        listener.shutdown(socket.SHUT_RDWR)
    thread.join(10)


def service(world: World, port: int, password: str, notifier: Notifier | None = None) -> SmsService:
    gateways = Gateways(world.store.engine)
    gateways.set(
        SmsGatewayItem(
            kind="smpp",
            host="127.0.0.1",
            port=port,
            username="vaxla",
            password=password,
            system_type="VMA",
            default_sender="Kommunen",
        )
    )
    return SmsService(world.store.engine, gateways, world.clock, notifier or Notifier())


def test_a_message_goes_out_as_submit_sm(world: World) -> None:
    with smsc("hemligt") as operator:
        sms = service(world, operator.port, "hemligt")
        first = sms.send("0701234567", "Hej från kön", purpose="test")
        assert sms.send_due() == 1
    bind, submit, unbind = operator.received
    assert (bind.command, bind.system_id, bind.system_type) == (
        "bind_transmitter",
        b"vaxla",
        b"VMA",
    )
    assert submit.command == "submit_sm" and unbind.command == "unbind"
    assert (submit.source_addr_ton, submit.source_addr) == (
        smpplib.consts.SMPP_TON_ALNUM,
        b"Kommunen",
    )
    assert (submit.dest_addr_ton, submit.dest_addr_npi, submit.destination_addr) == (
        smpplib.consts.SMPP_TON_INTL,
        smpplib.consts.SMPP_NPI_ISDN,
        b"46701234567",
    )
    assert submit.data_coding == smpplib.consts.SMPP_ENCODING_DEFAULT
    assert submit.registered_delivery
    [sent] = [e.event for e in world.store.events.read(kinds=[EventKind.SMS_SENT])]
    assert (sent.message_id, sent.gateway_ref) == (first, "m2")  # type: ignore[union-attr]
    assert sms.message(first).status == "sent"


def test_a_text_beyond_gsm_goes_as_ucs2_from_a_number(world: World) -> None:
    with smsc("hemligt") as operator:
        sms = service(world, operator.port, "hemligt")
        sms.send("+46701234567", "Привет", "+46101234567", purpose="test")
        assert sms.send_due() == 1
    submit = operator.received[1]
    assert submit.data_coding == smpplib.consts.SMPP_ENCODING_ISO10646
    assert submit.short_message == "Привет".encode("utf-16-be")
    assert (submit.source_addr_ton, submit.source_addr) == (
        smpplib.consts.SMPP_TON_INTL,
        b"46101234567",
    )


def test_queued_before_any_gateway_then_sent_as_its_default_sender(world: World) -> None:
    sms = SmsService(world.store.engine, Gateways(world.store.engine), world.clock, Notifier())
    message = sms.send("0701234567", "Larm i Support", purpose="alarm")
    assert sms.send_due() == 0
    waiting = sms.message(message)
    assert (waiting.status, waiting.sender) == ("queued", "")
    assert waiting.last_error is not None and "no SMS gateway is configured" in waiting.last_error
    with smsc("hemligt") as operator:
        sms = service(world, operator.port, "hemligt")
        world.clock.advance(seconds=30)
        assert sms.send_due() == 1
    assert operator.received[1].source_addr == b"Kommunen"


def test_a_refused_bind_is_said_in_words_and_the_message_kept(world: World) -> None:
    with smsc("hemligt") as operator:
        sms = service(world, operator.port, "fel")
        message = sms.send("0701234567", "Hej", purpose="test")
        assert sms.send_due() == 0
    kept = sms.message(message)
    assert (kept.status, kept.attempts) == ("queued", 1)
    assert kept.last_error is not None
    assert f"the SMS gateway (smpp) at 127.0.0.1:{operator.port} refused the bind" in (
        kept.last_error
    )
    assert "Invalid Password" in kept.last_error


def test_delivery_receipts_come_over_a_receiver_bind_and_are_stored(world: World) -> None:
    notifier = Notifier()
    news: list[SmsNews] = []
    notifier.subscribe(SMS_NEWS, news.append)
    with smsc("hemligt") as operator:
        sms = service(world, operator.port, "hemligt", notifier)
        delivered = sms.send("0701234567", "Hej", purpose="test")
        failed = sms.send("0709876543", "Hej igen", purpose="test")
        assert sms.send_due() == 2  # as m2 and m5 (the SMSC numbers by PDUs seen)
        stop = threading.Event()
        listener = threading.Thread(target=sms.listen_for_reports, args=(stop,))
        listener.start()
        try:
            assert operator.receiver_bound.wait(10)
            bind = operator.received[-1]
            assert (bind.command, bind.system_id) == ("bind_receiver", b"vaxla")
            # In the receipt's text (as most SMSCs), in TLVs, and one of no message of ours.
            operator.receipt(
                short_message=b"id:m2 sub:001 dlvrd:001 submit date:2612051000 "
                b"done date:2612051001 stat:DELIVRD err:000 text:Hej"
            )
            operator.receipt(receipted_message_id="m5", message_state=5, short_message=b"")
            operator.receipt(short_message=b"id:m99 stat:DELIVRD err:000")
            operator.wait_answers(3)  # each answered with deliver_sm_resp, after storing
        finally:
            stop.set()
            listener.join(10)
    assert not listener.is_alive()
    assert operator.received[-1].command == "unbind"
    assert sms.message(delivered).status == "delivered"
    assert sms.message(delivered).report == "delivered to the phone: DELIVRD err 000"
    assert sms.message(failed).status == "failed"
    assert sms.message(failed).report == "not delivered (the operator gave up): UNDELIV"
    reports = [e.event for e in world.store.events.read(kinds=[EventKind.SMS_REPORT])]
    assert [(r.message_id, r.status) for r in reports] == [  # type: ignore[union-attr]
        (delivered, "delivered"), (failed, "failed"),
    ]  # fmt: skip
    assert [(n.message_id, n.status) for n in news if n.status != "queued"][-2:] == [
        (delivered, "delivered"), (failed, "failed"),
    ]  # fmt: skip


class Warned(logging.Handler):
    """The service's warnings, and an event set at the first."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self.first = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.first.set()


def test_a_refused_receiver_bind_is_said_and_tried_again(world: World) -> None:
    warned = Warned()
    logger = logging.getLogger("vaxla_server.sms.service")
    logger.addHandler(warned)
    try:
        with smsc("hemligt") as operator:
            sms = service(world, operator.port, "fel")
            stop = threading.Event()
            listener = threading.Thread(target=sms.listen_for_reports, args=(stop,))
            listener.start()
            assert warned.first.wait(10)
            stop.set()
            listener.join(10)
    finally:
        logger.removeHandler(warned)
    assert not listener.is_alive() and not operator.receiver_bound.is_set()
    [warning] = warned.records
    assert operator.received[0].command == "bind_receiver"
    assert "SMPP delivery reports:" in warning.getMessage()
    assert "refused the bind" in warning.getMessage()
    assert "binding again in 30 s" in warning.getMessage()
