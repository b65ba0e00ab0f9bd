"""Scheduled reports (R33): configured through the API (validated, in the event log with
who did it), run on the server's clock, mailed with the file attached through a real SMTP
server (aiosmtpd on loopback) by the alarm mails' outbox."""

import io
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.server.alarms.smtp import smtp_server
from tests.server.api.running import Centre, a_day
from vaxla_protocol import API_PREFIX
from vaxla_protocol.config import MailServerItem, MailTls
from vaxla_protocol.stats import ReportSchedule
from vaxla_server.services import Services
from vaxla_server.stats.days import SITE_TIME_ZONE
from vaxla_server.stats.routes.schedules import ReportMailer, latest_run
from vaxla_server.store.events import ReportMailed, ReportScheduleDeleted, ReportScheduleSaved

pytestmark = [pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")]

SCHEDULES = f"{API_PREFIX}/reports/schedules"
DAILY = {
    "name": "daily",
    "report": "queues",
    "period": "day",
    "interval": "1h",
    "format": "xlsx",
    "language": "en",
    "hour": 6,
    "queue": "Support",
    "recipients": ["chef@example.se"],
}


def test_a_daily_report_is_mailed_once_at_its_hour(running: Centre, tmp_path: Path) -> None:
    services: Services = running.api.app.state.services
    sofia = running.token("sofia")
    a_day(running)
    the_day = running.clock.now.astimezone(SITE_TIME_ZONE).date()
    saved = running.api.request("PUT", f"{SCHEDULES}/daily", token=sofia, json=DAILY)
    assert saved.status_code == 200, saved.text
    listed = running.api.request("GET", SCHEDULES, token=running.token("ada")).json()
    assert [s["name"] for s in listed] == ["daily"]
    mailer = ReportMailer(services)
    # Saved after today's 06:00: nothing is due until tomorrow's.
    assert mailer.mail_due() == 0
    six = datetime.combine(the_day + timedelta(days=1), time(6), tzinfo=SITE_TIME_ZONE)
    running.clock.now = six - timedelta(seconds=1)
    assert mailer.mail_due() == 0
    running.clock.now = six
    assert mailer.mail_due() == 1
    assert mailer.mail_due() == 0, "a period is mailed once"
    with smtp_server(tmp_path) as smtp:
        services.configuration.mail_server.set(
            MailServerItem(
                host="127.0.0.1",
                port=smtp.port,
                tls=MailTls.OFF,
                username=None,
                password=None,
                sender="vaxla@example.se",
            )
        )
        assert services.mailer.send_due() == 1
        (message,) = smtp.inbox.wait_for(1)
    assert message["To"] == "chef@example.se"
    assert message["Subject"] == f"Vaxla: rapport daily {the_day.isoformat()}"
    (attached,) = list(message.iter_attachments())
    name = attached.get_filename()
    assert name is not None and name.startswith("vaxla-queues-") and name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(attached.get_content())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("From", "To", "Queue", "Offered")
    assert len(rows) == 1 + 24  # the day in hours, Support only
    assert sum(row[3] for row in rows[1:]) == 3  # a_day's three callers
    # Everything is in the event log, with who did it.
    events = [logged.event for logged in services.store.events.read()]
    (saving,) = [e for e in events if isinstance(e, ReportScheduleSaved)]
    assert (saving.name, saving.added, saving.by_user) == ("daily", True, running.ids["sofia"])
    (mailed,) = [e for e in events if isinstance(e, ReportMailed)]
    assert mailed.end - mailed.start == timedelta(hours=24) and mailed.end <= six
    sofia = running.token("sofia")  # a session of the new day
    deleted = running.api.request("DELETE", f"{SCHEDULES}/daily", token=sofia)
    assert deleted.status_code == 204
    assert running.api.request("GET", SCHEDULES, token=sofia).json() == []
    assert any(
        isinstance(logged.event, ReportScheduleDeleted) for logged in services.store.events.read()
    )


def test_bad_schedules_are_refused_with_the_reason_and_nothing_changes(running: Centre) -> None:
    sofia = running.token("sofia")
    before = len(running.api.app.state.services.store.events.read())

    def put(name: str, body: dict[str, object], token: str = sofia) -> tuple[int, str]:
        response = running.api.request("PUT", f"{SCHEDULES}/{name}", token=token, json=body)
        return response.status_code, response.text

    code, text = put("daily", {**DAILY, "recipients": ["not an address"]})
    assert code == 422 and "is not an e-mail address" in text
    code, text = put("daily", {**DAILY, "queue": "Nowhere"})
    assert code == 422 and "no queue is named 'Nowhere'" in text
    code, text = put("weekly", DAILY)
    assert code == 422 and "differ" in text
    code, text = put("daily", {**DAILY, "hour": 24})
    assert code == 422 and "hour" in text
    assert put("daily", DAILY, running.token("anna"))[0] == 403
    assert put("daily", DAILY, running.token("olle"))[0] == 403
    missing = running.api.request("DELETE", f"{SCHEDULES}/daily", token=sofia)
    assert missing.status_code == 404
    assert len(running.api.app.state.services.store.events.read()) == before


@pytest.mark.parametrize(
    ("period", "now", "run", "start", "end"),
    [
        # Sunday 29 March 2026 (the spring DST day, 23 hours) is mailed on the 30th.
        ("day", "2026-03-30T07:00", "2026-03-30T06:00", "2026-03-29", "2026-03-30"),
        ("day", "2026-03-30T05:59", "2026-03-29T06:00", "2026-03-28", "2026-03-29"),
        # Monday 26 October 2026: the week of the autumn change before it.
        ("week", "2026-10-28T12:00", "2026-10-26T06:00", "2026-10-19", "2026-10-26"),
        ("month", "2026-11-01T06:00", "2026-11-01T06:00", "2026-10-01", "2026-11-01"),
        ("month", "2026-11-01T05:00", "2026-10-01T06:00", "2026-09-01", "2026-10-01"),
    ],
)
def test_the_latest_run_and_its_period(
    period: str, now: str, run: str, start: str, end: str
) -> None:
    schedule = ReportSchedule.model_validate({**DAILY, "period": period})

    def local(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=SITE_TIME_ZONE)

    got = latest_run(schedule, local(now))
    assert got == (local(run), local(start), local(end))
    if period == "day" and start == "2026-03-29":
        assert got[2].astimezone(UTC) - got[1].astimezone(UTC) == timedelta(hours=23)
