"""``/stats`` and ``/reports``: queue and agent figures computed from the event log.

``/stats/queues`` is today so far (since midnight in the site's time zone), for every
watcher. The reports are the supervisors' and administrators' (agents and operators get
403) and read the incremental summaries (``stats/summary.py``), not the log:
``/reports/queues`` and ``/reports/staffing`` split a period into intervals (15 or 30
minutes, an hour, or the site's day, 23 to 25 hours); ``/reports/agents`` and
``/reports/classifications`` total a period. ``from`` and ``to`` must lie on a quarter
hour (times without a zone are UTC); anything else is refused with 422 and the reason.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status

from vaxla_protocol import Role
from vaxla_protocol.stats import AgentReportRow, ClassificationRow, QueueReportRow, StaffingRow
from vaxla_server.api.access import UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import FORBIDDEN, NOT_FOUND, Centre, Responses
from vaxla_server.api.deps import Now, Summary, get_auth
from vaxla_server.auth import Auth, User
from vaxla_server.stats.days import SITE_TIME_ZONE
from vaxla_server.stats.figures import DENSE_LIMIT, QueueFigures
from vaxla_server.stats.routes.calls import user_names
from vaxla_server.stats.summary import QueueInterval, Summaries, interval_edges

ROUTE: Responses = {**UNAUTHORIZED_RESPONSE, **FORBIDDEN}

stats_router = APIRouter(prefix="/stats", tags=["statistics"])
reports_router = APIRouter(prefix="/reports", tags=["statistics"])

Reader = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.OPERATOR, Role.ADMIN))]


class Interval(StrEnum):
    QUARTER = "15m"
    HALF_HOUR = "30m"
    HOUR = "1h"
    DAY = "1d"


ReportReader = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.ADMIN))]
From = Annotated[datetime, Query(alias="from", description="Start (UTC if no zone).")]
To = Annotated[datetime, Query(alias="to", description="End, not included.")]
QueueChoice = Annotated[int | None, Query(alias="queue", description="Only this queue (id).")]
BAD_PERIOD: Responses = {
    status.HTTP_422_UNPROCESSABLE_CONTENT: {
        "description": "A period not on quarter hours, or an unknown interval."
    }
}
REPORT: Responses = {**ROUTE, **BAD_PERIOD}


def aware(moment: datetime) -> datetime:
    """A time given without a zone is taken as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _rows(centre: Centre, figures: Sequence[QueueFigures | QueueInterval]) -> list[QueueReportRow]:
    names = centre.queue_names()
    percents = {view.queue_id: view.service_goal_percent for view in centre.queues()}
    goals = centre.service_goals()
    return [
        QueueReportRow(
            queue_id=f.queue_id,
            queue=names.get(f.queue_id, str(f.queue_id)),
            start=f.start,
            end=f.end,
            offered=f.offered,
            answered=f.answered,
            answered_within_goal=f.answered_within_goal,
            abandoned=f.abandoned,
            abandoned_short=f.abandoned_short,
            overflowed=f.overflowed,
            service_level=f.service_level,
            average_wait_s=f.average_wait_s,
            max_wait_s=f.max_wait_s,
            average_speed_of_answer_s=f.average_speed_of_answer_s,
            average_handle_s=f.average_handle_s,
            service_goal_s=goals.get(f.queue_id),
            service_goal_percent=percents.get(f.queue_id),
            **(
                {
                    "abandoned_within_5s": f.abandoned_within_5s,
                    "callbacks": f.callbacks,
                    "voicemail_tasks": f.voicemail_tasks,
                    "voicemail_handled": f.voicemail_handled,
                    "average_talk_s": f.average_talk_s,
                    "average_wrap_up_s": f.average_wrap_up_s,
                }
                if isinstance(f, QueueInterval)
                else {}
            ),
        )
        for f in figures
    ]


@stats_router.get("/queues", responses={**UNAUTHORIZED_RESPONSE, **FORBIDDEN})
def queues_today(
    _user: Reader, centre: Centre, summaries: Summary, clock: Now
) -> list[QueueReportRow]:
    """Per queue, today so far (from midnight, site time, to now)."""
    now = clock()
    figures = summaries.today(now, centre.service_goals())
    return _rows(centre, figures)


def checked_edges(start: datetime, end: datetime, interval: Interval) -> list[datetime]:
    try:
        return interval_edges(aware(start), aware(end), interval.value, SITE_TIME_ZONE)
    except OverflowError:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail="the period is out of range"
        ) from None
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None


def _goals(centre: Centre, queue_id: int | None) -> dict[int, float]:
    goals = centre.service_goals()
    if queue_id is None:
        return goals
    if queue_id not in goals:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no queue {queue_id}")
    return {queue_id: goals[queue_id]}


@dataclass(frozen=True)
class Period:
    """A report's period in intervals, and the queue asked for (``None``: every one)."""

    edges: list[datetime]
    queue_id: int | None
    start: datetime
    end: datetime


def report_period(
    start: From, end: To, interval: Interval = Interval.HOUR, queue_id: QueueChoice = None
) -> Period:
    return Period(checked_edges(start, end, interval), queue_id, aware(start), aware(end))


Intervals = Annotated[Period, Depends(report_period)]


def queue_rows(
    centre: Centre, summaries: Summaries, period: Period, now: datetime
) -> list[QueueInterval]:
    dense = len(period.edges) - 1 <= DENSE_LIMIT
    goals = _goals(centre, period.queue_id)
    return summaries.queue_intervals(period.edges, goals, now=now, dense=dense)


@reports_router.get("/queues", responses={**REPORT, **NOT_FOUND})
def queue_report(
    _user: ReportReader, centre: Centre, summaries: Summary, clock: Now, period: Intervals
) -> list[QueueReportRow]:
    """Per interval and queue over the period ``from`` .. ``to``: offered, answered,
    abandoned (and within 5 s), overflowed, callbacks, the service level and its goal,
    waits, talk and wrap-up. Every queue and interval has a row, up to 2000 intervals;
    beyond that only the intervals in which something happened. An empty period has no
    rows."""
    return _rows(centre, queue_rows(centre, summaries, period, clock()))


@reports_router.get("/staffing", responses={**REPORT, **NOT_FOUND})
def staffing_report(
    _user: ReportReader, centre: Centre, summaries: Summary, clock: Now, period: Intervals
) -> list[StaffingRow]:
    """Staffing ("bemanning") per interval and queue: how many agents were logged in to
    the queue, ready in it and busy (talking) in it, on average over the interval."""
    names = centre.queue_names()
    rows = []
    for f in queue_rows(centre, summaries, period, clock()):
        logged_in, ready, busy = f.staffing()
        rows.append(
            StaffingRow(
                queue_id=f.queue_id,
                queue=names.get(f.queue_id, str(f.queue_id)),
                start=f.start,
                end=f.end,
                logged_in=logged_in,
                ready=ready,
                busy=busy,
            )
        )
    return rows


@reports_router.get("/classifications", responses={**REPORT, **NOT_FOUND})
def classification_report(
    _user: ReportReader,
    centre: Centre,
    summaries: Summary,
    clock: Now,
    start: From,
    end: To,
    queue_id: QueueChoice = None,
) -> list[ClassificationRow]:
    """Contacts per classification code and queue over the period (a contact counts in
    the queue it was answered in, at the time it was classified), by queue then code."""
    edges = checked_edges(start, end, Interval.DAY)
    whole = Period([edges[0], edges[-1]] if edges else [], queue_id, start, end)
    names = centre.queue_names()
    return [
        ClassificationRow(
            queue_id=f.queue_id,
            queue=names.get(f.queue_id, str(f.queue_id)),
            code=code,
            count=count,
        )
        for f in queue_rows(centre, summaries, whole, clock())
        for code, count in sorted(f.classified.items())
    ]


@reports_router.get("/agents", responses=REPORT)
def agent_report(
    _user: ReportReader,
    summaries: Summary,
    auth: Annotated[Auth, Depends(get_auth)],
    clock: Now,
    start: From,
    end: To,
) -> list[AgentReportRow]:
    """Per agent over the period: contacts answered, talk (and its average), wrap-up,
    logged-in and ready time, and pause time per reason."""
    edges = checked_edges(start, end, Interval.DAY)
    if not edges:
        return []
    names = user_names(auth)
    return [
        AgentReportRow(
            agent_id=f.agent_id,
            agent=names.get(f.agent_id, str(f.agent_id)),
            answered=f.answered,
            talk_s=f.talk_s,
            wrap_up_s=f.wrap_up_s,
            logged_in_s=f.logged_in_s,
            pause_s=f.pause_s,
            ready_s=f.ready_s,
            average_talk_s=f.average_talk_s,
        )
        for f in summaries.agent_figures(edges[0], edges[-1], now=clock())
    ]
