"""The call state machine without Qt or pjsua2: offers meet ringing calls, phases,
actions, masking and the history's outcomes."""

import datetime as dt

import pytest

from vaxla_desktop.core.call_state import (
    HOLD_ANSWER_S,
    PENDING_OFFER_S,
    Action,
    CallBook,
    CallPhase,
    Direction,
    Outcome,
    entry_label,
    format_duration,
    mask_entry,
)
from vaxla_desktop.core.phone_events import Connected, Dialling, Ended, HoldChanged, Ringing
from vaxla_protocol.control import TransferKind, TransferState
from vaxla_protocol.events import OfferMade

START = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def offer(offer_id: str = "offer-1", **data: str) -> OfferMade:
    return OfferMade(
        agent_id=1,
        offer_id=offer_id,
        contact_id=42,
        queue_id=3,
        queue="Support",
        caller="+46701234567",
        entry_point="100",
        wait_s=30.0,
        data=data,
    )


def phase_of(book: CallBook, number: int) -> CallPhase:
    return book.calls[number].phase


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def book(clock: Clock) -> CallBook:
    return CallBook(clock=clock, wall_clock=lambda: START)


def test_an_offer_that_arrives_first_waits_for_its_call(book: CallBook, clock: Clock) -> None:
    assert book.offer(offer(customer_number="1234")) is None
    clock.now += 2
    call, entry = book.apply(Ringing(1, "offer-1", "<sip:queue@10.0.0.1>"))
    assert entry is None and call is not None
    assert call.phase is CallPhase.RINGING
    assert call.offer is not None and call.offer.queue == "Support"
    assert call.caller == "+46701234567"
    assert call.offer.wait_at(clock.now) == 32.0
    assert call.actions == {Action.ANSWER, Action.DECLINE}


def test_an_offer_that_arrives_after_the_ring_is_attached(book: CallBook) -> None:
    call, _ = book.apply(Ringing(1, "offer-1", '"Q" <sip:queue@10.0.0.1>'))
    assert call is not None and call.offer is None
    assert call.caller == "queue"  # the SIP user until the server says who
    assert book.offer(offer()) is call
    assert call.caller == "+46701234567"


def test_a_caller_who_hid_the_number_is_nobody_by_name(book: CallBook) -> None:
    book.offer(offer().model_copy(update={"caller": None}))
    call, _ = book.apply(Ringing(1, "offer-1", "<sip:queue@10.0.0.1>"))
    assert call is not None and call.caller == ""
    _, entry = book.apply(Ended(1, "remote", 487, ""))
    assert entry is not None and entry.party == ""


def test_an_offer_for_another_call_does_not_attach(book: CallBook) -> None:
    book.apply(Ringing(1, "offer-1", "sip:q@h"))
    assert book.offer(offer("offer-2")) is None
    assert book.calls[1].offer is None


def test_an_unrung_offer_is_forgotten_after_a_while(book: CallBook, clock: Clock) -> None:
    book.offer(offer("offer-old"))
    clock.now += PENDING_OFFER_S + 1
    book.offer(offer("offer-new"))
    call, _ = book.apply(Ringing(1, "offer-old", "sip:q@h"))
    assert call is not None and call.offer is None


def test_answered_held_resumed_and_hung_up(book: CallBook, clock: Clock) -> None:
    book.offer(offer())
    book.apply(Ringing(1, "offer-1", "sip:q@h"))
    clock.now += 3
    call, _ = book.apply(Connected(1))
    assert call is not None and call.phase is CallPhase.TALKING
    assert Action.HOLD in call.actions and Action.ANSWER not in call.actions
    clock.now += 10
    book.apply(HoldChanged(1, True))
    assert phase_of(book, 1) is CallPhase.HELD
    assert Action.RESUME in call.actions and Action.DTMF not in call.actions
    book.apply(HoldChanged(1, False))
    assert phase_of(book, 1) is CallPhase.TALKING
    assert call.talk_seconds(clock.now) == 10
    clock.now += 5
    ended, entry = book.apply(Ended(1, "local", 200, "Normal call clearing"))
    assert ended is call
    assert ended.phase is CallPhase.ENDED
    assert entry is not None
    assert (entry.outcome, entry.talk_s, entry.queue, entry.party) == (
        Outcome.ANSWERED,
        15.0,
        "Support",
        "+46701234567",
    )
    assert entry.started == START and entry.direction is Direction.INCOMING
    assert book.calls == {} and book.current() is None


@pytest.mark.parametrize(
    ("by", "outcome"), [("remote", Outcome.MISSED), ("local", Outcome.DECLINED)]
)
def test_an_offer_not_answered_is_missed_or_declined(
    book: CallBook, by: str, outcome: Outcome
) -> None:
    book.apply(Ringing(1, "offer-1", "sip:q@h"))
    _, entry = book.apply(Ended(1, by, 487, "Request Terminated"))  # type: ignore[arg-type]
    assert entry is not None and entry.outcome is outcome and entry.talk_s == 0


def test_an_outgoing_call_that_never_connects_is_not_reached(book: CallBook) -> None:
    call, _ = book.apply(Dialling(5, "sip:+4681234567@10.0.0.1"))
    assert call is not None and call.phase is CallPhase.DIALLING
    assert call.actions == {Action.HANG_UP}
    _, entry = book.apply(Ended(5, "remote", 486, "Busy Here"))
    assert entry is not None and entry.outcome is Outcome.NOT_REACHED
    assert entry.party == "+4681234567"


def test_events_for_unknown_calls_change_nothing(book: CallBook) -> None:
    assert book.apply(Connected(9)) == (None, None)
    assert book.apply(HoldChanged(9, True)) == (None, None)
    assert book.apply(Ended(9, "remote", 200, "")) == (None, None)


def test_the_call_being_talked_in_is_current_over_a_ringing_one(book: CallBook) -> None:
    book.apply(Ringing(1, "offer-1", "sip:q@h"))
    book.apply(Connected(1))
    book.apply(Ringing(2, "offer-2", "sip:q@h"))
    current = book.current()
    assert current is not None and current.call == 1
    assert [c.call for c in book.ringing] == [2]


def test_mute_is_kept_on_the_call(book: CallBook) -> None:
    book.apply(Ringing(1, "offer-1", "sip:q@h"))
    book.apply(Connected(1))
    call = book.set_muted(1, True)
    assert call is not None and call.muted
    assert book.set_muted(2, True) is None


def test_a_consultation_is_shown_and_cleared(book: CallBook) -> None:
    book.offer(offer())
    book.apply(Ringing(1, "offer-1", "sip:q@h"))
    book.apply(Connected(1))

    def state(name: str) -> TransferState:
        return TransferState(
            transfer_id="t1",
            contact_id=42,
            kind=TransferKind.AGENT,
            target="bo",
            attended=True,
            state=name,
        )

    call = book.transfer_changed(state("consulting"))
    assert call is not None and call.transfer is not None
    assert Action.TRANSFER not in call.actions
    book.transfer_changed(state("failed"))
    assert call.transfer is not None and call.transfer.state == "failed"
    assert Action.TRANSFER in call.actions
    book.transfer_changed(state("cancelled"))
    assert call.transfer is None
    other = state("consulting").model_copy(update={"contact_id": 99})
    assert book.transfer_changed(other) is None


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("personnummer", "********-1234", "********-1234"),  # as the server sends it
        ("pnr", "198112189876", "********-9876"),
        ("kund", "811218-9876", "********-9876"),  # shaped like one: masked anyway
        ("kund", "19811218+9876", "********-9876"),
        ("customer_number", "811218-9877", "811218-9877"),  # wrong check digit: not one
        ("customer_number", "8112189876", "8112189876"),  # ten bare digits: a number
        ("pnr", "8112189876", "********-9876"),  # unless its name says otherwise
        ("kund", "201312189876", "201312189876"),  # no 13th month
        ("customer_number", "12345678", "12345678"),
        ("personnummer", "12", "12"),
        ("pin", "****", "****"),
    ],
)
def test_a_personnummer_never_shows_more_than_its_last_four(
    key: str, value: str, shown: str
) -> None:
    assert mask_entry(key, value) == shown


def test_an_offer_is_masked_on_arrival(book: CallBook) -> None:
    book.offer(offer(personnummer="198112189876", customer_number="555"))
    call, _ = book.apply(Ringing(1, "offer-1", "sip:q@h"))
    assert call is not None and call.offer is not None
    assert call.offer.entries == (("personnummer", "********-9876"), ("customer_number", "555"))


def test_labels_and_durations_read_well() -> None:
    assert entry_label("customer_number") == "Customer number"
    assert format_duration(65) == "01:05"
    assert format_duration(3661) == "1:01:01"
    assert format_duration(-3) == "00:00"


def test_one_hold_at_a_time(book: CallBook) -> None:
    book.apply(Ringing(1, "offer-1", "sip:q@h"))
    call, _ = book.apply(Connected(1))
    assert call is not None
    book.hold_requested(1)
    assert not call.actions & {Action.HOLD, Action.RESUME}
    book.apply(HoldChanged(1, True))
    assert Action.RESUME in call.actions
    book.hold_requested(1)
    book.hold_failed()
    assert Action.RESUME in call.actions


def test_a_hold_never_answered_is_forgotten(book: CallBook, clock: Clock) -> None:
    book.apply(Ringing(1, "offer-1", "sip:q@h"))
    call, _ = book.apply(Connected(1))
    assert call is not None
    book.hold_requested(1)
    clock.now += HOLD_ANSWER_S - 1
    assert not book.forget_unanswered_holds()
    assert Action.HOLD not in call.actions
    clock.now += 1
    assert book.forget_unanswered_holds()
    assert Action.HOLD in call.actions
