from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from vaxla_server.config import Configuration, InvalidConfig, Licence, LicenceExceeded
from vaxla_server.config.licence import peak_agents_per_day
from vaxla_server.store.events import AgentLoggedIn, AgentLoggedOut, Event


@pytest.mark.parametrize(
    ("limit", "logged_in", "allowed"),
    [(5, 0, True), (5, 4, True), (5, 5, False), (5, 7, False), (0, 0, False)],
)
def test_can_log_in_below_the_limit_only(limit: int, logged_in: int, allowed: bool) -> None:
    assert Licence(limit).can_log_in(logged_in) is allowed


def test_check_log_in_refuses_with_a_clear_message() -> None:
    Licence(10).check_log_in(9)
    with pytest.raises(LicenceExceeded) as refused:
        Licence(10).check_log_in(10)
    assert str(refused.value) == (
        "the licence allows 10 agents logged in at once and 10 are; "
        "another agent must log out first"
    )
    assert (refused.value.limit, refused.value.logged_in) == (10, 10)


def test_the_licence_is_a_stored_setting(config: Configuration) -> None:
    assert config.licence() is None
    assert config.set_licence(25) == Licence(25)
    assert config.licence() == Licence(25)
    config.set_licence(50)
    assert config.licence() == Licence(50)


@pytest.mark.parametrize("limit", [-1, 2**31, True, 2.5])
def test_an_impossible_licence_is_refused_and_changes_nothing(
    config: Configuration, limit: object
) -> None:
    config.set_licence(10)
    with pytest.raises(InvalidConfig, match="maximum of logged-in agents"):
        config.set_licence(limit)  # type: ignore[arg-type]
    assert config.licence() == Licence(10)


def test_the_peak_of_agents_logged_in_at_once_per_site_day() -> None:
    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 12, day, hour, minute, tzinfo=UTC)

    events: list[Event] = [
        AgentLoggedIn(at=at(1, 8), agent_id=1, queue_id=1),
        AgentLoggedIn(at=at(1, 8, 5), agent_id=1, queue_id=2),  # one agent, two queues
        AgentLoggedIn(at=at(1, 9), agent_id=2, queue_id=1),
        AgentLoggedIn(at=at(1, 10), agent_id=3, queue_id=2),  # 3 at once
        AgentLoggedOut(at=at(1, 11), agent_id=1, queue_id=1),  # still in queue 2
        AgentLoggedOut(at=at(1, 12), agent_id=2, queue_id=1),
        AgentLoggedOut(at=at(1, 12), agent_id=3, queue_id=2),
        # 23:30 UTC on the 2nd is 00:30 on the 3rd in Stockholm: agent 1 stays over.
        AgentLoggedIn(at=at(2, 23, 30), agent_id=4, queue_id=1),
        AgentLoggedOut(at=at(3, 7), agent_id=4, queue_id=1),
        AgentLoggedOut(at=at(3, 8), agent_id=1, queue_id=2),
    ]
    peaks = peak_agents_per_day(
        events, date(2026, 11, 30), date(2026, 12, 4), ZoneInfo("Europe/Stockholm")
    )
    assert peaks == [
        (date(2026, 11, 30), 0),
        (date(2026, 12, 1), 3),
        (date(2026, 12, 2), 1),  # agent 1, logged in all day
        (date(2026, 12, 3), 2),
        (date(2026, 12, 4), 0),
    ]
