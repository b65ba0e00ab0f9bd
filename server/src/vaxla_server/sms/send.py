"""One SMS handed to the gateway (blocking: the outbox's thread calls it), and a failure
in words an administrator reads in the server's log.

Kannel: an HTTP GET of smsbox's ``/cgi-bin/sendsms`` with the ``sendsms-user``'s name
and password, UTF-8 text, and (with a ``dlr_base_url``) a ``dlr-url`` on this server
that carries the message id and the report token, with Kannel's ``%d`` (the report
type) and ``%A`` (the operator's words). Kannel answers 202 "0: Accepted for delivery"
or "3: Queued for later delivery": either way it has the message.

SMPP 3.4: a transmitter bind with ``smpplib``, one ``submit_sm`` per part (GSM 03.38,
or UCS-2 when the text needs it; long texts as concatenated parts), then unbind. The
SMSC's message id of the last part is kept. Delivery reports over SMPP need a receiver
bind, which this sender does not hold: an SMPP message stays "sent".
"""

import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.gsm

from vaxla_protocol.sms import SmsGatewayKind
from vaxla_server.sms.gateway import Gateway

TIMEOUT_S = 20.0
REPORT_PATH = "/api/v1/sms/reports"
"""Where Kannel's delivery reports come: ``{REPORT_PATH}/{token}?id=...&type=%d``."""
REPORT_MASK = 31
"""Every Kannel report: delivered (1), failed (2), buffered (4), SMSC took it (8),
SMSC refused it (16)."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    message_id: int
    to: str
    sender: str
    text: str


class GatewayRefused(Exception):
    """The gateway answered, and not with "taken": its words."""


def send(gateway: Gateway, message: Outgoing) -> str | None:
    """Hand ``message`` to ``gateway``; the gateway's id for it, if it gives one."""
    if gateway.fields.kind is SmsGatewayKind.KANNEL:
        _send_kannel(gateway, message)
        return None
    return _send_smpp(gateway, message)


def kannel_url(gateway: Gateway, message: Outgoing) -> str:
    fields = gateway.fields
    query = {
        "username": fields.username,
        "password": gateway.password or "",
        "from": message.sender,
        "to": message.to,
        "text": message.text,
        "charset": "UTF-8",
        "coding": "0" if _gsm(message.text) else "2",
    }
    if fields.dlr_base_url is not None:
        report = (
            f"{fields.dlr_base_url}{REPORT_PATH}/{gateway.report_token}"
            f"?id={message.message_id}&type=%d&answer=%A"
        )
        query |= {"dlr-mask": str(REPORT_MASK), "dlr-url": report}
    return f"http://{fields.host}:{fields.port}/cgi-bin/sendsms?{urllib.parse.urlencode(query)}"


def _send_kannel(gateway: Gateway, message: Outgoing) -> None:
    try:
        with urllib.request.urlopen(kannel_url(gateway, message), timeout=TIMEOUT_S) as answer:
            body = answer.read(500).decode(errors="replace").strip()
    except urllib.error.HTTPError as error:
        body = error.read(500).decode(errors="replace").strip()
        raise GatewayRefused(f"Kannel answered {error.code}: {body}") from None
    if not body.startswith(("0:", "3:")):
        raise GatewayRefused(f"Kannel answered: {body}")


def _gsm(text: str) -> bool:
    try:
        smpplib.gsm.gsm_encode(text)
    except UnicodeError:
        return False
    return True


def _address(number_or_name: str) -> tuple[int, int, str]:
    """TON, NPI and the address of a sender or recipient."""
    if number_or_name.startswith("+"):
        return (
            smpplib.consts.SMPP_TON_INTL,
            smpplib.consts.SMPP_NPI_ISDN,
            number_or_name[1:],
        )
    return smpplib.consts.SMPP_TON_ALNUM, smpplib.consts.SMPP_NPI_UNK, number_or_name


def _send_smpp(gateway: Gateway, message: Outgoing) -> str | None:
    fields = gateway.fields
    parts, coding, esm_class = smpplib.gsm.make_parts(message.text)
    source_ton, source_npi, source = _address(message.sender)
    dest_ton, dest_npi, destination = _address(message.to)
    client = smpplib.client.Client(
        fields.host, fields.port, timeout=TIMEOUT_S, allow_unknown_opt_params=True
    )
    reference: str | None = None
    try:
        client.connect()
        client.bind_transmitter(
            system_id=fields.username,
            password=gateway.password or "",
            system_type=fields.system_type,
        )
        for part in parts:
            client.send_message(
                source_addr_ton=source_ton,
                source_addr_npi=source_npi,
                source_addr=source,
                dest_addr_ton=dest_ton,
                dest_addr_npi=dest_npi,
                destination_addr=destination,
                short_message=part,
                data_coding=coding,
                esm_class=esm_class,
                registered_delivery=True,
            )
            answer = client.read_pdu()
            if answer.is_error():
                words = smpplib.consts.DESCRIPTIONS.get(answer.status, "unknown code")
                raise GatewayRefused(f"the SMSC refused the message: ({answer.status}) {words}")
            found = getattr(answer, "message_id", None)
            if found:
                reference = found.decode() if isinstance(found, bytes) else str(found)
        client.unbind()
    finally:
        client.disconnect()
    return reference


def in_words(error: BaseException, gateway: Gateway | None) -> str:
    """A failed send, as an administrator reads it in the server's log."""
    if gateway is None:
        return "no SMS gateway is configured (PUT /config/sms-gateway); the SMS waits"
    fields = gateway.fields
    where = f"the SMS gateway ({fields.kind.value}) at {fields.host}:{fields.port}"
    match error:
        case GatewayRefused():
            return f"{where} refused the message: {error}"
        case smpplib.exceptions.PDUError():
            return f"{where} refused the bind or the message: {error.args[0]}"
        case smpplib.exceptions.ConnectionError():
            return f"{where} could not be reached or closed the connection"
        case TimeoutError() | socket.timeout():
            return f"{where} did not answer within {TIMEOUT_S:g} s"
        case urllib.error.URLError() if isinstance(error.reason, ConnectionRefusedError):
            return f"{where} refused the connection (nothing listens there?)"
        case urllib.error.URLError():
            return f"{where} could not be reached: {error.reason}"
        case ConnectionRefusedError():
            return f"{where} refused the connection (nothing listens there?)"
        case OSError():
            return f"{where} could not be reached: {error.strerror or error}"
    return f"sending through {where} failed: {error}"
