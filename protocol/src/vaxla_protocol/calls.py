"""The call log (``GET /api/v1/calls``): one record per call, newest first.

The names of ``id``, ``entry_point``, ``queue``, ``outcome``, ``wait_seconds``, ``agent``,
``started_at`` and ``ended_at`` are fixed: other tools (the benchmarks, the end-to-end
tests) read them.
"""

from datetime import datetime
from typing import Literal

from vaxla_protocol._base import WireModel

CallOutcome = Literal[
    "answered",
    "abandoned",
    "overflowed",
    "closed",
    "transferred",
    "hung_up",
    "failed",
    "in_progress",
]
"""``answered``: an agent answered it (whatever happened after); ``abandoned``: the caller
hung up waiting in a queue; ``overflowed``: an overflow rule took it out of a queue, or
turned it away, to a number or a message; ``closed``: ended outside opening hours or
after a closing message; ``transferred``: the call flow put the caller through to an
outside number (a menu key's transfer, ``transferred_to`` names it) and it answered;
``hung_up``: the caller hung up before reaching a queue; ``failed``: ended by the server
for any other reason; ``in_progress``: not ended yet. ``transferred`` was added later:
a client that does not know an outcome shows it as it comes."""


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
    agent2``, ``number 0701234567``), the last one if several, or the number the call
    flow put the caller through to (outcome ``transferred``, or ``overflowed`` to a
    number); null if it was not transferred. Added with the call control; the default
    keeps older clients reading."""
    direction: Literal["inbound", "outbound"] = "inbound"
    """``outbound``: an agent called the number ``entry_point`` from its softphone
    (``caller`` and ``agent`` are that agent; ``answered`` if the number answered,
    else ``failed``). Added with outbound calls; the default keeps older clients reading."""
    end_cause: str | None = None
    """Why the server ended the call, when it did: ``restart`` (closed by a server
    restart), ``worker_died``, ``media_timeout``, ``closed``, ``holiday``, ``message``,
    ``no_route``, ``error``, ... (null while in progress or when a person hung up).
    Added with the fault fixes; the default keeps older clients reading."""
