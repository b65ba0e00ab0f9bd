"""``/stats`` and ``/reports``: queue and agent figures computed from the event log.

``/stats/queues`` is today so far (since midnight in the site's time zone);
``/reports/queues`` splits a period into intervals; ``/reports/agents`` totals a period
per agent.
"""

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from vaxla_protocol import Role
from vaxla_protocol.stats import AgentReportRow, QueueReportRow
from vaxla_server.api.access import UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import FORBIDDEN, Centre, Responses
from vaxla_server.api.deps import Now, get_auth
from vaxla_server.auth import Auth, User
from vaxla_server.stats import agent_figures, events_between, queue_intervals
from vaxla_server.stats.days import site_midnight
from vaxla_server.stats.figures import QueueFigures
from vaxla_server.stats.routes.calls import user_names

ROUTE: Responses = {**UNAUTHORIZED_RESPONSE, **FORBIDDEN}

stats_router = APIRouter(prefix="/stats", tags=["statistics"])
reports_router = APIRouter(prefix="/reports", tags=["statistics"])

Reader = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.OPERATOR, Role.ADMIN))]


class Interval(StrEnum):
    QUARTER = "15m"
    HOUR = "1h"
    DAY = "1d"


STEPS = {
    Interval.QUARTER: timedelta(minutes=15),
    Interval.HOUR: timedelta(hours=1),
    Interval.DAY: timedelta(days=1),
}


def _aware(moment: datetime) -> datetime:
    """A time given without a zone is taken as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _rows(centre: Centre, figures: list[QueueFigures]) -> list[QueueReportRow]:
    names = centre.queue_names()
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
        )
        for f in figures
    ]


@stats_router.get("/queues", responses={**UNAUTHORIZED_RESPONSE, **FORBIDDEN})
def queues_today(_user: Reader, centre: Centre, clock: Now) -> list[QueueReportRow]:
    """Per queue, today so far (from midnight, site time, to now)."""
    now = clock()
    midnight = site_midnight(now)
    end = now + timedelta(microseconds=1)
    figures = queue_intervals(
        events_between(centre.log, midnight, end),
        start=midnight,
        end=end,
        step=end - midnight,
        goals=centre.service_goals(),
    )
    return _rows(centre, figures)


@reports_router.get("/queues", responses=ROUTE)
def queue_report(
    _user: Reader,
    centre: Centre,
    start: Annotated[datetime, Query(alias="from")],
    end: Annotated[datetime, Query(alias="to")],
    interval: Interval = Interval.HOUR,
) -> list[QueueReportRow]:
    """Per interval and queue over the period ``from`` .. ``to`` (times without a zone
    are UTC). Every queue and interval has a row, up to 2000 intervals; beyond that only
    the intervals in which something happened. An empty period has no rows."""
    start, end = _aware(start), _aware(end)
    step = STEPS[interval]
    figures = queue_intervals(
        events_between(centre.log, start, end),
        start=start,
        end=end,
        step=step,
        goals=centre.service_goals(),
    )
    return _rows(centre, figures)


@reports_router.get("/agents", responses=ROUTE)
def agent_report(
    _user: Reader,
    centre: Centre,
    auth: Annotated[Auth, Depends(get_auth)],
    clock: Now,
    start: Annotated[datetime, Query(alias="from")],
    end: Annotated[datetime, Query(alias="to")],
) -> list[AgentReportRow]:
    """Per agent over the period: contacts answered, talk, wrap-up, logged-in and pause
    time (per reason)."""
    start, end = _aware(start), _aware(end)
    if end <= start:
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
        )
        for f in agent_figures(
            events_between(centre.log, None, end), start=start, end=end, now=clock()
        )
    ]
