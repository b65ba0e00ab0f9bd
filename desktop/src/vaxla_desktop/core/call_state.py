"""The softphone's calls as the agent sees them: what rings, who is talking, what may be
done now, and what goes into the call history.

Two sources meet here. The softphone reports SIP (:mod:`vaxla_desktop.core.phone_events`)
and the server's event socket reports the offer (:class:`vaxla_protocol.OfferMade`,
with the caller's number, queue, wait and entered data). They are matched by
``offer_id`` in whichever order they arrive. Nothing here knows Qt or pjsua2, and time
comes from the injected clocks, so the tests drive it directly.
"""

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from vaxla_desktop.core.phone_events import (
    Connected,
    Dialling,
    Ended,
    HoldChanged,
    Ringing,
    SoftphoneEvent,
)
from vaxla_protocol.control import TransferState
from vaxla_protocol.events import OfferMade

# An offer seen on the socket waits this long for its INVITE before it is forgotten.
PENDING_OFFER_S = 60.0
# A hold or resume (re-INVITE) is answered well within this, or has failed.
HOLD_ANSWER_S = 8.0
_PERSONNUMMER = re.compile(r"(?P<date>\d{6}|\d{8})(?P<separator>[-+]?)(?P<serial>\d{4})")
_SENSITIVE_KEY = re.compile(r"personnummer|pnr|ssn|samordning", re.I)


class CallPhase(StrEnum):
    RINGING = "ringing"
    DIALLING = "dialling"
    TALKING = "talking"
    HELD = "held"
    ENDED = "ended"


class Action(StrEnum):
    """What the agent may do to a call in its current phase."""

    ANSWER = "answer"
    DECLINE = "decline"
    HANG_UP = "hang_up"
    HOLD = "hold"
    RESUME = "resume"
    MUTE = "mute"
    DTMF = "dtmf"
    TRANSFER = "transfer"


_ACTIONS: dict[CallPhase, frozenset[Action]] = {
    CallPhase.RINGING: frozenset({Action.ANSWER, Action.DECLINE}),
    CallPhase.DIALLING: frozenset({Action.HANG_UP}),
    CallPhase.TALKING: frozenset(
        {Action.HANG_UP, Action.HOLD, Action.MUTE, Action.DTMF, Action.TRANSFER}
    ),
    CallPhase.HELD: frozenset({Action.HANG_UP, Action.RESUME, Action.TRANSFER}),
    CallPhase.ENDED: frozenset(),
}


class Outcome(StrEnum):
    ANSWERED = "answered"
    MISSED = "missed"
    """An offer that rang and ended unanswered (no answer in time, the caller left)."""
    DECLINED = "declined"
    NOT_REACHED = "not_reached"
    """An outgoing call that never connected."""


class Direction(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, character in enumerate(reversed(digits)):
        value = int(character) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _looks_like_personnummer(value: str) -> bool:
    """Written as a personnummer is (``YYMMDD-NNNN``, or 12 digits from a century 18-20)
    with a real date and check digit. Ten bare digits are not enough on their own: a
    customer number has that shape often enough, and the agent needs to read it."""
    match = _PERSONNUMMER.fullmatch(value.strip())
    if match is None:
        return False
    written_as_one = len(match["date"]) == 8 and match["date"][:2] in ("18", "19", "20")
    if not (written_as_one or match["separator"]):
        return False
    date = match["date"][-6:]
    month, day = int(date[2:4]), int(date[4:6])
    day = day - 60 if day > 60 else day  # samordningsnummer: day + 60
    return 1 <= month <= 12 and 1 <= day <= 31 and _luhn_ok(date + match["serial"])


def mask_entry(key: str, value: str) -> str:
    """``value`` as the agent may see it: a personnummer shows only its last four digits.

    The server masks personnummer already (``********-NNNN``); this is the desktop's own
    guard, so an unmasked one (an older server, a field named by hand) never reaches the
    screen. A value is masked when it is written like a valid personnummer (date and
    check digit), or when its key says it is one.
    """
    digits = [character for character in value if character.isdigit()]
    if value.startswith("*"):
        return value  # masked by the server
    if _looks_like_personnummer(value) or (_SENSITIVE_KEY.search(key) and len(digits) >= 4):
        return "********-" + "".join(digits[-4:])
    return value


def entry_label(key: str) -> str:
    """A data key as a label: ``customer_number`` → ``Customer number``."""
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else key


@dataclass(frozen=True, slots=True)
class OfferDetails:
    """What the server said about an offered caller, with the desktop's mask applied."""

    offer_id: str
    contact_id: int
    caller: str | None
    queue: str
    wait_s: float
    entries: tuple[tuple[str, str], ...]
    seen_at: float
    """Monotonic time the offer arrived: the wait keeps growing while it rings."""
    callback_number: str | None = None
    """A callback (R17): the number the server calls for the agent once answered."""

    @classmethod
    def from_offer(cls, offer: OfferMade, now: float) -> "OfferDetails":
        entries = tuple((key, mask_entry(key, value)) for key, value in offer.data.items())
        return cls(
            offer.offer_id,
            offer.contact_id,
            offer.caller,
            offer.queue,
            offer.wait_s,
            entries,
            now,
            offer.callback_number,
        )

    def wait_at(self, now: float) -> float:
        return self.wait_s + max(0.0, now - self.seen_at)


@dataclass(slots=True)
class PhoneCall:
    call: int
    direction: Direction
    remote: str
    phase: CallPhase
    started_at: float
    started_wall: dt.datetime
    offer_id: str | None = None
    offer: OfferDetails | None = None
    connected_at: float | None = None
    ended_at: float | None = None
    muted: bool = False
    hold_asked_at: float | None = None
    """When hold or resume was asked, until its re-INVITE is answered."""
    transfer: TransferState | None = None
    outcome: Outcome | None = None
    end_reason: str = ""

    @property
    def actions(self) -> frozenset[Action]:
        actions = _ACTIONS[self.phase]
        if self.hold_asked_at is not None:
            actions = actions - {Action.HOLD, Action.RESUME}
        if self.transfer is not None and self.transfer.state == "consulting":
            actions = actions - {Action.TRANSFER}
        return actions

    @property
    def caller(self) -> str:
        """Who the agent talks to: the caller's number as the server told it (empty for
        a caller who hid it), the number called back for a callback, else the SIP user
        of the other end."""
        if self.offer is not None and self.offer.callback_number is not None:
            return self.offer.callback_number
        if self.offer is not None:
            return self.offer.caller or ""
        return _user_of(self.remote)

    def talk_seconds(self, now: float) -> float:
        if self.connected_at is None:
            return 0.0
        end = self.ended_at if self.ended_at is not None else now
        return max(0.0, end - self.connected_at)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One finished call for the call history."""

    started: dt.datetime
    direction: Direction
    party: str
    """The caller's number (or the SIP user dialled)."""
    queue: str | None
    talk_s: float
    outcome: Outcome


@dataclass(slots=True)
class CallBook:
    """The softphone's calls now, and offers from the socket not yet rung."""

    clock: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], dt.datetime] = field(
        default=lambda: dt.datetime.now(dt.UTC).astimezone()
    )
    calls: dict[int, PhoneCall] = field(default_factory=dict)
    _pending: dict[str, OfferDetails] = field(default_factory=dict)

    def offer(self, offer: OfferMade) -> PhoneCall | None:
        """Attach ``offer`` to the call it rings; the call, or ``None`` until it rings."""
        now = self.clock()
        details = OfferDetails.from_offer(offer, now)
        for call in self.calls.values():
            if call.offer_id == offer.offer_id:
                call.offer = details
                return call
        self._pending = {
            key: pending
            for key, pending in self._pending.items()
            if now - pending.seen_at < PENDING_OFFER_S
        }
        self._pending[offer.offer_id] = details
        return None

    def apply(self, event: SoftphoneEvent) -> tuple[PhoneCall | None, HistoryEntry | None]:
        """Take a softphone event: the call it changed, and a history entry if it ended."""
        now = self.clock()
        match event:
            case Ringing(call=number, offer_id=offer_id, remote=remote):
                phone_call = PhoneCall(
                    number,
                    Direction.INCOMING,
                    remote,
                    CallPhase.RINGING,
                    now,
                    self.wall_clock(),
                    offer_id=offer_id,
                    offer=self._pending.pop(offer_id, None),
                )
                self.calls[number] = phone_call
                return phone_call, None
            case Dialling(call=number, remote=remote):
                phone_call = PhoneCall(
                    number, Direction.OUTGOING, remote, CallPhase.DIALLING, now, self.wall_clock()
                )
                self.calls[number] = phone_call
                return phone_call, None
            case Connected(call=number):
                if (connected := self.calls.get(number)) is None:
                    return None, None
                connected.phase = CallPhase.TALKING
                if connected.connected_at is None:
                    connected.connected_at = now
                return connected, None
            case HoldChanged(call=number, on_hold=on_hold):
                if (held := self.calls.get(number)) is None:
                    return None, None
                held.hold_asked_at = None
                if held.phase in (CallPhase.TALKING, CallPhase.HELD):
                    held.phase = CallPhase.HELD if on_hold else CallPhase.TALKING
                return held, None
            case Ended(call=number, by=by, reason=reason):
                if (ended := self.calls.pop(number, None)) is None:
                    return None, None
                ended.phase = CallPhase.ENDED
                ended.ended_at = now
                ended.end_reason = reason
                ended.outcome = _outcome(ended, by)
                return ended, _history(ended, now)
        return None, None

    def hold_requested(self, number: int) -> None:
        """Hold or resume was asked: no second request until the answer."""
        if (phone_call := self.calls.get(number)) is not None:
            phone_call.hold_asked_at = self.clock()

    def hold_failed(self) -> None:
        """The softphone could not send a hold or resume: the agent may try again."""
        for phone_call in self.calls.values():
            phone_call.hold_asked_at = None

    def forget_unanswered_holds(self) -> bool:
        """A hold or resume unanswered for ``HOLD_ANSWER_S`` (the other side refused the
        re-INVITE): the agent may try again. Whether any was forgotten."""
        now = self.clock()
        forgotten = False
        for phone_call in self.calls.values():
            asked = phone_call.hold_asked_at
            if asked is not None and now - asked >= HOLD_ANSWER_S:
                phone_call.hold_asked_at = None
                forgotten = True
        return forgotten

    def set_muted(self, number: int, muted: bool) -> PhoneCall | None:
        phone_call = self.calls.get(number)
        if phone_call is not None:
            phone_call.muted = muted
        return phone_call

    def transfer_changed(self, state: TransferState) -> PhoneCall | None:
        """Show a transfer's progress on the call of its contact."""
        for phone_call in self.calls.values():
            if phone_call.offer is not None and phone_call.offer.contact_id == state.contact_id:
                # A failed one stays, so its reason is shown until the next attempt.
                finished = state.state in ("completed", "cancelled")
                phone_call.transfer = None if finished else state
                return phone_call
        return None

    @property
    def ringing(self) -> list[PhoneCall]:
        return [c for c in self.calls.values() if c.phase is CallPhase.RINGING]

    def current(self) -> PhoneCall | None:
        """The call the panel shows: one being talked in, else on hold, else ringing."""
        order = (CallPhase.TALKING, CallPhase.DIALLING, CallPhase.HELD, CallPhase.RINGING)
        shown = [c for c in self.calls.values() if c.phase in order]
        if not shown:
            return None
        return min(shown, key=lambda c: (order.index(c.phase), c.started_at))


def _outcome(phone_call: PhoneCall, by: str) -> Outcome:
    if phone_call.connected_at is not None:
        return Outcome.ANSWERED
    if phone_call.direction is Direction.OUTGOING:
        return Outcome.NOT_REACHED
    return Outcome.DECLINED if by == "local" else Outcome.MISSED


def _history(phone_call: PhoneCall, now: float) -> HistoryEntry:
    return HistoryEntry(
        started=phone_call.started_wall,
        direction=phone_call.direction,
        party=phone_call.caller,
        queue=phone_call.offer.queue if phone_call.offer is not None else None,
        talk_s=phone_call.talk_seconds(now),
        outcome=phone_call.outcome or Outcome.MISSED,
    )


def _user_of(uri: str) -> str:
    """``"Name" <sip:user@host>`` → ``user`` (or the URI as given if it is not one)."""
    match = re.search(r"<?(?:sips?|tel):([^@>;]+)", uri)
    return match.group(1) if match else uri


def format_duration(seconds: float) -> str:
    """``65`` → ``01:05``; an hour or more → ``1:01:05``."""
    whole = int(max(0.0, seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
