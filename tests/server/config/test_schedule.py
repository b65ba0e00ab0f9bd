"""Opening hours (R2): weekly hours, Swedish holidays, dated exceptions, DST, validation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from vaxla_server.config.schedule import (
    CLOSED_REASON,
    OPEN_REASON,
    DailyInterval,
    DatedException,
    EndBeforeStartError,
    HolidayHoursMismatchError,
    HolidayPolicy,
    IntervalTooLongError,
    NaiveDatetimeError,
    OverlappingExceptionsError,
    OverlappingIntervalsError,
    Schedule,
    ScheduleError,
    Source,
    StatusKind,
    SwedishHolidays,
    UnknownTimeZoneError,
    WallTimeWithZoneError,
    Weekday,
    WeeklyHours,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(text: str, *, fold: int = 0) -> datetime:
    """A Stockholm wall-clock instant from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM, fold=fold)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def interval(start: str, end: str, *, crosses_midnight: bool = False) -> DailyInterval:
    return DailyInterval(
        time.fromisoformat(start), time.fromisoformat(end), crosses_midnight=crosses_midnight
    )


ALWAYS = WeeklyHours.every_day(interval("00:00", "00:00"))
# Mon-Fri with a lunch break, Saturday mornings, closed on Sunday.
OFFICE = WeeklyHours(
    {
        **{day: [interval("08:00", "12:00"), interval("13:00", "17:00")] for day in Weekday},
        Weekday.SATURDAY: [interval("10:00", "14:00")],
        Weekday.SUNDAY: [],
    }
)
NIGHTS = WeeklyHours.every_day(interval("22:00", "06:00", crosses_midnight=True))


# --- weekly hours -----------------------------------------------------------------------

# 2026-09-07 is a Monday in a week without holidays.
OFFICE_WEEK = [
    ("2026-09-07 07:59", False, StatusKind.CLOSED, "2026-09-07 08:00"),
    ("2026-09-07 08:00", True, StatusKind.OPEN, "2026-09-07 12:00"),
    ("2026-09-07 11:59", True, StatusKind.OPEN, "2026-09-07 12:00"),
    ("2026-09-07 12:00", False, StatusKind.CLOSED, "2026-09-07 13:00"),
    ("2026-09-07 16:59", True, StatusKind.OPEN, "2026-09-07 17:00"),
    ("2026-09-07 17:00", False, StatusKind.CLOSED, "2026-09-08 08:00"),
    ("2026-09-11 18:00", False, StatusKind.CLOSED, "2026-09-12 10:00"),
    ("2026-09-12 10:00", True, StatusKind.OPEN, "2026-09-12 14:00"),
    ("2026-09-12 15:00", False, StatusKind.CLOSED, "2026-09-14 08:00"),
    ("2026-09-13 12:00", False, StatusKind.CLOSED, "2026-09-14 08:00"),
]


@pytest.mark.parametrize(("instant", "is_open", "kind", "next_change"), OFFICE_WEEK)
def test_weekly_hours(instant: str, is_open: bool, kind: StatusKind, next_change: str) -> None:
    status = Schedule(OFFICE).status_at(local(instant))
    assert (status.is_open, status.kind, status.source) == (is_open, kind, Source.WEEKLY_HOURS)
    assert status.reason == (OPEN_REASON if is_open else CLOSED_REASON)
    assert status.next_change == local(next_change)


def test_next_change_is_the_status_next_change() -> None:
    schedule = Schedule(OFFICE)
    assert schedule.next_change(local("2026-09-07 09:00")) == local("2026-09-07 12:00")


def test_any_time_zone_gives_the_same_answer() -> None:
    schedule = Schedule(OFFICE)
    in_stockholm = schedule.status_at(local("2026-09-07 08:30"))
    in_utc = schedule.status_at(utc("2026-09-07 06:30"))
    in_new_york = schedule.status_at(
        utc("2026-09-07 06:30").astimezone(ZoneInfo("America/New_York"))
    )
    assert in_stockholm == in_utc == in_new_york
    assert in_utc.next_change is not None and in_utc.next_change.tzinfo is UTC


def test_adjacent_intervals_are_one_opening() -> None:
    schedule = Schedule(
        WeeklyHours.weekdays(interval("08:00", "12:00"), interval("12:00", "17:00"))
    )
    assert schedule.next_change(local("2026-09-07 09:00")) == local("2026-09-07 17:00")


NIGHT_CASES = [
    ("2026-09-07 21:59", False, "2026-09-07 22:00"),
    ("2026-09-07 22:00", True, "2026-09-08 06:00"),
    ("2026-09-08 03:00", True, "2026-09-08 06:00"),
    ("2026-09-08 06:00", False, "2026-09-08 22:00"),
]


@pytest.mark.parametrize(("instant", "is_open", "next_change"), NIGHT_CASES)
def test_interval_crossing_midnight(instant: str, is_open: bool, next_change: str) -> None:
    status = Schedule(NIGHTS, holiday_policy=HolidayPolicy.IGNORE).status_at(local(instant))
    assert status.is_open is is_open
    assert status.next_change == local(next_change)


def test_sunday_night_runs_into_monday() -> None:
    weekly = WeeklyHours({Weekday.SUNDAY: [interval("20:00", "02:00", crosses_midnight=True)]})
    schedule = Schedule(weekly)
    assert schedule.status_at(local("2026-09-14 01:00")).is_open
    assert schedule.next_change(local("2026-09-14 01:00")) == local("2026-09-14 02:00")


def test_never_changing_schedules_have_no_next_change() -> None:
    always = Schedule(ALWAYS, holiday_policy=HolidayPolicy.IGNORE)
    assert always.status_at(local("2026-09-07 12:00")).next_change is None
    never = Schedule(WeeklyHours({}), holiday_policy=HolidayPolicy.IGNORE)
    status = never.status_at(local("2026-09-07 12:00"))
    assert (status.is_open, status.next_change) == (False, None)


def test_an_exception_far_ahead_is_still_found() -> None:
    reopening = DatedException(date(2030, 1, 2), is_open=True, start=time(10), end=time(11))
    schedule = Schedule(
        WeeklyHours({}), holiday_policy=HolidayPolicy.IGNORE, exceptions=[reopening]
    )
    assert schedule.next_change(local("2026-09-07 12:00")) == local("2030-01-02 10:00")


# --- validation -------------------------------------------------------------------------

INVALID_SCHEDULES: list[tuple[str, Callable[[], object], type[ScheduleError]]] = [
    (
        "overlap on one day",
        lambda: WeeklyHours.weekdays(interval("08:00", "12:00"), interval("11:00", "17:00")),
        OverlappingIntervalsError,
    ),
    (
        "night interval overlaps the next morning",
        lambda: WeeklyHours(
            {
                Weekday.MONDAY: [interval("22:00", "06:00", crosses_midnight=True)],
                Weekday.TUESDAY: [interval("05:00", "10:00")],
            }
        ),
        OverlappingIntervalsError,
    ),
    (
        "sunday night overlaps monday morning",
        lambda: WeeklyHours(
            {
                Weekday.SUNDAY: [interval("22:00", "06:00", crosses_midnight=True)],
                Weekday.MONDAY: [interval("05:30", "10:00")],
            }
        ),
        OverlappingIntervalsError,
    ),
    ("end before start", lambda: interval("17:00", "08:00"), EndBeforeStartError),
    ("end equals start", lambda: interval("08:00", "08:00"), EndBeforeStartError),
    (
        "crossing midnight for more than a day",
        lambda: interval("08:00", "09:00", crosses_midnight=True),
        IntervalTooLongError,
    ),
    (
        "time of day with a zone",
        lambda: DailyInterval(time(8, tzinfo=STOCKHOLM), time(17)),
        WallTimeWithZoneError,
    ),
    (
        "exception ending before it starts",
        lambda: DatedException(date(2026, 12, 23), is_open=False, start=time(14), end=time(12)),
        EndBeforeStartError,
    ),
    (
        "overlapping exceptions on one day",
        lambda: Schedule(
            OFFICE,
            exceptions=[
                DatedException(date(2026, 12, 23), is_open=False, start=time(12)),
                DatedException(date(2026, 12, 23), is_open=True, start=time(15), end=time(16)),
            ],
        ),
        OverlappingExceptionsError,
    ),
    (
        "a whole-day exception and another on the same day",
        lambda: Schedule(
            OFFICE,
            exceptions=[
                DatedException(date(2026, 12, 23), is_open=False),
                DatedException(date(2026, 12, 23), is_open=True, start=time(9), end=time(10)),
            ],
        ),
        OverlappingExceptionsError,
    ),
    (
        "unknown time zone",
        lambda: Schedule(OFFICE, time_zone="Europe/Gothenburg"),
        UnknownTimeZoneError,
    ),
    (
        "malformed time zone",
        lambda: Schedule(OFFICE, time_zone="../etc/passwd"),
        UnknownTimeZoneError,
    ),
    (
        "holiday hours without their policy",
        lambda: Schedule(OFFICE, holiday_hours=[interval("10:00", "14:00")]),
        HolidayHoursMismatchError,
    ),
    (
        "holiday-hours policy without hours",
        lambda: Schedule(OFFICE, holiday_policy=HolidayPolicy.HOLIDAY_HOURS),
        HolidayHoursMismatchError,
    ),
    (
        "holiday hours whose night runs into the next holiday's morning",
        lambda: Schedule(
            OFFICE,
            holiday_policy=HolidayPolicy.HOLIDAY_HOURS,
            holiday_hours=[
                interval("08:00", "12:00"),
                interval("20:00", "09:00", crosses_midnight=True),
            ],
        ),
        OverlappingIntervalsError,
    ),
]


@pytest.mark.parametrize(
    ("build", "error"),
    [pytest.param(build, error, id=name) for name, build, error in INVALID_SCHEDULES],
)
def test_invalid_schedules_are_refused(
    build: Callable[[], object], error: type[ScheduleError]
) -> None:
    with pytest.raises(error) as raised:
        build()
    assert isinstance(raised.value, ValueError)
    assert str(raised.value)


def test_overlap_error_names_both_intervals() -> None:
    with pytest.raises(OverlappingIntervalsError) as raised:
        WeeklyHours.weekdays(interval("08:00", "12:00"), interval("11:00", "17:00"))
    assert "08:00-12:00" in str(raised.value) and "11:00-17:00" in str(raised.value)


def test_exceptions_on_the_same_day_may_touch() -> None:
    schedule = Schedule(
        OFFICE,
        exceptions=[
            DatedException(date(2026, 12, 23), is_open=True, start=time(6), end=time(8)),
            DatedException(date(2026, 12, 23), is_open=False, start=time(12)),
        ],
    )
    assert schedule.status_at(local("2026-12-23 07:00")).is_open


def test_naive_instants_are_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        Schedule(OFFICE).status_at(datetime(2026, 9, 7, 12))
    with pytest.raises(NaiveDatetimeError):
        Schedule(OFFICE).next_change(datetime(2026, 9, 7, 12))


# --- holidays ---------------------------------------------------------------------------

PUBLIC_HOLIDAYS = {
    date(2026, 1, 1): "Nyårsdagen",
    date(2026, 1, 6): "Trettondedag jul",
    date(2026, 4, 3): "Långfredagen",
    date(2026, 4, 5): "Påskdagen",
    date(2026, 4, 6): "Annandag påsk",
    date(2026, 5, 1): "Första maj",
    date(2026, 5, 14): "Kristi himmelsfärdsdag",
    date(2026, 5, 24): "Pingstdagen",
    date(2026, 6, 6): "Nationaldagen",
    date(2026, 6, 20): "Midsommardagen",
    date(2026, 10, 31): "Alla helgons dag",
    date(2026, 12, 25): "Juldagen",
    date(2026, 12, 26): "Annandag jul",
    date(2027, 1, 1): "Nyårsdagen",
    date(2027, 1, 6): "Trettondedag jul",
    date(2027, 3, 26): "Långfredagen",
    date(2027, 3, 28): "Påskdagen",
    date(2027, 3, 29): "Annandag påsk",
    date(2027, 5, 1): "Första maj",
    date(2027, 5, 6): "Kristi himmelsfärdsdag",
    date(2027, 5, 16): "Pingstdagen",
    date(2027, 6, 6): "Nationaldagen",
    date(2027, 6, 26): "Midsommardagen",
    date(2027, 11, 6): "Alla helgons dag",
    date(2027, 12, 25): "Juldagen",
    date(2027, 12, 26): "Annandag jul",
}
HOLIDAY_EVES = {
    date(2026, 6, 19): "Midsommarafton",
    date(2026, 12, 24): "Julafton",
    date(2026, 12, 31): "Nyårsafton",
    date(2027, 6, 25): "Midsommarafton",
    date(2027, 12, 24): "Julafton",
    date(2027, 12, 31): "Nyårsafton",
}


def _days_of_2026_and_2027() -> list[date]:
    first = date(2026, 1, 1)
    return [first + timedelta(days=offset) for offset in range((date(2028, 1, 1) - first).days)]


def _holidays_seen(schedule: Schedule) -> dict[date, str]:
    """Every day of 2026-2027 on which the always-open schedule answers 'holiday' at noon."""
    seen = {}
    for day in _days_of_2026_and_2027():
        status = schedule.status_at(datetime.combine(day, time(12), tzinfo=STOCKHOLM))
        if status.kind is StatusKind.HOLIDAY:
            assert not status.is_open
            seen[day] = status.reason
        else:
            assert (status.is_open, status.source) == (True, Source.WEEKLY_HOURS)
    return seen


def test_exactly_the_swedish_holidays_and_eves_close_by_default() -> None:
    assert _holidays_seen(Schedule(ALWAYS)) == PUBLIC_HOLIDAYS | HOLIDAY_EVES


def test_eves_can_be_ordinary_days() -> None:
    schedule = Schedule(ALWAYS, holiday_calendar=SwedishHolidays(include_eves=False))
    assert _holidays_seen(schedule) == PUBLIC_HOLIDAYS


def test_no_sunday_is_a_holiday_for_being_a_sunday() -> None:
    schedule = Schedule(WeeklyHours({Weekday.SUNDAY: [interval("10:00", "16:00")]}))
    sundays = [day for day in _days_of_2026_and_2027() if day.weekday() == Weekday.SUNDAY]
    assert len(sundays) == 104
    for sunday in sundays:
        status = schedule.status_at(datetime.combine(sunday, time(12), tzinfo=STOCKHOLM))
        if sunday in PUBLIC_HOLIDAYS:  # Påskdagen, Pingstdagen and the like
            assert (status.is_open, status.kind) == (False, StatusKind.HOLIDAY)
        else:
            assert (status.is_open, status.kind) == (True, StatusKind.OPEN), sunday


@pytest.mark.parametrize(
    ("instant", "is_open", "kind", "reason", "next_change"),
    [
        ("2026-06-19 09:00", False, StatusKind.HOLIDAY, "Midsommarafton", "2026-06-20 00:00"),
        ("2026-06-20 09:00", False, StatusKind.HOLIDAY, "Midsommardagen", "2026-06-21 00:00"),
        ("2026-12-24 09:00", False, StatusKind.HOLIDAY, "Julafton", "2026-12-25 00:00"),
        ("2026-12-26 23:00", False, StatusKind.HOLIDAY, "Annandag jul", "2026-12-27 00:00"),
        ("2026-12-27 09:00", False, StatusKind.CLOSED, CLOSED_REASON, "2026-12-28 08:00"),
        ("2027-01-06 09:00", False, StatusKind.HOLIDAY, "Trettondedag jul", "2027-01-07 00:00"),
        ("2027-01-07 09:00", True, StatusKind.OPEN, OPEN_REASON, "2027-01-07 12:00"),
    ],
)
def test_holidays_close_the_office(
    instant: str, is_open: bool, kind: StatusKind, reason: str, next_change: str
) -> None:
    status = Schedule(OFFICE).status_at(local(instant))
    assert (status.is_open, status.kind, status.reason) == (is_open, kind, reason)
    assert status.next_change == local(next_change)


def test_holidays_can_be_ignored() -> None:
    schedule = Schedule(OFFICE, holiday_policy=HolidayPolicy.IGNORE)
    status = schedule.status_at(local("2026-05-14 09:00"))  # Kristi himmelsfärdsdag, Thursday
    assert (status.is_open, status.kind) == (True, StatusKind.OPEN)


HOLIDAY_HOURS = Schedule(
    OFFICE,
    holiday_policy=HolidayPolicy.HOLIDAY_HOURS,
    holiday_hours=[interval("10:00", "14:00")],
)


@pytest.mark.parametrize(
    ("instant", "is_open", "reason", "next_change"),
    [
        ("2026-12-25 09:59", False, "Juldagen", "2026-12-25 10:00"),
        ("2026-12-25 10:00", True, "Juldagen", "2026-12-25 14:00"),
        ("2026-12-25 14:00", False, "Juldagen", "2026-12-26 00:00"),
        ("2026-12-26 11:00", True, "Annandag jul", "2026-12-26 14:00"),
        # A Sunday that is a holiday keeps the holiday hours, not the closed Sunday.
        ("2027-03-28 11:00", True, "Påskdagen", "2027-03-28 14:00"),
    ],
)
def test_holiday_hours_replace_the_weekly_hours(
    instant: str, is_open: bool, reason: str, next_change: str
) -> None:
    status = HOLIDAY_HOURS.status_at(local(instant))
    assert (status.is_open, status.kind, status.reason) == (is_open, StatusKind.HOLIDAY, reason)
    assert status.next_change == local(next_change)


def test_a_closed_holiday_cuts_the_night_before_at_midnight() -> None:
    schedule = Schedule(NIGHTS)
    status = schedule.status_at(local("2026-05-13 23:00"))  # into Kristi himmelsfärdsdag
    assert status.is_open and status.next_change == local("2026-05-14 00:00")
    assert schedule.status_at(local("2026-05-14 01:00")).kind is StatusKind.HOLIDAY
    # The day after a run of holidays gets no tail from the last holiday night.
    assert not schedule.status_at(local("2026-12-27 01:00")).is_open


def test_holiday_hours_keep_the_night_from_the_day_before() -> None:
    schedule = Schedule(
        NIGHTS,
        holiday_policy=HolidayPolicy.HOLIDAY_HOURS,
        holiday_hours=[interval("10:00", "14:00")],
    )
    status = schedule.status_at(local("2026-05-14 03:00"))  # Kristi himmelsfärdsdag
    assert (status.is_open, status.source) == (True, Source.WEEKLY_HOURS)
    assert status.next_change == local("2026-05-14 06:00")


def test_holiday_calendar_can_be_replaced() -> None:
    class CompanyDays:
        def holiday_name(self, day: date) -> str | None:
            return "Kick-off" if day == date(2026, 9, 8) else None

    schedule = Schedule(OFFICE, holiday_calendar=CompanyDays())
    assert schedule.status_at(local("2026-09-08 09:00")).reason == "Kick-off"
    # The replacement calendar is the only one asked: juldagen is an ordinary Friday here.
    assert schedule.status_at(local("2026-12-25 09:00")).kind is StatusKind.OPEN


# --- dated exceptions -------------------------------------------------------------------


def test_closed_from_noon_on_an_ordinary_day() -> None:
    schedule = Schedule(
        OFFICE,
        exceptions=[DatedException(date(2026, 12, 23), is_open=False, start=time(12))],
    )
    morning = schedule.status_at(local("2026-12-23 09:00"))
    assert (morning.is_open, morning.kind, morning.next_change) == (
        True,
        StatusKind.OPEN,
        local("2026-12-23 12:00"),
    )
    afternoon = schedule.status_at(local("2026-12-23 13:00"))
    assert (afternoon.is_open, afternoon.kind) == (False, StatusKind.EXCEPTION)
    assert afternoon.reason == "exception on 2026-12-23"
    # Julafton follows: the closed status changes its reason at midnight.
    assert afternoon.next_change == local("2026-12-24 00:00")


def test_closed_from_noon_on_julafton_when_eves_are_working_days() -> None:
    schedule = Schedule(
        OFFICE,
        holiday_calendar=SwedishHolidays(include_eves=False),
        exceptions=[
            DatedException(date(2026, 12, 24), is_open=False, start=time(12), label="Julafton")
        ],
    )
    assert schedule.status_at(local("2026-12-24 09:00")).is_open
    status = schedule.status_at(local("2026-12-24 12:30"))
    assert (status.is_open, status.kind, status.reason) == (False, StatusKind.EXCEPTION, "Julafton")


def test_open_on_a_sunday() -> None:
    schedule = Schedule(
        OFFICE,
        exceptions=[
            DatedException(
                date(2026, 12, 27), is_open=True, start=time(10), end=time(14), label="Mellandagar"
            )
        ],
    )
    cases = [
        ("2026-12-27 09:00", False, StatusKind.CLOSED, "2026-12-27 10:00"),
        ("2026-12-27 10:00", True, StatusKind.EXCEPTION, "2026-12-27 14:00"),
        ("2026-12-27 14:00", False, StatusKind.CLOSED, "2026-12-28 08:00"),
    ]
    for instant, is_open, kind, next_change in cases:
        status = schedule.status_at(local(instant))
        assert (status.is_open, status.kind, status.next_change) == (
            is_open,
            kind,
            local(next_change),
        ), instant


def test_exceptions_override_holidays() -> None:
    schedule = Schedule(
        OFFICE,
        exceptions=[
            DatedException(date(2026, 12, 25), is_open=True, start=time(10), end=time(12)),
            DatedException(date(2027, 1, 7), is_open=False, label="Inventering"),
        ],
    )
    cases = [
        ("2026-12-25 09:00", False, StatusKind.HOLIDAY, "2026-12-25 10:00"),
        ("2026-12-25 11:00", True, StatusKind.EXCEPTION, "2026-12-25 12:00"),
        ("2026-12-25 12:00", False, StatusKind.HOLIDAY, "2026-12-26 00:00"),
        ("2027-01-07 09:00", False, StatusKind.EXCEPTION, "2027-01-08 00:00"),
    ]
    for instant, is_open, kind, next_change in cases:
        status = schedule.status_at(local(instant))
        assert (status.is_open, status.kind, status.next_change) == (
            is_open,
            kind,
            local(next_change),
        ), instant


def test_an_exception_closes_part_of_a_night() -> None:
    schedule = Schedule(
        NIGHTS,
        holiday_policy=HolidayPolicy.IGNORE,
        exceptions=[DatedException(date(2026, 9, 8), is_open=False, end=time(2))],
    )
    assert schedule.status_at(local("2026-09-07 23:00")).next_change == local("2026-09-08 00:00")
    status = schedule.status_at(local("2026-09-08 01:00"))
    assert (status.is_open, status.kind) == (False, StatusKind.EXCEPTION)
    assert status.next_change == local("2026-09-08 02:00")
    assert schedule.status_at(local("2026-09-08 02:00")).is_open


# --- daylight saving time ---------------------------------------------------------------
# Stockholm: 2026-03-29 02:00 CET -> 03:00 CEST, 2026-10-25 03:00 CEST -> 02:00 CET;
# 2027-03-28 and 2027-10-31 likewise.

DAYTIME = Schedule(
    WeeklyHours.every_day(interval("08:00", "17:00")),
    holiday_policy=HolidayPolicy.IGNORE,
)


@pytest.mark.parametrize(
    ("day", "opens", "closes"),
    [
        ("2026-03-28", "2026-03-28 07:00", "2026-03-28 16:00"),
        ("2026-03-29", "2026-03-29 06:00", "2026-03-29 15:00"),
        ("2026-10-24", "2026-10-24 06:00", "2026-10-24 15:00"),
        ("2026-10-25", "2026-10-25 07:00", "2026-10-25 16:00"),
        ("2027-03-28", "2027-03-28 06:00", "2027-03-28 15:00"),
        ("2027-10-31", "2027-10-31 07:00", "2027-10-31 16:00"),
    ],
)
def test_daytime_hours_follow_the_wall_clock_across_dst(day: str, opens: str, closes: str) -> None:
    before = DAYTIME.status_at(local(f"{day} 07:59"))
    assert not before.is_open and before.next_change == utc(opens)
    during = DAYTIME.status_at(utc(opens))
    assert during.is_open and during.next_change == utc(closes)


@pytest.mark.parametrize(
    ("night", "opens", "closes", "hours"),
    [
        ("2026-03-28", "2026-03-28 21:00", "2026-03-29 04:00", 7),
        ("2026-10-24", "2026-10-24 20:00", "2026-10-25 05:00", 9),
        ("2027-03-27", "2027-03-27 21:00", "2027-03-28 04:00", 7),
        ("2027-10-30", "2027-10-30 20:00", "2027-10-31 05:00", 9),
        ("2026-09-07", "2026-09-07 20:00", "2026-09-08 04:00", 8),
    ],
)
def test_a_night_across_dst_lasts_its_real_length(
    night: str, opens: str, closes: str, hours: int
) -> None:
    schedule = Schedule(NIGHTS, holiday_policy=HolidayPolicy.IGNORE)
    assert schedule.next_change(local(f"{night} 12:00")) == utc(opens)
    status = schedule.status_at(utc(opens))
    assert status.is_open and status.next_change == utc(closes)
    assert utc(closes) - utc(opens) == timedelta(hours=hours)
    # The hour that is skipped or repeated is open like the rest of the night.
    assert schedule.status_at(utc(closes) - timedelta(hours=3)).is_open


def test_a_start_in_the_skipped_hour_takes_effect_when_the_clocks_jump() -> None:
    schedule = Schedule(
        WeeklyHours.every_day(interval("02:30", "05:00")), holiday_policy=HolidayPolicy.IGNORE
    )
    assert schedule.next_change(local("2026-03-29 01:00")) == local("2026-03-29 03:00")
    assert not schedule.status_at(utc("2026-03-29 00:59:59")).is_open
    assert schedule.status_at(utc("2026-03-29 01:00")).is_open
    assert schedule.next_change(utc("2026-03-29 01:00")) == local("2026-03-29 05:00")


def test_an_interval_inside_the_skipped_hour_does_not_happen() -> None:
    schedule = Schedule(
        WeeklyHours.every_day(interval("02:10", "02:50")), holiday_policy=HolidayPolicy.IGNORE
    )
    status = schedule.status_at(local("2026-03-29 00:00"))
    assert not status.is_open
    assert status.next_change == local("2026-03-30 02:10")


def test_the_repeated_hour_counts_the_first_time_it_is_shown() -> None:
    schedule = Schedule(
        WeeklyHours.every_day(interval("02:30", "02:45")), holiday_policy=HolidayPolicy.IGNORE
    )
    first = local("2026-10-25 02:35", fold=0)
    second = local("2026-10-25 02:35", fold=1)
    assert first.astimezone(UTC) == utc("2026-10-25 00:35")
    assert second.astimezone(UTC) == utc("2026-10-25 01:35")
    assert schedule.status_at(first).is_open
    assert schedule.next_change(first) == utc("2026-10-25 00:45")
    assert not schedule.status_at(second).is_open
    assert schedule.next_change(second) == local("2026-10-26 02:30")


def test_a_closing_time_in_the_repeated_hour_is_its_first_showing() -> None:
    schedule = Schedule(
        WeeklyHours.every_day(interval("01:00", "02:30")), holiday_policy=HolidayPolicy.IGNORE
    )
    status = schedule.status_at(local("2026-10-25 01:30"))
    assert status.is_open and status.next_change == utc("2026-10-25 00:30")
    shown = status.next_change.astimezone(STOCKHOLM)
    assert (shown.hour, shown.minute, shown.fold) == (2, 30, 0)


def test_dst_day_whole_day_exception() -> None:
    schedule = Schedule(
        ALWAYS,
        holiday_policy=HolidayPolicy.IGNORE,
        exceptions=[DatedException(date(2026, 10, 25), is_open=False)],
    )
    status = schedule.status_at(local("2026-10-25 12:00"))
    assert (status.is_open, status.kind) == (False, StatusKind.EXCEPTION)
    # The day has 25 hours, all of them closed.
    assert status.next_change == utc("2026-10-25 23:00")
    assert utc("2026-10-25 23:00") - local("2026-10-25 00:00") == timedelta(hours=25)


# --- consistency over two whole years ---------------------------------------------------


@pytest.mark.parametrize("zone", ["Europe/Stockholm", "America/Santiago", "Australia/Lord_Howe"])
@pytest.mark.parametrize(
    "weekly",
    [OFFICE, NIGHTS, WeeklyHours.every_day(interval("00:00", "01:00"), interval("23:30", "00:00"))],
    ids=["office", "nights", "around-midnight"],
)
def test_walking_from_change_to_change_agrees_with_status_at(
    zone: str, weekly: WeeklyHours
) -> None:
    """Each next_change is later than the last, the status holds until it and differs at it;
    Santiago moves its clocks at midnight and Lord Howe by half an hour."""
    schedule = Schedule(
        weekly,
        time_zone=zone,
        exceptions=[
            DatedException(date(2026, 3, 29), is_open=False, start=time(1), end=time(4)),
            DatedException(date(2026, 10, 25), is_open=True, start=time(2), end=time(3)),
        ],
    )
    instant = datetime(2026, 1, 1, tzinfo=UTC)
    end = datetime(2028, 1, 1, tzinfo=UTC)
    status = schedule.status_at(instant)
    changes = 0
    while status.next_change is not None and status.next_change < end:
        change = status.next_change
        assert change > instant
        before = schedule.status_at(change - timedelta(microseconds=1))
        assert (before.is_open, before.source, before.reason) == (
            status.is_open,
            status.source,
            status.reason,
        )
        assert before.next_change == change
        instant, status = change, schedule.status_at(change)
        assert (status.is_open, status.source, status.reason) != (
            before.is_open,
            before.source,
            before.reason,
        )
        changes += 1
    assert changes > 700
