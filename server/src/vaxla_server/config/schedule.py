"""Opening hours of an entry point (R2): weekly hours, holidays and dated exceptions.

A schedule answers one question for the call flow: is the entry point open at this
instant, why, and until when. Rules are written in wall-clock time in one time zone
(Europe/Stockholm unless told otherwise), because that is how an organisation states its
hours; answers are computed on real instants, so a night shift that spans a DST change
lasts as long as it really lasts.

Precedence, from strongest to weakest, at any instant:

1. a dated exception whose window contains the instant ("closed 2026-12-24 from 12:00",
   "open 2026-12-27 10:00-14:00"); outside its window the rest of that day follows the
   ordinary rules;
2. a holiday: with `HolidayPolicy.CLOSED` the whole calendar day is closed (an overnight
   interval from the day before stops at midnight); with `HolidayPolicy.HOLIDAY_HOURS` the
   day's intervals come from the holiday-hours set instead of the weekly hours;
3. the weekly hours of the day's weekday, plus the tail of an interval that crossed
   midnight from the day before.

Wall times that do not exist or exist twice because of a DST change resolve like a wall
clock would pass them: a time in the skipped hour (02:00-03:00 on the last Sunday of
March in Stockholm) takes effect at the moment the clocks jump, and a time in the repeated
hour (02:00-03:00 on the last Sunday of October) takes effect the first time it is shown.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from holidays.constants import DE_FACTO, PUBLIC
from holidays.countries.sweden import Sweden

DEFAULT_TIME_ZONE = "Europe/Stockholm"

_MIDNIGHT = time(0)
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)
# If nothing changes for this long, nothing ever changes (apart from exceptions dated
# later): every year has holidays and a weekly pattern repeats within a week.
_HORIZON_DAYS = 400
# Day segments are cheap but asked for again and again by a busy entry point.
_CACHE_LIMIT = 1024

OPEN_REASON = "opening hours"
CLOSED_REASON = "outside opening hours"


class ScheduleError(ValueError):
    """A schedule or question about one that cannot be accepted; the message says why."""


class NaiveDatetimeError(ScheduleError):
    """An instant without a time zone: it could mean any of 24 hours of real time."""

    def __init__(self, value: datetime) -> None:
        super().__init__(f"{value.isoformat()} has no time zone; pass an aware datetime")
        self.value = value


class UnknownTimeZoneError(ScheduleError):
    """A time-zone name that the tz database does not know."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown time zone {name!r}; use an IANA name like 'Europe/Stockholm'")
        self.name = name


class WallTimeWithZoneError(ScheduleError):
    """A rule's time of day carries a time zone; rules are in the schedule's zone only."""

    def __init__(self, value: time) -> None:
        super().__init__(
            f"time of day {value.isoformat()} carries a time zone; "
            "give wall-clock times and set the schedule's time zone instead"
        )
        self.value = value


class EndBeforeStartError(ScheduleError):
    """An interval or exception whose end does not come after its start."""

    def __init__(self, start: time, end: time, *, hint: str = "") -> None:
        message = f"end {end.isoformat()} is not after start {start.isoformat()}"
        super().__init__(f"{message}; {hint}" if hint else message)
        self.start = start
        self.end = end


class IntervalTooLongError(ScheduleError):
    """An interval marked as crossing midnight that would last more than a day."""

    def __init__(self, start: time, end: time) -> None:
        super().__init__(
            f"interval {start.isoformat()}-{end.isoformat()} crosses midnight and would last "
            "more than 24 hours; its end must not be later than its start"
        )
        self.start = start
        self.end = end


class OverlappingIntervalsError(ScheduleError):
    """Two opening intervals that cover the same time."""

    def __init__(
        self,
        first: DailyInterval,
        second: DailyInterval,
        first_day: Weekday | None,
        second_day: Weekday | None,
    ) -> None:
        super().__init__(
            f"interval {_describe(first, first_day)} overlaps {_describe(second, second_day)}"
        )
        self.first = first
        self.second = second
        self.first_day = first_day
        self.second_day = second_day


class OverlappingExceptionsError(ScheduleError):
    """Two dated exceptions on the same day that cover the same time."""

    def __init__(self, first: DatedException, second: DatedException) -> None:
        super().__init__(
            f"exceptions on {first.day.isoformat()} overlap: "
            f"{first.window_text()} and {second.window_text()}"
        )
        self.first = first
        self.second = second


class HolidayHoursMismatchError(ScheduleError):
    """Holiday hours given without the policy that uses them, or the policy without hours."""

    def __init__(self, policy: HolidayPolicy, has_hours: bool) -> None:
        if has_hours:
            message = f"holiday hours are given but the holiday policy is {policy.value}"
        else:
            message = "holiday policy holiday_hours needs at least one holiday interval"
        super().__init__(message)
        self.policy = policy


class Weekday(enum.IntEnum):
    """Days of the week, numbered like `date.weekday()`."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


class HolidayPolicy(enum.Enum):
    """What a holiday does to an entry point."""

    IGNORE = "ignore"  # holidays are ordinary days (an emergency line, say)
    CLOSED = "closed"  # closed from midnight to midnight
    HOLIDAY_HOURS = "holiday_hours"  # the holiday-hours set replaces the weekly hours


class Source(enum.Enum):
    """Which rule decided a status."""

    WEEKLY_HOURS = "weekly_hours"
    HOLIDAY = "holiday"
    EXCEPTION = "exception"


class StatusKind(enum.Enum):
    """The four answers the call flow branches on (each may have its own closed message)."""

    OPEN = "open"
    CLOSED = "closed"
    HOLIDAY = "holiday"
    EXCEPTION = "exception"


def _check_wall_time(value: time) -> None:
    if value.tzinfo is not None:
        raise WallTimeWithZoneError(value)


def _offset(value: time) -> timedelta:
    return timedelta(
        hours=value.hour,
        minutes=value.minute,
        seconds=value.second,
        microseconds=value.microsecond,
    )


@dataclass(frozen=True)
class DailyInterval:
    """Open from `start` to `end` (wall clock) on one day.

    An `end` of 00:00 means midnight at the end of the day. An interval that runs past
    midnight must say so with `crosses_midnight=True`: an end earlier than the start is
    far more often a typing mistake than a night shift, so it is refused unless marked.
    """

    start: time
    end: time
    crosses_midnight: bool = False

    def __post_init__(self) -> None:
        _check_wall_time(self.start)
        _check_wall_time(self.end)
        if self.crosses_midnight:
            if self.end > self.start:
                raise IntervalTooLongError(self.start, self.end)
        elif self.end != _MIDNIGHT and self.end <= self.start:
            raise EndBeforeStartError(
                self.start,
                self.end,
                hint="mark the interval crosses_midnight if it runs into the next day",
            )

    @property
    def end_day(self) -> int:
        """On which day the interval ends: 0 the same day, 1 the next."""
        return 1 if self.crosses_midnight or self.end == _MIDNIGHT else 0

    def wall_span(self) -> tuple[timedelta, timedelta]:
        """Start and end as wall-clock distances from the first day's midnight."""
        return _offset(self.start), self.end_day * _DAY + _offset(self.end)


def _describe(interval: DailyInterval, day: Weekday | None) -> str:
    text = f"{interval.start.isoformat('minutes')}-{interval.end.isoformat('minutes')}"
    if interval.crosses_midnight:
        text += " (next day)"
    return f"{day.name.lower()} {text}" if day is not None else text


def _check_no_overlaps(
    spans: Sequence[tuple[timedelta, timedelta, DailyInterval, Weekday | None]], period: timedelta
) -> None:
    """Refuse two spans that meet anywhere in a repeating period (a week or a day)."""
    for index, (start_a, end_a, interval_a, day_a) in enumerate(spans):
        for start_b, end_b, interval_b, day_b in spans[index + 1 :]:
            for shift in (-period, timedelta(0), period):
                if start_a < end_b + shift and start_b + shift < end_a:
                    raise OverlappingIntervalsError(interval_a, interval_b, day_a, day_b)


class WeeklyHours:
    """Opening intervals per weekday; several per day, and night intervals allowed."""

    def __init__(self, days: Mapping[Weekday, Iterable[DailyInterval]]) -> None:
        self._days: dict[Weekday, tuple[DailyInterval, ...]] = {
            Weekday(day): tuple(sorted(intervals, key=lambda interval: interval.start))
            for day, intervals in days.items()
        }
        spans = []
        for day, intervals in self._days.items():
            for interval in intervals:
                start, end = interval.wall_span()
                spans.append((day * _DAY + start, day * _DAY + end, interval, day))
        # A Sunday night interval runs into Monday: the week wraps around.
        _check_no_overlaps(spans, _WEEK)

    @classmethod
    def every_day(cls, *intervals: DailyInterval) -> WeeklyHours:
        """The same intervals on all seven days."""
        return cls(dict.fromkeys(Weekday, intervals))

    @classmethod
    def weekdays(cls, *intervals: DailyInterval) -> WeeklyHours:
        """The same intervals Monday to Friday, closed at weekends."""
        return cls({day: intervals for day in Weekday if day <= Weekday.FRIDAY})

    def intervals(self, day: Weekday) -> tuple[DailyInterval, ...]:
        """The intervals that start on `day`, earliest first."""
        return self._days.get(day, ())


@dataclass(frozen=True)
class DatedException:
    """Open or closed on one date for a window of it; the rest of the day is unaffected.

    `start=None` means from midnight and `end=None` (or 00:00) until midnight, so
    `DatedException(date(2026, 12, 24), is_open=False, start=time(12))` is "closed
    2026-12-24 from 12:00". An exception stays within its day; a closure of several days
    is one exception per day, which keeps each one easy to read and to delete.
    """

    day: date
    is_open: bool
    start: time | None = None
    end: time | None = None
    label: str = ""

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            if value is not None:
                _check_wall_time(value)
        start, end = self.wall_span()
        if end <= start:
            raise EndBeforeStartError(self.start or _MIDNIGHT, self.end or _MIDNIGHT)

    def wall_span(self) -> tuple[timedelta, timedelta]:
        """Start and end as wall-clock distances from the day's midnight."""
        start = _offset(self.start) if self.start is not None else timedelta(0)
        if self.end is None or self.end == _MIDNIGHT:
            return start, _DAY
        return start, _offset(self.end)

    @property
    def reason(self) -> str:
        """What the status says while the exception holds."""
        return self.label or f"exception on {self.day.isoformat()}"

    def window_text(self) -> str:
        """The window as an administrator would write it, for messages."""
        start = self.start.isoformat("minutes") if self.start is not None else "00:00"
        end = self.end.isoformat("minutes") if self.end not in (None, _MIDNIGHT) else "24:00"
        return f"{'open' if self.is_open else 'closed'} {start}-{end}"


class HolidayCalendar(Protocol):
    """Tells which dates are holidays; a schedule asks one date at a time."""

    def holiday_name(self, day: date) -> str | None:
        """The holiday's name, or None on an ordinary day."""
        ...


class SwedishHolidays:
    """Swedish public holidays, and by default the three de facto holiday eves.

    Midsommarafton, julafton and nyårsafton are not public holidays in law, but the
    Annual Leave Act treats them like Sundays and almost every Swedish office is closed,
    so a contact centre's "closed on holidays" means them too unless told otherwise
    (`include_eves=False`). The `holidays` package counts every Sunday as a holiday in
    some versions; Sundays are excluded explicitly, because a Sunday's hours belong to
    the weekly hours.
    """

    def __init__(self, *, include_eves: bool = True) -> None:
        categories = (PUBLIC, DE_FACTO) if include_eves else (PUBLIC,)
        self._calendar = Sweden(include_sundays=False, categories=categories, language="sv")

    def holiday_name(self, day: date) -> str | None:
        """The Swedish name of the holiday on `day`, or None."""
        name: str | None = self._calendar.get(day)
        return name


def swedish_holidays(year: int) -> list[tuple[date, str, bool]]:
    """Every holiday and holiday eve of ``year``: (day, Swedish name, whether an eve)."""
    public = Sweden(include_sundays=False, categories=(PUBLIC,), language="sv", years=year)
    every = Sweden(include_sundays=False, categories=(PUBLIC, DE_FACTO), language="sv", years=year)
    return [(day, name, day not in public) for day, name in sorted(every.items())]


@dataclass(frozen=True)
class Status:
    """Whether an entry point is open at an instant, which rule says so, and until when.

    `next_change` is the first later instant at which `is_open`, `source` or `reason`
    differ, or None if the status never changes. It is given in UTC: an aware local time
    in the repeated DST hour compares unequal to every datetime in another zone (PEP 495),
    which would make "has the change come yet?" wrong for an hour a year; convert it with
    `astimezone(schedule.time_zone)` to show it.
    """

    is_open: bool
    source: Source
    reason: str
    next_change: datetime | None

    @property
    def kind(self) -> StatusKind:
        """Open, closed, holiday or exception, the way the call flow chooses a message."""
        if self.source is Source.HOLIDAY:
            return StatusKind.HOLIDAY
        if self.source is Source.EXCEPTION:
            return StatusKind.EXCEPTION
        return StatusKind.OPEN if self.is_open else StatusKind.CLOSED


@dataclass(frozen=True)
class _Span:
    """An open interval resolved to real instants (UTC)."""

    start: datetime
    end: datetime
    source: Source
    reason: str


@dataclass(frozen=True)
class _Segment:
    """A piece of a day (UTC instants) over which the status is constant."""

    start: datetime
    end: datetime
    key: tuple[bool, Source, str]


class Schedule:
    """The opening hours of one entry point; see the module docstring for the rules."""

    def __init__(
        self,
        weekly: WeeklyHours,
        *,
        time_zone: str = DEFAULT_TIME_ZONE,
        holiday_policy: HolidayPolicy = HolidayPolicy.CLOSED,
        holiday_hours: Iterable[DailyInterval] = (),
        holiday_calendar: HolidayCalendar | None = None,
        exceptions: Iterable[DatedException] = (),
    ) -> None:
        try:
            self._zone = ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise UnknownTimeZoneError(time_zone) from error
        self._weekly = weekly
        self._holiday_policy = holiday_policy
        self._holiday_hours = tuple(sorted(holiday_hours, key=lambda interval: interval.start))
        if (holiday_policy is HolidayPolicy.HOLIDAY_HOURS) != bool(self._holiday_hours):
            raise HolidayHoursMismatchError(holiday_policy, bool(self._holiday_hours))
        # Holidays come in runs (juldagen, annandag jul), so holiday hours repeat daily.
        _check_no_overlaps(
            [(*interval.wall_span(), interval, None) for interval in self._holiday_hours], _DAY
        )
        self._calendar = holiday_calendar if holiday_calendar is not None else SwedishHolidays()
        self._exceptions: dict[date, tuple[DatedException, ...]] = {}
        for exception in sorted(exceptions, key=lambda item: (item.day, item.wall_span())):
            same_day = self._exceptions.get(exception.day, ())
            if same_day and same_day[-1].wall_span()[1] > exception.wall_span()[0]:
                raise OverlappingExceptionsError(same_day[-1], exception)
            self._exceptions[exception.day] = (*same_day, exception)
        self._cache: dict[date, tuple[_Segment, ...]] = {}

    @property
    def time_zone(self) -> ZoneInfo:
        """The zone the rules are written in; convert `Status.next_change` (UTC) to it."""
        return self._zone

    def status_at(self, instant: datetime) -> Status:
        """Open or closed at `instant` (any time zone), why, and when that next changes."""
        moment = self._to_utc_instant(instant)
        local_day = moment.astimezone(self._zone).date()
        for day in (local_day, local_day - _DAY, local_day + _DAY):
            segments = self._segments(day)
            for index, segment in enumerate(segments):
                if segment.start <= moment < segment.end:
                    is_open, source, reason = segment.key
                    return Status(is_open, source, reason, self._change_after(day, index))
        raise AssertionError(f"the days around {local_day} do not cover {moment}")

    def next_change(self, instant: datetime) -> datetime | None:
        """The first instant after `instant` at which the status differs, or None."""
        return self.status_at(instant).next_change

    def _to_utc_instant(self, instant: datetime) -> datetime:
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise NaiveDatetimeError(instant)
        # Aware datetimes that share a tzinfo compare by wall time, ignoring fold; UTC
        # makes every comparison below one between real instants.
        return instant.astimezone(UTC)

    def _change_after(self, day: date, index: int) -> datetime | None:
        segments = self._segments(day)
        key = segments[index].key
        last_day = max(day + timedelta(days=_HORIZON_DAYS), max(self._exceptions, default=day))
        while True:
            for segment in segments[index + 1 :]:
                if segment.key != key:
                    return segment.start
            day += _DAY
            if day > last_day:
                return None
            segments = self._segments(day)
            index = -1

    def _holiday_name(self, day: date) -> str | None:
        if self._holiday_policy is HolidayPolicy.IGNORE:
            return None
        return self._calendar.holiday_name(day)

    def _wall_to_utc(self, day: date, wall: time) -> datetime:
        """The instant a wall clock in the schedule's zone shows `wall` on `day`.

        The first showing if the time repeats (fold 0); the moment the clocks jump if the
        time is skipped.
        """
        local = datetime.combine(day, wall, tzinfo=self._zone)
        instant = local.astimezone(UTC)
        if instant.astimezone(self._zone).replace(tzinfo=None) == local.replace(tzinfo=None):
            return instant
        # In a gap fold=1 reads the time with the offset after the jump, which lands
        # before the jump; fold=0 lands after it. Search between them for the jump.
        before = int(local.replace(fold=1).astimezone(UTC).timestamp())
        after = int(instant.timestamp())
        offset_before = datetime.fromtimestamp(before, UTC).astimezone(self._zone).utcoffset()
        while after - before > 1:
            middle = (before + after) // 2
            shown = datetime.fromtimestamp(middle, UTC).astimezone(self._zone)
            if shown.utcoffset() == offset_before:
                before = middle
            else:
                after = middle
        return datetime.fromtimestamp(after, UTC)

    def _spans_started_on(self, day: date) -> list[_Span]:
        holiday = self._holiday_name(day)
        if holiday is None:
            intervals = self._weekly.intervals(Weekday(day.weekday()))
            source, reason = Source.WEEKLY_HOURS, OPEN_REASON
        elif self._holiday_policy is HolidayPolicy.CLOSED:
            return []
        else:
            intervals = self._holiday_hours
            source, reason = Source.HOLIDAY, holiday
        spans = []
        for interval in intervals:
            start = self._wall_to_utc(day, interval.start)
            end = self._wall_to_utc(day + interval.end_day * _DAY, interval.end)
            # An interval wholly inside a skipped DST hour does not happen that day.
            if start < end:
                spans.append(_Span(start, end, source, reason))
        return spans

    def _segments(self, day: date) -> tuple[_Segment, ...]:
        """The day from midnight to midnight, cut where the status changes."""
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        day_start = self._wall_to_utc(day, _MIDNIGHT)
        day_end = self._wall_to_utc(day + _DAY, _MIDNIGHT)
        holiday = self._holiday_name(day)
        spans: list[_Span] = []
        if holiday is None or self._holiday_policy is not HolidayPolicy.CLOSED:
            spans.extend(
                span for span in self._spans_started_on(day - _DAY) if span.end > day_start
            )
        spans.extend(self._spans_started_on(day))
        windows = []
        for exception in self._exceptions.get(day, ()):
            start = self._wall_to_utc(day, exception.start or _MIDNIGHT)
            if exception.end is None or exception.end == _MIDNIGHT:
                end = day_end
            else:
                end = self._wall_to_utc(day, exception.end)
            windows.append((start, end, exception))
        cuts = {day_start, day_end}
        cuts.update(span.start for span in spans)
        cuts.update(span.end for span in spans)
        cuts.update(window[0] for window in windows)
        cuts.update(window[1] for window in windows)
        ordered = sorted(cut for cut in cuts if day_start <= cut <= day_end)
        segments: list[_Segment] = []
        for start, end in pairwise(ordered):
            key = self._key_at(start, spans, windows, holiday)
            if segments and segments[-1].key == key:
                segments[-1] = _Segment(segments[-1].start, end, key)
            else:
                segments.append(_Segment(start, end, key))
        result = tuple(segments)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[day] = result
        return result

    @staticmethod
    def _key_at(
        moment: datetime,
        spans: list[_Span],
        windows: list[tuple[datetime, datetime, DatedException]],
        holiday: str | None,
    ) -> tuple[bool, Source, str]:
        for start, end, exception in windows:
            if start <= moment < end:
                return exception.is_open, Source.EXCEPTION, exception.reason
        for span in spans:
            if span.start <= moment < span.end:
                return True, span.source, span.reason
        if holiday is not None:
            return False, Source.HOLIDAY, holiday
        return False, Source.WEEKLY_HOURS, CLOSED_REASON
