"""When a scheduled callback is made and how it is said (``callbacks/times.py``): the
keyed HHMM, the next such time within opening hours and the lead, the next opening, and
the day and time said in Swedish and English."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from vaxla_server.callbacks.times import keyed_time, next_opening, next_time, said_time
from vaxla_server.config.schedule import DailyInterval, Schedule, WeeklyHours

STOCKHOLM = ZoneInfo("Europe/Stockholm")
OFFICE = Schedule(WeeklyHours.weekdays(DailyInterval(time(8), time(17))))
FRIDAY_AFTERNOON = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 16:00 in Stockholm
LEAD = timedelta(minutes=15)


@pytest.mark.parametrize(
    ("digits", "wanted"),
    [("1430", time(14, 30)), ("0000", time(0)), ("2359", time(23, 59)), ("0905", time(9, 5))],
)
def test_four_digits_are_a_time_of_day(digits: str, wanted: time) -> None:
    assert keyed_time(digits) == wanted


@pytest.mark.parametrize("digits", ["2599", "2400", "1260", "930", "14300", "", "12a0"])
def test_what_is_no_time_of_day_is_refused(digits: str) -> None:
    assert keyed_time(digits) is None


def test_the_next_such_time_within_opening_hours() -> None:
    def at(wanted: time) -> datetime | None:
        return next_time(wanted, FRIDAY_AFTERNOON, STOCKHOLM, OFFICE, LEAD)

    assert at(time(16, 30)) == datetime(2026, 11, 27, 16, 30, tzinfo=STOCKHOLM)  # today
    assert at(time(16, 10)) == datetime(2026, 11, 30, 16, 10, tzinfo=STOCKHOLM)  # under lead
    assert at(time(9, 30)) == datetime(2026, 11, 30, 9, 30, tzinfo=STOCKHOLM)  # not the weekend
    assert at(time(17, 0)) is None  # closing time: open on no day
    assert at(time(3, 0)) is None
    # Without a schedule every day is open.
    assert next_time(time(9, 30), FRIDAY_AFTERNOON, STOCKHOLM, None, LEAD) == datetime(
        2026, 11, 28, 9, 30, tzinfo=STOCKHOLM
    )


def test_the_next_opening() -> None:
    assert next_opening(OFFICE, FRIDAY_AFTERNOON) is None  # open now
    friday_evening = FRIDAY_AFTERNOON + timedelta(hours=3)
    assert next_opening(OFFICE, friday_evening) == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("due", "language", "said"),
    [
        (datetime(2026, 11, 27, 16, 30, tzinfo=STOCKHOLM), "sv",
         ["callback_today", "presence_at", "number_16", "number_30"]),
        (datetime(2026, 11, 28, 9, 5, tzinfo=STOCKHOLM), "sv",
         ["callback_tomorrow", "presence_at", "number_9", "number_0", "number_5"]),
        (datetime(2026, 11, 30, 8, 0, tzinfo=STOCKHOLM), "en",
         ["callback_weekday_1", "presence_at", "number_8", "time_am"]),
        (datetime(2026, 12, 7, 14, 30, tzinfo=STOCKHOLM), "sv",
         ["callback_on_date", "number_7", "month_12", "presence_at", "number_14", "number_30"]),
        (datetime(2026, 12, 7, 14, 30, tzinfo=STOCKHOLM), "en",
         ["callback_on_date", "month_12", "number_7", "presence_at", "number_2", "number_30",
          "time_pm"]),
    ],
)  # fmt: skip
def test_the_time_is_said_by_its_day(due: datetime, language: str, said: list[str]) -> None:
    assert said_time(due, FRIDAY_AFTERNOON, STOCKHOLM, language) == said  # type: ignore[arg-type]
