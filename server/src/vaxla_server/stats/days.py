"""Where "today" starts: midnight in the site's time zone, not in UTC.

A Swedish site's day starts at 00:00 Stockholm time (23:00 or 22:00 UTC); "today's
service level" counted from midnight UTC would include an hour or two of yesterday.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

SITE_TIME_ZONE = ZoneInfo("Europe/Stockholm")


def site_midnight(now: datetime, zone: ZoneInfo = SITE_TIME_ZONE) -> datetime:
    """The start of ``now``'s day in ``zone`` (aware, in that zone)."""
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone)
