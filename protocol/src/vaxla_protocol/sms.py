"""SMS (R25, and R24's alarms by SMS) on the wire: the gateway's configuration
(``/config/sms-gateway``), the templates agents send from (``/agent/sms``), and the
messages with their delivery status.

Numbers are E.164 (``+46701234567``): a Swedish national number (``070-123 45 67``) is
normalised to it, an international one written with ``00`` too; anything else is
refused with what is wrong. A sender is an alphanumeric name of at most 11 characters
(what a phone shows as the sender) or an E.164 number.
"""

from __future__ import annotations

import re
import string
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from vaxla_protocol._base import WireModel

_SEPARATORS = re.compile(r"[\s().-]")
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_HOST = r"^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$"
_ALPHANUMERIC = re.compile(r"[A-Za-z0-9 ._&-]{1,11}")


def e164(value: str) -> str:
    """``value`` as an E.164 number; a ``ValueError`` says why it is not one."""
    digits = _SEPARATORS.sub("", value.replace("(0)", ""))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+46" + digits[1:]  # a Swedish national number: 07x... -> +467x...
    if not digits.startswith("+") or not digits[1:].isdigit():
        raise ValueError(
            f"{value!r} is not a phone number: write it as +46701234567 or 0701234567 "
            "(digits, spaces and dashes only)"
        )
    if not _E164.fullmatch(digits):
        raise ValueError(
            f"{value!r} is not a phone number: an E.164 number has 8 to 15 digits after "
            "the + and does not start with 0 after it"
        )
    if digits.startswith("+460"):
        raise ValueError(
            f"{value!r} is not a phone number: after +46 the area code comes without its 0 "
            "(+46 8 ..., +46 70 ...)"
        )
    return digits


def sms_sender(value: str) -> str:
    """A sender as a phone shows it: an E.164 number, or a name of at most 11 letters,
    digits, spaces or ``._&-`` with at least one letter."""
    if value.lstrip().startswith("+") or _SEPARATORS.sub("", value).isdigit():
        return e164(value)
    if not _ALPHANUMERIC.fullmatch(value) or not any(c.isalpha() for c in value):
        raise ValueError(
            f"{value!r} is not a sender: a name of at most 11 characters (A-Z, a-z, 0-9, "
            "space, . _ & -, at least one letter) or a phone number such as +46701234567"
        )
    return value


SmsSender = Annotated[str, AfterValidator(sms_sender)]

PLACEHOLDERS = ("queue", "entry_point", "sender")
"""What a template may say in braces: ``{queue}`` the call's queue, ``{entry_point}``
the number or name it came in on, ``{sender}`` the sender the message goes out as."""


def _template_text(value: str) -> str:
    try:
        parts = list(string.Formatter().parse(value))
    except ValueError as error:
        raise ValueError(
            f"the template has an unmatched brace ({error}); write {{{{ or }}}} for a brace"
        ) from None
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            raise ValueError(f"unknown placeholder {{{name}}}: a template may use {known}")
        if spec or conversion:
            raise ValueError(f"write the placeholder {{{name}}} without a format or '!'")
    return value


TemplateText = Annotated[
    str, Field(min_length=1, max_length=612, pattern=r"^[^\x00]+$"), AfterValidator(_template_text)
]
"""At most 612 characters: four concatenated SMS parts of GSM characters."""
TemplateName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
ConfigName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")]


def render(text: str, *, queue: str, entry_point: str, sender: str) -> str:
    """A template's text with its placeholders filled in."""
    return text.format_map({"queue": queue, "entry_point": entry_point, "sender": sender})


class SmsGatewayKind(StrEnum):
    KANNEL = "kannel"
    """Kannel's ``sendsms`` HTTP interface (smsbox), with delivery reports to Vaxla."""
    SMPP = "smpp"
    """SMPP 3.4 straight to an operator's SMSC (a transmitter bind)."""


class SmsTemplateItem(WireModel):
    """A message agents may send to their caller, in Swedish and English."""

    name: TemplateName
    text_sv: TemplateText
    text_en: TemplateText


class SmsGatewayFields(WireModel):
    """The SMS gateway as both sides of the API see it (R25)."""

    kind: SmsGatewayKind
    host: Annotated[str, Field(min_length=1, max_length=255, pattern=_HOST)]
    port: Annotated[int, Field(ge=1, le=65535)]
    """Kannel: smsbox's ``sendsms-port``; SMPP: the SMSC's port (2775 most often)."""
    username: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]
    """Kannel: the ``sendsms-user``'s name; SMPP: the ``system_id``."""
    system_type: Annotated[str, Field(max_length=12, pattern=r"^[\x21-\x7e]*$")] = ""
    """SMPP only: the ``system_type`` of the bind, when the operator asks for one."""
    dlr_base_url: (
        Annotated[str, Field(max_length=255, pattern=r"^https?://[\x21-\x7e]+[^/]$")] | None
    ) = None
    """Kannel only: this server's address as Kannel reaches it (``http://10.0.0.5:8080``);
    delivery reports come to it. None: no delivery reports are asked for."""
    default_sender: SmsSender
    queue_senders: dict[ConfigName, SmsSender] = Field(default_factory=dict, max_length=500)
    """The sender of messages about a queue's calls, by queue name (R25)."""
    entry_point_senders: dict[ConfigName, SmsSender] = Field(default_factory=dict, max_length=500)
    """The sender by entry point's address (the number callers dial, ``100``), before
    the queue's."""
    templates: list[SmsTemplateItem] = Field(default_factory=list, max_length=100)
    agents_may_send_to_any_number: bool = False
    """Whether an agent may write another number than its caller's."""

    @field_validator("templates")
    @classmethod
    def _names_once(cls, value: list[SmsTemplateItem]) -> list[SmsTemplateItem]:
        names = [template.name for template in value]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"the template {twice[0]!r} is named twice")
        return value


class SmsGatewayItem(SmsGatewayFields):
    """The gateway as an administrator writes it. ``password`` is write-only: no answer
    carries it; left out, the stored one stays (while the username stays)."""

    password: (
        Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[\x20-\x7e]+$")] | None
    ) = Field(default=None, repr=False)


class SmsGatewayView(SmsGatewayFields):
    password_set: bool


SmsStatus = Literal["queued", "sent", "delivered", "failed"]
"""Queued in the outbox (also while the gateway is down), sent (the gateway took it),
delivered (the phone has it, by a delivery report), failed (the gateway or the operator
gave it up)."""


class SmsMessageView(WireModel):
    id: int
    to: str
    sender: str
    text: str
    status: SmsStatus
    purpose: str
    queued_at: datetime
    attempts: int
    last_error: str | None = None
    by_user: int | None = None
    report: str | None = None
    """The last delivery report in words (``delivered``, ``SMSC accepted`` ...)."""


class AgentSmsTemplate(WireModel):
    """A template as the agent's caller would get it: filled in, in both languages."""

    name: str
    text_sv: str
    text_en: str


class AgentSmsOptions(WireModel):
    """What ``GET /agent/sms`` gives: the caller of the agent's current or last call,
    the sender, and the templates filled in for that call."""

    to: str | None
    """The caller's number, None when the agent has had no call with a number."""
    contact_id: int | None
    queue: str | None
    sender: str
    templates: list[AgentSmsTemplate]
    may_send_to_any_number: bool
    why_not: str | None = None
    """Why no message can go to the caller, in words; None when one can."""


class AgentSmsRequest(WireModel):
    """``POST /agent/sms``: send the template in the language to the caller (or ``to``,
    only where the configuration allows agents any number)."""

    template: TemplateName
    language: Literal["sv", "en"]
    to: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[^\x00-\x1f]+$")] | None = None
    """Normalised to E.164 by the server, which refuses (400) what is not a number."""


class SmsQueued(WireModel):
    id: int
    to: str
    sender: str
    text: str
