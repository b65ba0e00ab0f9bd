"""Statistics and reports (``/stats``, ``/reports``), computed from the event log.

See ``vaxla_server.stats.figures`` for how each figure is counted; the service level is
the percentage answered within the queue's goal T of the contacts offered, leaving out
those abandoned before T.
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from vaxla_protocol._base import WireModel
from vaxla_protocol.config import EmailAddress


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
    voicemail_tasks: int = 0
    """Messages routed to the queue's agents as voicemail tasks (R7); counted apart, never
    among the calls offered, answered or handled."""
    voicemail_handled: int = 0
    """Of the voicemail tasks: those that ended with their message handled."""
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


ReportKind = Literal["queues", "agents", "staffing", "classifications", "calls"]
ReportInterval = Literal["15m", "30m", "1h", "1d"]


class ReportSchedule(WireModel):
    """A report mailed as an attachment to ``recipients`` through the configured mail
    server, every day at ``hour`` (site time) for the day before (``period`` ``day``),
    on Mondays for the week before (``week``), or on the 1st for the month before
    (``month``)."""

    name: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w .-]+$")]
    report: ReportKind
    period: Literal["day", "week", "month"] = "day"
    interval: ReportInterval = "1h"
    format: Literal["csv", "xlsx", "pdf"] = "pdf"
    language: Literal["sv", "en"] = "sv"
    hour: Annotated[int, Field(ge=0, le=23)] = 6
    queue: str | None = None
    """Only this queue (by name); ``None``: every queue."""
    recipients: Annotated[list[EmailAddress], Field(min_length=1, max_length=50)]
