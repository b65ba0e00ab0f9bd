"""Alarms (R24) and stand-by agents (R23) on the wire: ``GET /alarms``, the
acknowledgement, the stand-by request, and what the event socket says of them."""

from datetime import datetime
from typing import Literal

from pydantic import Field

from vaxla_protocol._base import WireModel
from vaxla_protocol.agent import SIP_URI_PATTERN
from vaxla_protocol.config import AlarmMetric, Comparison, Severity


class AlarmState(WireModel):
    """A raised alarm: the rule, its queue, the figure that raised it (``value``
    ``comparison`` ``threshold``), and who acknowledged it, when."""

    rule: str
    queue_id: int
    queue: str
    metric: AlarmMetric
    comparison: Comparison
    threshold: float
    value: float
    severity: Severity
    raised_at: datetime
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None


class AlarmsChanged(WireModel):
    """The raised alarms now, after one was raised, cleared or acknowledged (supervisors
    and administrators)."""

    type: Literal["alarms"] = "alarms"
    alarms: list[AlarmState]


class StandbyRequest(WireModel):
    """A stand-by agent stands by: ``sip_contact`` is where its softphone takes offers
    once the server logs it in."""

    sip_contact: str | None = Field(
        default=None, min_length=1, max_length=512, pattern=SIP_URI_PATTERN
    )


class StandbyMoved(WireModel):
    """The server logged a stand-by agent in to ``queue`` or out of it, and why (the agent
    itself, supervisors and administrators)."""

    type: Literal["standby"] = "standby"
    agent_id: int
    queue_id: int
    queue: str
    logged_in: bool
    reason: str
