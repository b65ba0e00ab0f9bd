from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from vaxla_server.stats.days import site_midnight

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    ("now", "midnight"),
    [
        # 23:30 UTC on 22 Nov is 00:30 on 23 Nov in Stockholm (winter, UTC+1).
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=STOCKHOLM)),
        (datetime(2026, 11, 22, 22, 30, tzinfo=UTC), datetime(2026, 11, 22, tzinfo=STOCKHOLM)),
        # Summer time (UTC+2): 22:30 UTC is already the next day.
        (datetime(2026, 7, 1, 22, 30, tzinfo=UTC), datetime(2026, 7, 2, tzinfo=STOCKHOLM)),
    ],
)
def test_today_starts_at_midnight_in_stockholm(now: datetime, midnight: datetime) -> None:
    assert site_midnight(now) == midnight


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        site_midnight(datetime(2026, 11, 22, 12))
