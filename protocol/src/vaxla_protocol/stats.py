"""Statistics and reports (``/stats``, ``/reports``), computed from the event log.

See ``vaxla_server.stats.figures`` for how each figure is counted; the service level is
the percentage answered within the queue's goal T of the contacts offered, leaving out
those abandoned before T.
"""

from datetime import datetime

from vaxla_protocol._base import WireModel


class QueueReportRow(WireModel):
    queue_id: int
    queue: str
    start: datetime
    end: datetime
    offered: int
    answered: int
    answered_within_goal: int
    abandoned: int
    abandoned_short: int
    overflowed: int
    service_level: float | None
    average_wait_s: float | None
    max_wait_s: float
    average_speed_of_answer_s: float | None
    average_handle_s: float | None
    service_goal_s: float | None = None
    """The queue's goal T (answered within T seconds) the service level is counted with."""
    service_goal_percent: float | None = None
    """The share of calls the queue aims to answer within T (the goal, beside the level)."""
    abandoned_within_5s: int = 0
    """Of ``abandoned``: those who hung up within 5 s of starting to wait."""
    callbacks: int = 0
    """Callers who asked to be called back instead of waiting."""
    average_talk_s: float | None = None
    average_wrap_up_s: float | None = None


class AgentReportRow(WireModel):
    agent_id: int
    agent: str
    answered: int
    talk_s: float
    wrap_up_s: float
    logged_in_s: float
    pause_s: dict[str, float]
    ready_s: float = 0.0
    """Logged in and ready: not paused, not talking, not wrapping up."""
    average_talk_s: float | None = None


class StaffingRow(WireModel):
    """How many agents a queue had in an interval, on average over it (agent-seconds
    over the interval's seconds): logged in to the queue, ready in it, busy (talking)."""

    queue_id: int
    queue: str
    start: datetime
    end: datetime
    logged_in: float
    ready: float
    busy: float


class ClassificationRow(WireModel):
    """Contacts classified with ``code`` in a queue over the period."""

    queue_id: int
    queue: str
    code: str
    count: int
