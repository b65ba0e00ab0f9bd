"""``tel:`` and ``sip:`` links, as the command line and the link handler receive them.

``parse_dial_link("tel:+46-8-123 45 67")`` → ``DialRequest(scheme=TEL, target="+4681234567")``;
anything that is not a number or a SIP address raises :class:`InvalidDialLink`.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

# RFC 3966 visual separators, and the spaces people paste in.
_VISUAL_SEPARATORS = re.compile(r"[-.()\s]")
# E.164 allows at most 15 digits after the "+".
_GLOBAL_NUMBER = re.compile(r"\+[0-9]{2,15}")
_LOCAL_NUMBER = re.compile(r"[0-9*#]{1,20}")
_SIP_USER = re.compile(r"[A-Za-z0-9\-_.!~*'()&=+$,?/%]+")
_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]"
)


class DialScheme(StrEnum):
    TEL = "tel"
    SIP = "sip"
    SIPS = "sips"


@dataclass(frozen=True, slots=True)
class DialRequest:
    """A call the user asked for: a number (``tel``) or a SIP address (``sip``)."""

    scheme: DialScheme
    # The number without separators, or ``user@host[:port]`` for SIP.
    target: str

    @property
    def uri(self) -> str:
        return f"{self.scheme.value}:{self.target}"


class InvalidDialLink(ValueError):
    def __init__(self, link: str, reason: str) -> None:
        self.link = link
        super().__init__(f"cannot dial {link!r}: {reason}")


def parse_dial_link(link: str) -> DialRequest:
    scheme_text, colon, rest = link.strip().partition(":")
    if not colon:
        raise InvalidDialLink(link, "a link starts with tel: or sip:")
    try:
        scheme = DialScheme(scheme_text.lower())
    except ValueError:
        reason = f"{scheme_text!r} links are not calls; use tel: or sip:"
        raise InvalidDialLink(link, reason) from None
    if scheme is DialScheme.TEL:
        return DialRequest(scheme, _number(link, rest))
    return DialRequest(scheme, _sip_address(link, rest))


def _number(link: str, rest: str) -> str:
    # Parameters such as ";phone-context=" or ";ext=" say nothing the softphone uses.
    number = _VISUAL_SEPARATORS.sub("", unquote(rest.split(";", 1)[0]))
    if not number:
        raise InvalidDialLink(link, "there is no number after tel:")
    if number.startswith("+"):
        if not _GLOBAL_NUMBER.fullmatch(number):
            raise InvalidDialLink(link, "an international number is + and 2 to 15 digits")
    elif not _LOCAL_NUMBER.fullmatch(number):
        raise InvalidDialLink(link, "a number has only digits, * and #")
    return number


def _sip_address(link: str, rest: str) -> str:
    address = rest.split(";", 1)[0].removeprefix("//")
    user, at, host_port = address.rpartition("@")
    if not at or not user:
        raise InvalidDialLink(link, "a SIP address is user@host")
    if not _SIP_USER.fullmatch(user):
        raise InvalidDialLink(link, f"{user!r} is not a SIP user name")
    host, port = host_port, ""
    if (not host_port.endswith("]") and ":" in host_port) or "]:" in host_port:
        host, _, port = host_port.rpartition(":")
    if not _HOST.fullmatch(host):
        raise InvalidDialLink(link, f"{host!r} is not a host name or address")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise InvalidDialLink(link, f"{port!r} is not a port")
    return f"{user}@{host}{':' + port if port else ''}"
