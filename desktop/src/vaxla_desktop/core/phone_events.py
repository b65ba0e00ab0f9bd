"""What the softphone reports, as plain data: the softphone (pjsua2) makes these, the
call state machine (:mod:`vaxla_desktop.core.call_state`) and the widgets read them.

They live here rather than beside pjsua2 so that ``core`` and its tests need neither
pjsua2 nor Qt.
"""

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Ringing:
    """An offer from the server rings; answer or decline it by ``call``."""

    call: int
    offer_id: str
    remote: str


@dataclass(frozen=True, slots=True)
class Dialling:
    """An outgoing call (``dial``) is on its way."""

    call: int
    remote: str


@dataclass(frozen=True, slots=True)
class Connected:
    """The call is answered and its audio flows."""

    call: int


@dataclass(frozen=True, slots=True)
class HoldChanged:
    call: int
    on_hold: bool


@dataclass(frozen=True, slots=True)
class Ended:
    """The call is over; ``by`` says which side ended it, ``code`` is the SIP status."""

    call: int
    by: Literal["local", "remote"]
    code: int
    reason: str


@dataclass(frozen=True, slots=True)
class DtmfReceived:
    call: int
    digit: str


@dataclass(frozen=True, slots=True)
class Refused:
    """An INVITE that was not a valid offer from the server was answered 403."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class AudioRouteChanged:
    """The sound devices in use changed: chosen anew, or one disappeared and the
    system default took its place (``missing`` names the devices that are gone)."""

    capture: str | None
    """The device's name; ``None`` is the system default."""
    playback: str | None
    ringer: str | None
    missing: tuple[str, ...]
    no_devices: bool


@dataclass(frozen=True, slots=True)
class FrontChanged:
    """The phone's registration with the server's SIP front over TLS: ``registered``
    (offers can reach it) or not, with why (``certificate`` true when the front
    presented another certificate than the pinned one: the phone refused it)."""

    registered: bool
    reason: str
    certificate: bool = False


SoftphoneEvent = (
    Ringing
    | Dialling
    | Connected
    | HoldChanged
    | Ended
    | DtmfReceived
    | Refused
    | AudioRouteChanged
    | FrontChanged
)
