"""Statistics, reports and the call log, computed from the event log alone (R31-R33).

Nothing here keeps state of its own: every figure is a fold over the events, so a report
of last month and the wallboard of this minute agree by construction.
"""

from vaxla_server.stats.calls import CallRecord, call_log
from vaxla_server.stats.figures import (
    AgentFigures,
    QueueFigures,
    agent_figures,
    queue_figures,
    queue_intervals,
)
from vaxla_server.stats.reading import events_after, events_between

__all__ = [
    "AgentFigures",
    "CallRecord",
    "QueueFigures",
    "agent_figures",
    "call_log",
    "events_after",
    "events_between",
    "queue_figures",
    "queue_intervals",
]
