"""``/reports/*/export`` and ``/calls/export``: each report as a file (CSV, XLSX, PDF),
headers in Swedish (``lang=sv``, the default) or English; the same rows as the report's
JSON route, the same roles (supervisors and administrators)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from vaxla_protocol import Role
from vaxla_protocol.calls import CallOutcome
from vaxla_server.api.access import require_role
from vaxla_server.api.centre_access import NOT_FOUND, Centre, Responses
from vaxla_server.api.deps import Now, Summary, get_auth
from vaxla_server.auth import Auth, User
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.clock import WallClock
from vaxla_server.stats.days import SITE_TIME_ZONE
from vaxla_server.stats.export import (
    CONTENT_TYPES,
    Chart,
    Column,
    FileFormat,
    Language,
    Table,
    Value,
    render,
)
from vaxla_server.stats.routes.calls import calls
from vaxla_server.stats.routes.figures import (
    REPORT,
    From,
    Interval,
    Intervals,
    QueueChoice,
    ReportReader,
    To,
    agent_report,
    aware,
    checked_edges,
    classification_report,
    queue_report,
    report_period,
    staffing_report,
)
from vaxla_server.stats.summary import Summaries

router = APIRouter(prefix="/reports", tags=["statistics"])
calls_router = APIRouter(prefix="/calls", tags=["calls"])

Format = Annotated[FileFormat, Query(alias="format", description="csv, xlsx or pdf")]
Lang = Annotated[Language, Query(alias="lang", description="Headers in sv or en")]
FILE: Responses = {
    **REPORT,
    **NOT_FOUND,
    200: {
        "description": "The report as a file (an attachment with its name).",
        "content": {kind: {} for kind in CONTENT_TYPES.values()},
    },
}

START, END, QUEUE = (
    Column("start", "Från", "From"),
    Column("end", "Till", "To"),
    Column("queue", "Kö", "Queue"),
)
QUEUE_COLUMNS = [
    START,
    END,
    QUEUE,
    Column("offered", "Erbjudna", "Offered"),
    Column("answered", "Besvarade", "Answered"),
    Column("abandoned", "Avbrutna", "Abandoned"),
    Column("abandoned_within_5s", "Avbrutna inom 5 s", "Abandoned within 5 s"),
    Column("overflowed", "Överflödade", "Overflowed"),
    Column("callbacks", "Återuppringningar", "Callbacks"),
    Column("voicemail_tasks", "Röstbrevlådeärenden", "Voicemail tasks"),
    Column("voicemail_handled", "Hanterade röstbrevlådeärenden", "Voicemail tasks handled"),
    Column("service_level", "Servicenivå (%)", "Service level (%)"),
    Column("service_goal_percent", "Mål (%)", "Goal (%)"),
    Column("service_goal_s", "Mål inom (s)", "Goal within (s)"),
    Column("average_wait_s", "Medelväntetid (s)", "Average wait (s)"),
    Column("max_wait_s", "Längsta väntetid (s)", "Longest wait (s)"),
    Column("average_talk_s", "Medelsamtalstid (s)", "Average talk (s)"),
    Column("average_wrap_up_s", "Medelefterarbete (s)", "Average wrap-up (s)"),
]
STAFFING_COLUMNS = [
    START,
    END,
    QUEUE,
    Column("logged_in", "Inloggade", "Logged in"),
    Column("ready", "Redo", "Ready"),
    Column("busy", "Upptagna", "Busy"),
]
CLASSIFICATION_COLUMNS = [
    QUEUE,
    Column("code", "Klassning", "Classification"),
    Column("count", "Antal", "Count"),
]
AGENT_COLUMNS = [
    Column("agent", "Handläggare", "Agent"),
    Column("answered", "Besvarade", "Answered"),
    Column("talk_s", "Samtalstid (s)", "Talk (s)"),
    Column("average_talk_s", "Medelsamtalstid (s)", "Average talk (s)"),
    Column("wrap_up_s", "Efterarbete (s)", "Wrap-up (s)"),
    Column("logged_in_s", "Inloggad (s)", "Logged in (s)"),
    Column("ready_s", "Redo (s)", "Ready (s)"),
]
CALL_COLUMNS = [
    Column("started_at", "Start", "Started"),
    Column("ended_at", "Slut", "Ended"),
    Column("entry_point", "Ingång", "Entry point"),
    Column("caller", "Uppringare", "Caller"),
    QUEUE,
    Column("agent", "Handläggare", "Agent"),
    Column("outcome", "Utfall", "Outcome"),
    Column("wait_seconds", "Väntetid (s)", "Wait (s)"),
    Column("talk_seconds", "Samtalstid (s)", "Talk (s)"),
    Column("classification", "Klassning", "Classification"),
]
CALLS_CHART = Chart(
    at="start",
    bars="offered",
    level="service_level",
    sv="Erbjudna samtal och servicenivå",
    en="Calls offered and service level",
)


@dataclass(frozen=True)
class Report:
    """What names a report's file and heads it: its name, titles and columns."""

    name: str
    sv: str
    en: str
    columns: Sequence[Column]
    chart: Chart | None = None


QUEUES = Report("queues", "Köer per intervall", "Queues per interval", QUEUE_COLUMNS, CALLS_CHART)
STAFFING = Report("staffing", "Bemanning", "Staffing", STAFFING_COLUMNS)
CLASSIFICATIONS = Report(
    "classifications", "Klassningar per kö", "Classifications per queue", CLASSIFICATION_COLUMNS
)
CALL_LOG = Report("calls", "Samtalslogg", "Call log", CALL_COLUMNS)


def _send(
    report: Report,
    rows: Sequence[Mapping[str, Value]],
    period: tuple[datetime, datetime],
    kind: FileFormat,
    language: Language,
) -> Response:
    start, end = (aware(moment) for moment in period)
    table = Table(
        report.name,
        report.sv,
        report.en,
        report.columns,
        rows,
        start,
        end,
        chart=report.chart,
        zone=SITE_TIME_ZONE,
    )
    return _file(table, kind, language)


def _file(table: Table, kind: FileFormat, language: Language) -> Response:
    return Response(
        render(table, kind, language),
        media_type=CONTENT_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{table.file_name(kind)}"'},
    )


@router.get("/queues/export", response_class=Response, responses=FILE)
def queue_export(
    user: ReportReader,
    centre: Centre,
    summaries: Summary,
    clock: Now,
    period: Intervals,
    kind: Format,
    language: Lang = "sv",
) -> Response:
    """The queue report as a file; the PDF has the chart of the calls offered and the
    service level per interval."""
    rows = queue_report(user, centre, summaries, clock, period)
    dumped = [row.model_dump() for row in rows]
    return _send(QUEUES, dumped, (period.start, period.end), kind, language)


@router.get("/staffing/export", response_class=Response, responses=FILE)
def staffing_export(
    user: ReportReader,
    centre: Centre,
    summaries: Summary,
    clock: Now,
    period: Intervals,
    kind: Format,
    language: Lang = "sv",
) -> Response:
    """The staffing report as a file."""
    rows = staffing_report(user, centre, summaries, clock, period)
    dumped = [row.model_dump() for row in rows]
    return _send(STAFFING, dumped, (period.start, period.end), kind, language)


@router.get("/classifications/export", response_class=Response, responses=FILE)
def classification_export(
    user: ReportReader,
    centre: Centre,
    summaries: Summary,
    clock: Now,
    start: From,
    end: To,
    kind: Format,
    language: Lang = "sv",
    queue_id: QueueChoice = None,
) -> Response:
    """The classifications per queue as a file."""
    rows = classification_report(user, centre, summaries, clock, start, end, queue_id)
    dumped = [row.model_dump() for row in rows]
    return _send(CLASSIFICATIONS, dumped, (start, end), kind, language)


@router.get("/agents/export", response_class=Response, responses=FILE)
def agent_export(
    user: ReportReader,
    summaries: Summary,
    auth: Annotated[Auth, Depends(get_auth)],
    clock: Now,
    start: From,
    end: To,
    kind: Format,
    language: Lang = "sv",
) -> Response:
    """The agent report as a file, a column per pause reason."""
    rows = agent_report(user, summaries, auth, clock, start, end)
    reasons = sorted({reason for row in rows for reason in row.pause_s})
    columns = AGENT_COLUMNS + [
        Column(f"pause:{reason}", f"Paus: {reason} (s)", f"Pause: {reason} (s)")
        for reason in reasons
    ]
    flat: list[dict[str, Value]] = []
    for row in rows:
        values: dict[str, Value] = row.model_dump(exclude={"pause_s"})
        values.update({f"pause:{r}": row.pause_s.get(r, 0.0) for r in reasons})
        flat.append(values)
    agents = Report("agents", "Handläggare", "Agents", columns)
    return _send(agents, flat, (start, end), kind, language)


@calls_router.get("/export", response_class=Response, responses=FILE)
def calls_export(
    user: Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.ADMIN))],
    centre: Centre,
    summaries: Summary,
    auth: Annotated[Auth, Depends(get_auth)],
    start: From,
    end: To,
    kind: Format,
    language: Lang = "sv",
    queue_id: QueueChoice = None,
    agent_id: Annotated[int | None, Query(alias="agent")] = None,
    outcome: CallOutcome | None = None,
    entry_point: str | None = None,
    classification: str | None = None,
) -> Response:
    """The call log of the period (calls that started in it, at most 1000, newest
    first) as a file, with the call log's filters."""
    checked_edges(start, end, Interval.DAY)
    records = calls(
        user,
        centre,
        summaries,
        auth,
        since=start,
        limit=1000,
        until=end,
        queue_id=queue_id,
        agent_id=agent_id,
        outcome=outcome,
        entry_point=entry_point,
        classification=classification,
    )
    dumped = [record.model_dump() for record in records]
    return _send(CALL_LOG, dumped, (start, end), kind, language)


SYSTEM = User(
    id=0,
    username="vaxla",
    display_name="Vaxla",
    role=Role.ADMIN,
    active=True,
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)
"""Who asks for a scheduled report's file: the server itself, reading as an admin."""


def report_file(
    report: str,
    *,
    centre: ContactCentre,
    summaries: Summaries,
    auth: Auth,
    clock: WallClock,
    start: datetime,
    end: datetime,
    interval: Interval,
    queue_id: int | None,
    kind: FileFormat,
    language: Language,
) -> Response:
    """The file of ``report`` (``queues``, ``agents``, ``staffing``, ``classifications``
    or ``calls``), as its export route gives it."""
    if report in ("queues", "staffing"):
        period = report_period(start, end, interval, queue_id)
        export = queue_export if report == "queues" else staffing_export
        return export(SYSTEM, centre, summaries, clock, period, kind, language)
    if report == "classifications":
        return classification_export(
            SYSTEM, centre, summaries, clock, start, end, kind, language, queue_id
        )
    if report == "agents":
        return agent_export(SYSTEM, summaries, auth, clock, start, end, kind, language)
    return calls_export(
        SYSTEM, centre, summaries, auth, start, end, kind, language, queue_id=queue_id
    )
