"""SMPP (R25) as the SMS sender speaks it, against a socket on loopback that answers
as an SMSC would (no well-kept SMPP server is on PyPI to run instead): the transmitter
bind with the system_id and password, a ``submit_sm`` per part with the sender's and
the recipient's TON/NPI, GSM or UCS-2 coding, the SMSC's message id kept; a refused
bind in words, and the message kept in the outbox."""

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
from vaxla_server.sms.service import SmsService
from vaxla_server.store.events import EventKind


@dataclass
class Smsc:
    port: int
    password: str
    received: list[Any] = field(default_factory=list)


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


def _serve(listener: socket.socket, smsc: Smsc) -> None:
    connection, _ = listener.accept()
    peer = _Peer()
    with connection:
        while (raw := _read(connection)) is not None:
            pdu = smpplib.smpp.parse_pdu(raw, client=peer, allow_unknown_opt_params=True)
            smsc.received.append(pdu)
            if pdu.command == "bind_transmitter":
                wrong = pdu.password.decode() != smsc.password
                answer = smpplib.smpp.make_pdu(
                    "bind_transmitter_resp", client=peer, system_id="fake", sequence=pdu.sequence
                )
                answer.status = smpplib.consts.SMPP_ESME_RINVPASWD if wrong else 0
            elif pdu.command == "submit_sm":
                answer = smpplib.smpp.make_pdu(
                    "submit_sm_resp",
                    client=peer,
                    message_id=f"m{len(smsc.received)}",
                    sequence=pdu.sequence,
                )
            else:
                answer = smpplib.smpp.make_pdu("unbind_resp", client=peer, sequence=pdu.sequence)
            connection.sendall(answer.generate())


@contextmanager
def smsc(password: str) -> Iterator[Smsc]:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        found = Smsc(listener.getsockname()[1], password)
        thread = threading.Thread(target=_serve, args=(listener, found), daemon=True)
        thread.start()
        yield found
        thread.join(10)


def service(world: World, port: int, password: str) -> SmsService:
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
    return SmsService(world.store.engine, gateways, world.clock, Notifier())


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
