"""What the call flow and the call control share, below both of them: the record of each
caller's call in progress, the outside gateway numbers are called through, and the
listeners told how the agents' calls go (the event socket).

The flow (``callflow/flow.py``) owns a :class:`Calls`: it adds a caller's :class:`Call`
when the call starts and removes it when it ends. It hands the same object to the call
control (``control/flow.py``), which reads the calls and the gateway from it and
publishes through it, so the control never reaches into the flow and the flow imports
the control one way only.
"""

import asyncio
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from vaxla_protocol.config import EntryPointItem, QueueItem
from vaxla_protocol.control import (
    CallProgress,
    CallProgressState,
    ParkedChanged,
    TransferChanged,
)
from vaxla_protocol.events import OfferMade
from vaxla_server.callflow.legs import CallLeg
from vaxla_server.media.messages import RecordingFinished
from vaxla_server.media.trunks import OutsideLine
from vaxla_server.notifier import Notifier, Topic
from vaxla_server.store.events import CallbackReason, EndCause

log = logging.getLogger(__name__)

CallMessage = TransferChanged | ParkedChanged | OfferMade | CallProgress
"""What the event socket gets from the calls: transfers, the personal queue, a
consultation's offer (an attended transfer's target is not offered by the dispatcher)
and the progress of an agent's call."""
Listener = Callable[[CallMessage], None]
CALL_NEWS: Topic[CallMessage] = Topic("the agents' calls")
"""Transfers, the personal queue, consultation offers and call progress, as they happen."""


@dataclass
class CallRecording:
    """The call's recording in progress (R27): ``finished`` gets the worker's report;
    ``keep_reason`` is ``None`` while it is only a buffer (deleted at the end), ``rule``
    or ``agent`` once it is to be kept; ``decided``: a rule has had its say."""

    finished: "asyncio.Future[RecordingFinished]"
    started_at: datetime
    decided: bool = False
    keep_reason: Literal["rule", "agent"] | None = None
    retention_days: int | None = None


@dataclass
class Call:
    """What the flow knows about one caller."""

    leg: CallLeg
    contact_id: int
    language: str
    entry: EntryPointItem
    data: dict[str, str] = field(default_factory=dict)
    queue: QueueItem | None = None
    answered: asyncio.Future[int] | None = None
    """Resolved with the agent who answered; replaced each time the caller waits again."""
    ringing: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    last_position: int | None = None
    repeat: Literal["position", "wait"] | None = None
    """What the caller chose (with ``#``) to hear in the repeated queue message; None:
    what the announcement set says."""
    cause: EndCause | None = None
    """Why the flow ended the call, when it was not the caller or an agent."""
    priority: int = 0
    storm_heard: datetime | None = None
    """When the storm message this caller last heard was switched on (R6)."""
    skills: dict[str, int] = field(default_factory=dict)
    """What the caller's way here (menu keys, entered data) says they need (R12)."""
    wants_callback: asyncio.Future[CallbackReason] | None = None
    """Resolved (by the queue's announcements) when the caller pressed the callback key
    or a forced rule imposes a callback (R17); replaced each time the caller waits."""
    callback_declined: bool = False
    """The caller gave no number to call back: a forced rule does not impose it again."""
    callback_at_time: bool = False
    """The caller pressed the queue's ``schedule_key``: the callback it asks for is made
    at a time it keys (R17)."""
    recording: CallRecording | None = None

    def need(self, priority: int, skills: Mapping[str, int]) -> None:
        """Add ``priority`` and ``skills``: the higher priority and level win."""
        self.priority = max(self.priority, priority)
        for skill, level in skills.items():
            self.skills[skill] = max(self.skills.get(skill, level), level)


class Calls(Mapping[int, Call]):
    """The callers' calls in progress by contact id, the outside gateway, and the news
    of the agents' calls (published on the server's notifier as ``CALL_NEWS``)."""

    def __init__(
        self,
        notifier: Notifier,
        outside_gateway: str | None = None,
        outside_line: Callable[[], OutsideLine | None] | None = None,
    ) -> None:
        self._calls: dict[int, Call] = {}
        gateway = None if outside_gateway is None else OutsideLine.of_gateway(outside_gateway)
        self._outside_line = outside_line or (lambda: gateway)
        self._notifier = notifier

    @property
    def outside_line(self) -> OutsideLine | None:
        """Where outside numbers are called now: the trunk that carries outside calls,
        else the outside gateway (``sip:host[:port]``); without either no call to a
        number is possible (a transfer there is refused or ends the call with the reason,
        an agent's outbound call is answered 503)."""
        return self._outside_line()

    # The calls

    def __getitem__(self, contact_id: int) -> Call:
        return self._calls[contact_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._calls)

    def __len__(self) -> int:
        return len(self._calls)

    def add(self, call: Call) -> None:
        self._calls[call.contact_id] = call

    def remove(self, contact_id: int) -> Call | None:
        return self._calls.pop(contact_id, None)

    # News (the event socket follows it)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Tell ``listener`` every message from now on; returns the unsubscribe."""
        return self._notifier.subscribe(CALL_NEWS, listener)

    def publish(self, message: CallMessage) -> None:
        """Hand ``message`` to every follower (one that fails is logged, the rest still
        get it)."""
        self._notifier.publish(CALL_NEWS, message)

    def progress(
        self,
        agent_id: int,
        contact_id: int,
        state: CallProgressState,
        *,
        transfer_id: str | None = None,
    ) -> None:
        """Publish a step of ``agent_id``'s call (see :class:`CallProgress`)."""
        self.publish(
            CallProgress(
                agent_id=agent_id, contact_id=contact_id, state=state, transfer_id=transfer_id
            )
        )
