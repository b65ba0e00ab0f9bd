"""The call log (``GET /api/v1/calls``): one record per call, newest first.

The names of ``id``, ``entry_point``, ``queue``, ``outcome``, ``wait_seconds``, ``agent``,
``started_at`` and ``ended_at`` are fixed: other tools (the benchmarks, the end-to-end
tests) read them.
"""

from datetime import datetime
from typing import Literal

from vaxla_protocol._base import WireModel

CallOutcome = Literal[
    "answered", "abandoned", "overflowed", "closed", "hung_up", "failed", "in_progress"
]


class CallRecord(WireModel):
    id: int
    entry_point: str
    caller: str | None
    channel: str
    queue: str | None
    """The name of the queue it was last in, or was turned away at (closed, nobody logged
    in, full); null if it never reached one."""
    outcome: CallOutcome
    wait_seconds: float
    agent: str | None
    """The user name of the agent who answered it."""
    talk_seconds: float
    classification: str | None
    started_at: datetime
    ended_at: datetime | None
    transferred_to: str | None = None
    """Where the answering agent handed the call on, in words (``queue Sales``, ``agent
    agent2``, ``number 0701234567``), the last one if several; null if it was not
    transferred. Added with the call control; the default keeps older clients reading."""
    direction: Literal["inbound", "outbound"] = "inbound"
    """``outbound``: an agent called the number ``entry_point`` from its softphone
    (``caller`` and ``agent`` are that agent; ``answered`` if the number answered,
    else ``failed``). Added with outbound calls; the default keeps older clients reading."""
