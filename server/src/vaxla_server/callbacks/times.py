"""When a scheduled callback is made (R17: "callbacks can be scheduled for a time the
caller chooses within opening hours"), and how that time is said to the caller.

The caller keys a time of day as four digits, HHMM. The callback is made at the next
time of day so that is at least the queue's lead ahead and lies within the queue's
opening hours (its schedule; without one, always open): 09:30 keyed on a Friday
afternoon is Monday 09:30 when the weekend is closed. A time that is open on none of
the next :data:`HORIZON_DAYS` days (03:00, say) is refused. Sent to a callback while
the queue is closed, the caller is called back at its next opening.

The time is said as "i dag" / "i morgon" / "på måndag" / "den tredje december", then
"klockan" and the time (``directory.prompt``'s clock, as a hänvisning's return time is
said): "Vi ringer dig i morgon klockan nio trettio" / "We will call you tomorrow at
nine thirty a m".
"""

import re
from datetime import date, datetime, time, timedelta, tzinfo

from vaxla_server.config import Schedule
from vaxla_server.directory.prompt import clock_prompts
from vaxla_server.media.numbers import Language, number_prompts

HORIZON_DAYS = 14
"""How far ahead a keyed time of day is looked for within the opening hours."""
OPENING_STEPS = 100
"""How many changes of a schedule are followed to find its next opening."""
_HHMM = re.compile(r"([01][0-9]|2[0-3])([0-5][0-9])")

CALLBACK_TIME_PROMPTS = (
    "callback_schedule_offer",
    "callback_enter_time",
    "callback_time_closed",
    "callback_we_call",
    "callback_today",
    "callback_tomorrow",
    "callback_on_date",
    *(f"callback_weekday_{day}" for day in range(1, 8)),
    "callback_time_confirm",
    "callback_scheduled_goodbye",
)
"""The prompts of a scheduled callback, besides the numbers and the clock's
(``tools/make-prompts``)."""


def keyed_time(digits: str) -> time | None:
    """The time of day four keyed digits give (``"1430"``: 14:30), or None when they
    are not one (``"2599"``, ``"930"``)."""
    found = _HHMM.fullmatch(digits)
    return None if found is None else time(int(found[1]), int(found[2]))


def next_time(
    wanted: time, now: datetime, zone: tzinfo, schedule: Schedule | None, lead: timedelta
) -> datetime | None:
    """The next instant at the local time of day ``wanted`` that is at least ``lead``
    after ``now`` and within ``schedule``'s opening hours; None within
    :data:`HORIZON_DAYS` days."""
    today = now.astimezone(zone).date()
    for days in range(HORIZON_DAYS + 1):
        candidate = datetime.combine(today + timedelta(days=days), wanted, tzinfo=zone)
        if candidate < now + lead:
            continue
        if schedule is None or schedule.status_at(candidate).is_open:
            return candidate
    return None


def next_opening(schedule: Schedule, now: datetime) -> datetime | None:
    """When ``schedule`` next opens after ``now`` (None while it is open, or when it
    does not open again within :data:`OPENING_STEPS` changes)."""
    status = schedule.status_at(now)
    if status.is_open:
        return None
    for _ in range(OPENING_STEPS):
        moment = status.next_change
        if moment is None:
            return None
        status = schedule.status_at(moment)
        if status.is_open:
            return moment
    return None


def said_time(due: datetime, now: datetime, zone: tzinfo, language: Language) -> list[str]:
    """The prompt names that say when ``due`` is, seen from ``now``: the day, then the
    time of day ("i morgon" "klockan" "nio" "trettio")."""
    local, today = due.astimezone(zone), now.astimezone(zone).date()
    return [*_day(local.date(), today, language), "presence_at", *clock_prompts(local, language)]


def _day(day: date, today: date, language: Language) -> list[str]:
    ahead = (day - today).days
    if ahead <= 0:
        return ["callback_today"]
    if ahead == 1:
        return ["callback_tomorrow"]
    if ahead < 7:
        return [f"callback_weekday_{day.isoweekday()}"]
    number = number_prompts(day.day, language)
    month = f"month_{day.month}"
    return ["callback_on_date", *([*number, month] if language == "sv" else [month, *number])]
