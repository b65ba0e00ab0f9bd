"""``/reports/schedules``: reports mailed on a schedule (R33), and the task that mails
them.

A schedule is configuration kept in the event log alone: saving one appends
``ReportScheduleSaved`` (with who did it), deleting one ``ReportScheduleDeleted``; the
schedules are the fold of those events (``Summaries.schedules``). Supervisors and
administrators read and change them; the body is validated (``ReportSchedule``: a name,
a known report, period, interval, format and language, an hour, one to 50 addresses)
and a queue named must exist.

``ReportMailer.mail_due`` runs on the server's clock (``Services.clock``, injectable):
for each schedule, the latest run at or before now (every day at ``hour``, site time,
for the day before; Mondays for the week before; the 1st for the month before), if it
came after the schedule was saved and that period was not mailed yet, renders the report
as its export route does and puts the mail, the file attached, in the alarm mails'
outbox (``alarms.mail.Mailer``: sent through the configured SMTP server, retried until
taken, kept across a restart), then appends ``ReportMailed``.
"""

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Path, Response, status

from vaxla_protocol.stats import ReportSchedule
from vaxla_server.alarms.mail import Attachment, Mail
from vaxla_server.api.centre_access import NOT_FOUND, Centre
from vaxla_server.api.deps import Now, Summary
from vaxla_server.services import Services
from vaxla_server.stats.days import SITE_TIME_ZONE
from vaxla_server.stats.export import FileFormat
from vaxla_server.stats.routes.exports import report_file
from vaxla_server.stats.routes.figures import REPORT, Interval, ReportReader
from vaxla_server.store.events import ReportMailed, ReportScheduleDeleted, ReportScheduleSaved

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/reports/schedules", tags=["statistics"])

ScheduleName = Annotated[str, Path(min_length=1, max_length=64)]
POLL_S = 30.0


@router.get("", responses=REPORT)
def list_schedules(_user: ReportReader, summaries: Summary) -> list[ReportSchedule]:
    """Every scheduled report, by name."""
    return [
        ReportSchedule.model_validate(schedule)
        for _, (schedule, _, _) in sorted(summaries.schedules().items())
    ]


@router.put("/{name}", responses=REPORT)
def save_schedule(
    user: ReportReader,
    centre: Centre,
    summaries: Summary,
    clock: Now,
    name: ScheduleName,
    schedule: Annotated[ReportSchedule, Body()],
) -> ReportSchedule:
    """Add or change the scheduled report ``name``."""
    if schedule.name != name:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"the name in the path ({name!r}) and in the body ({schedule.name!r}) differ",
        )
    if schedule.queue is not None and schedule.queue not in centre.queue_names().values():
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"no queue is named {schedule.queue!r}"
        )
    added = name not in summaries.schedules()
    centre.log.append(
        [
            ReportScheduleSaved(
                at=clock(),
                name=name,
                schedule=schedule.model_dump(mode="json"),
                added=added,
                by_user=user.id,
            )
        ]
    )
    summaries.catch_up()
    return schedule


@router.delete("/{name}", status_code=204, responses={**REPORT, **NOT_FOUND})
def delete_schedule(
    user: ReportReader, centre: Centre, summaries: Summary, clock: Now, name: ScheduleName
) -> Response:
    """Delete the scheduled report ``name``."""
    if name not in summaries.schedules():
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no scheduled report {name!r}")
    centre.log.append([ReportScheduleDeleted(at=clock(), name=name, by_user=user.id)])
    summaries.catch_up()
    return Response(status_code=204)


def latest_run(schedule: ReportSchedule, now: datetime) -> tuple[datetime, datetime, datetime]:
    """The latest run of ``schedule`` at or before ``now``: (when, period start, end)."""
    zone = SITE_TIME_ZONE
    today = now.astimezone(zone).date()

    def at(day: date, hour: int = 0) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=zone)

    if schedule.period == "day":
        run_day = today if at(today, schedule.hour) <= now else today - timedelta(days=1)
        start_day = run_day - timedelta(days=1)
    elif schedule.period == "week":
        monday = today - timedelta(days=today.weekday())
        run_day = monday if at(monday, schedule.hour) <= now else monday - timedelta(days=7)
        start_day = run_day - timedelta(days=7)
    else:
        first = today.replace(day=1)
        before = (first - timedelta(days=1)).replace(day=1)
        run_day = first if at(first, schedule.hour) <= now else before
        start_day = (run_day - timedelta(days=1)).replace(day=1)
    return at(run_day, schedule.hour), at(start_day), at(run_day)


class ReportMailer:
    """Mails the scheduled reports that are due, through the alarm mails' outbox."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._lock = threading.Lock()

    def mail_due(self) -> int:
        """Put the mails of the reports due now in the outbox; how many."""
        with self._lock:
            return self._mail_due()

    def _mail_due(self) -> int:
        services = self._services
        summaries = services.summaries
        summaries.catch_up()
        now = services.clock()
        queues = {name: queue_id for queue_id, name in services.centre.queue_names().items()}
        mailed = 0
        for name, (stored, saved, last) in sorted(summaries.schedules().items()):
            schedule = ReportSchedule.model_validate(stored)
            run, start, end = latest_run(schedule, now)
            if run < saved or (last is not None and last >= end):
                continue
            if schedule.queue is not None and schedule.queue not in queues:
                logger.warning("scheduled report %r: no queue %r any more", name, schedule.queue)
                continue
            kind = FileFormat(schedule.format)
            response = report_file(
                schedule.report,
                centre=services.centre,
                summaries=summaries,
                auth=services.auth,
                clock=services.clock,
                start=start,
                end=end,
                interval=Interval(schedule.interval),
                queue_id=None if schedule.queue is None else queues[schedule.queue],
                kind=kind,
                language=schedule.language,
            )
            file_name = response.headers["content-disposition"].split('filename="')[1][:-1]
            attachment = Attachment(file_name, response.media_type or "", bytes(response.body))
            services.mailer.post([_mail(schedule, start, end, attachment)])
            services.centre.log.append(
                [
                    ReportMailed(
                        at=now, name=name, start=start, end=end, recipients=schedule.recipients
                    )
                ]
            )
            summaries.catch_up()
            mailed += 1
        return mailed

    async def run(self, sleep: Callable[[float], Awaitable[None]]) -> None:
        """Mail what is due every ``POLL_S`` (in a thread), until cancelled."""
        while True:
            try:
                await asyncio.to_thread(self.mail_due)
            except Exception:
                logger.exception("the scheduled reports failed; they are tried again")
            await sleep(POLL_S)


def _mail(schedule: ReportSchedule, start: datetime, end: datetime, file: Attachment) -> Mail:
    first = start.astimezone(SITE_TIME_ZONE).date().isoformat()
    last = (end.astimezone(SITE_TIME_ZONE) - timedelta(seconds=1)).date().isoformat()
    days = first if first == last else f"{first} - {last}"
    return Mail(
        list(schedule.recipients),
        f"Vaxla: rapport {schedule.name} {days}",
        f"Rapporten {schedule.name!r} för {days} är bifogad ({file.name}).\n\n"
        f"The report {schedule.name!r} for {days} is attached ({file.name}).\n",
        (file,),
    )
