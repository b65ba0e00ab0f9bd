"""The call log's fold over random event sequences: once answered, a call stays
answered, whatever follows (a park, a move, an overflow from the queue it was moved to,
a transfer, an abandon of a later wait)."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from vaxla_server.stats.calls import fold_calls
from vaxla_server.store.events import (
    Abandoned,
    Answered,
    ContactEntered,
    Ended,
    Event,
    Moved,
    Overflowed,
    Parked,
    Queued,
    Transferred,
)

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
CONTACT = 1


def _event(kind: str, at: datetime, queue: int) -> Event:
    match kind:
        case "queued":
            return Queued(at=at, contact_id=CONTACT, queue_id=queue, position=1)
        case "answered":
            return Answered(at=at, contact_id=CONTACT, queue_id=queue, agent_id=7,
                            wait_seconds=12.0)  # fmt: skip
        case "parked":
            return Parked(at=at, contact_id=CONTACT, agent_id=7, queue_id=queue)
        case "moved":
            return Moved(at=at, contact_id=CONTACT, queue_id=queue, to_queue_id=queue + 1)
        case "overflowed":
            return Overflowed(at=at, contact_id=CONTACT, queue_id=queue, rule="schedule",
                              target="message closed", wait_seconds=40.0)  # fmt: skip
        case "abandoned":
            return Abandoned(at=at, contact_id=CONTACT, queue_id=queue, position=1,
                             wait_seconds=30.0)  # fmt: skip
        case "transferred":
            return Transferred(at=at, contact_id=CONTACT, agent_id=7, queue_id=queue,
                               to_queue_id=queue + 1)  # fmt: skip
    raise AssertionError(kind)


KINDS = ["queued", "answered", "parked", "moved", "overflowed", "abandoned", "transferred"]


@settings(max_examples=400, deadline=None)
@given(
    kinds=st.lists(st.sampled_from(KINDS), max_size=8),
    by=st.sampled_from(["caller", "agent", "system"]),
    cause=st.sampled_from([None, "closed", "holiday", "message", "transferred", "error"]),
)
def test_once_answered_a_call_stays_answered(kinds: list[str], by: str, cause: str | None) -> None:
    at = START
    events: list[Event] = [ContactEntered(at=at, contact_id=CONTACT, entry_point="200")]
    for n, kind in enumerate(kinds):
        at += timedelta(seconds=5)
        events.append(_event(kind, at, queue=1 + n % 3))
    events.append(Ended(at=at + timedelta(seconds=5), contact_id=CONTACT, by=by, cause=cause))
    record = fold_calls(events)[CONTACT]
    if "answered" in kinds:
        assert record.outcome == "answered", (kinds, by, cause)
        assert record.agent_id == 7 and record.wait_seconds == 12.0
    else:
        assert record.outcome != "answered"


def test_answered_parked_moved_to_a_closed_queue_and_overflowed_is_answered() -> None:
    """The probe's case: answered, parked, moved by a supervisor to a closed queue, which
    turns it away with the closed message."""
    t = [START + timedelta(seconds=s) for s in range(6)]
    events: list[Event] = [
        ContactEntered(at=t[0], contact_id=CONTACT, entry_point="200"),
        Queued(at=t[1], contact_id=CONTACT, queue_id=1, position=1),
        Answered(at=t[2], contact_id=CONTACT, queue_id=1, agent_id=7, wait_seconds=12.0),
        Parked(at=t[3], contact_id=CONTACT, agent_id=7, queue_id=1),
        Moved(at=t[4], contact_id=CONTACT, queue_id=1, to_queue_id=2),
        Overflowed(
            at=t[4],
            contact_id=CONTACT,
            queue_id=2,
            rule="schedule",
            target="message closed",
            wait_seconds=40.0,
        ),
        Ended(at=t[5], contact_id=CONTACT, by="system", cause="closed"),
    ]
    record = fold_calls(events)[CONTACT]
    assert (record.outcome, record.wait_seconds) == ("answered", 12.0)
