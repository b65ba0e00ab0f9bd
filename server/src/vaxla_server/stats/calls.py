"""The call log: one record per contact, newest first (``GET /api/v1/calls``).

Outcome, by what happened last that decides it:

* ``answered`` — an agent answered it (in whichever queue), even if the caller later hung
  up waiting after a transfer or a park (the record's agent is the one who answered
  first);
* ``abandoned`` — the caller hung up while waiting in a queue;
* ``closed`` — the server ended it outside opening hours, on a holiday, or after a
  closing message (``Ended.cause``);
* ``overflowed`` — an overflow rule took it out of a queue (or turned it away before
  it could wait) to a number or a message (one that overflowed into another queue takes
  the outcome it gets there);
* ``transferred`` — the call flow put the caller through to an outside number (a menu
  key's transfer) and the number answered; ``transfer`` names the number (one that
  overflowed to a number stays ``overflowed``, with the number as its transfer);
* ``hung_up`` — the caller hung up before reaching a queue (in the welcome or a menu);
* ``failed`` — the server ended it without an answer for any other reason (no route,
  an error, a worker that died, a restart);
* ``in_progress`` — not ended yet (``ended_at`` is null).

A caller who asked for a callback (R17) is neither answered nor abandoned until the
callback ends: ``answered`` once the citizen answered a try (the agent's taking the
callback's offer is not an answer), else ``failed`` with the end cause
``callback_unreachable`` or ``callback_cancelled``; ``callback`` marks its record.

An agent's outbound call (``direction`` ``outbound``, the number called as its entry
point) is ``answered`` when the number answered, else ``failed``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from vaxla_protocol.calls import CallOutcome
from vaxla_server.store.events import (
    Abandoned,
    Answered,
    CallbackAnswered,
    CallbackNoAnswer,
    CallbackRequested,
    Classified,
    ContactEntered,
    Ended,
    Event,
    Moved,
    NotAnswered,
    OutboundAnswered,
    OutboundCall,
    Overflowed,
    Queued,
    Transferred,
)

Outcome = CallOutcome
"""The outcomes the call log's wire model names (one list for both)."""


@dataclass
class CallRecord:
    id: int
    entry_point: str
    caller: str | None
    channel: str
    queue_id: int | None
    outcome: Outcome
    wait_seconds: float
    agent_id: int | None
    talk_seconds: float
    classification: str | None
    started_at: datetime
    ended_at: datetime | None
    queued: bool = False
    left_queue: Literal["answered", "abandoned", "overflowed"] | None = None
    transfer: Transferred | None = None
    """The last transfer of the call (its target: a queue, an agent or a number)."""
    direction: Literal["inbound", "outbound"] = "inbound"
    end_cause: str | None = None
    """``Ended.cause``: why the server ended it (a restart, a worker lost, ...)."""
    callback: bool = False
    """The caller asked for a callback (R17)."""


def fold_calls(events: Iterable[Event]) -> dict[int, CallRecord]:
    """Every contact of ``events`` as a call record, by contact id."""
    calls: dict[int, CallRecord] = {}
    for event in events:
        fold_call(calls, event)
    return calls


def fold_call(calls: dict[int, CallRecord], event: Event) -> None:
    """Fold one event into ``calls`` (the records by contact id so far)."""
    if isinstance(event, ContactEntered):
        calls[event.contact_id] = CallRecord(
            id=event.contact_id,
            entry_point=event.entry_point,
            caller=event.caller,
            channel=event.channel,
            queue_id=None,
            outcome="in_progress",
            wait_seconds=0.0,
            agent_id=None,
            talk_seconds=0.0,
            classification=None,
            started_at=event.at,
            ended_at=None,
        )
        return
    contact_id = getattr(event, "contact_id", None)
    call = calls.get(contact_id) if isinstance(contact_id, int) else None
    if call is None:
        return
    match event:
        case Queued():
            call.queue_id, call.queued = event.queue_id, True
        case Moved():
            call.queue_id = event.to_queue_id
        case Answered() if call.callback and call.left_queue != "answered":
            # An agent took the callback: answered once the citizen answers. Made
            # citizen first, the citizen answered already (the agent it waited for
            # is known): answered now.
            if call.agent_id is not None:
                call.left_queue = "answered"
            call.queue_id, call.agent_id = event.queue_id, event.agent_id
            call.wait_seconds = event.wait_seconds
        case CallbackRequested():
            # A caller a queue's rule sent to a callback (its overflow) is the callback
            # now: answered or not as the callback ends.
            call.callback, call.queue_id = True, event.queue_id
            if call.left_queue == "overflowed":
                call.left_queue = None
        case CallbackNoAnswer() | NotAnswered() if call.left_queue != "answered":
            call.agent_id = None  # (citizen first: the agent did not take the citizen)
        case CallbackAnswered() if call.agent_id is None:
            call.agent_id = event.agent_id  # citizen first: answered when the agent answers
        case CallbackAnswered():
            call.left_queue = "answered"
        case Answered():
            # After a transfer or a park the call is answered again: the record keeps
            # the agent who answered first and the wait until then.
            call.queue_id = event.queue_id
            if call.agent_id is None:
                call.agent_id, call.wait_seconds = event.agent_id, event.wait_seconds
            call.left_queue = "answered"
        case Abandoned() if call.left_queue != "answered":
            call.wait_seconds, call.left_queue = event.wait_seconds, "abandoned"
        case Overflowed() if call.left_queue != "answered":
            # Also a caller turned away before it could wait (closed, nobody logged
            # in, full): that queue is where it was, and the log names it. A call
            # answered before (then parked or moved, and overflowing from there)
            # stays answered, with the wait until its answer.
            call.queue_id = event.queue_id
            call.wait_seconds, call.left_queue = event.wait_seconds, "overflowed"
        case Transferred():
            call.transfer = event
        case OutboundCall():
            call.direction, call.agent_id = "outbound", event.agent_id
        case OutboundAnswered():
            call.left_queue = "answered"
        case Classified():
            call.classification = event.code
        case Ended():
            call.ended_at = event.at
            call.talk_seconds = event.talk_seconds
            call.end_cause = event.cause
            call.outcome = _outcome(call, event)
        case _:
            pass


def _outcome(call: CallRecord, ended: Ended) -> Outcome:
    if call.left_queue in ("answered", "abandoned"):
        return call.left_queue
    if ended.cause in _CLOSED:
        return "closed"
    if call.left_queue is not None:
        return call.left_queue
    if ended.cause == "transferred":
        return "transferred"
    if ended.by == "caller":
        return "abandoned" if call.queued else "hung_up"
    return "failed"


_CLOSED = ("closed", "holiday", "message")


@dataclass(frozen=True)
class CallFilter:
    """Which calls a call log shows (each field ``None``: any)."""

    since: datetime | None = None
    """Started at or after."""
    until: datetime | None = None
    """Started before."""
    agent_id: int | None = None
    queue_id: int | None = None
    outcome: Outcome | None = None
    entry_point: str | None = None
    classification: str | None = None

    def __call__(self, call: CallRecord) -> bool:
        return (
            (self.since is None or call.started_at >= self.since)
            and (self.until is None or call.started_at < self.until)
            and (self.agent_id is None or call.agent_id == self.agent_id)
            and (self.queue_id is None or call.queue_id == self.queue_id)
            and (self.outcome is None or call.outcome == self.outcome)
            and (self.entry_point is None or call.entry_point == self.entry_point)
            and (self.classification is None or call.classification == self.classification)
        )


def select_calls(
    calls: Iterable[CallRecord], wanted: CallFilter, limit: int | None = None
) -> list[CallRecord]:
    """The ``calls`` that ``wanted`` lets through, newest first, at most ``limit``."""
    chosen = [call for call in calls if wanted(call)]
    chosen.sort(key=lambda call: (call.started_at, call.id), reverse=True)
    return chosen if limit is None else chosen[:limit]


def call_log(
    events: Iterable[Event],
    *,
    since: datetime | None = None,
    agent_id: int | None = None,
    limit: int | None = None,
) -> list[CallRecord]:
    """The calls that started at or after ``since`` (answered by ``agent_id`` when
    given), newest first, at most ``limit``."""
    return select_calls(
        fold_calls(events).values(), CallFilter(since=since, agent_id=agent_id), limit
    )


def transfer_target(
    transfer: Transferred | None, queues: Mapping[int, str], agents: Mapping[int, str]
) -> str | None:
    """Where a transfer went, in words: ``queue Sales``, ``agent agent2``, ``number …``."""
    if transfer is None:
        return None
    if transfer.to_queue_id is not None:
        return f"queue {queues.get(transfer.to_queue_id, transfer.to_queue_id)}"
    if transfer.to_agent_id is not None:
        return f"agent {agents.get(transfer.to_agent_id, transfer.to_agent_id)}"
    return f"number {transfer.to_number}"


def names(mapping: Mapping[int, str], key: int | None) -> str | None:
    return None if key is None else mapping.get(key, str(key))
