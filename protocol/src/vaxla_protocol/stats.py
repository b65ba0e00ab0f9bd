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


class AgentReportRow(WireModel):
    agent_id: int
    agent: str
    answered: int
    talk_s: float
    wrap_up_s: float
    logged_in_s: float
    pause_s: dict[str, float]
