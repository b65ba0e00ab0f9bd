import random

import pytest

from vaxla_desktop.core.connection import (
    Backoff,
    ConnectionPhase,
    ConnectionTracker,
    InvalidConnectionMove,
)


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def tracker(
    *, jitter: float = 0.0, max_attempts: int | None = None
) -> tuple[ConnectionTracker, ManualClock]:
    clock = ManualClock()
    backoff = Backoff(initial_s=1.0, factor=2.0, maximum_s=8.0, jitter=jitter)
    return (
        ConnectionTracker(
            clock=clock, backoff=backoff, rng=random.Random(7), max_attempts=max_attempts
        ),
        clock,
    )


def test_a_new_tracker_is_connecting_and_then_connected() -> None:
    connection, _ = tracker()
    assert connection.phase is ConnectionPhase.CONNECTING
    assert connection.connected().phase is ConnectionPhase.CONNECTED


def test_retries_back_off_exponentially_up_to_the_cap() -> None:
    connection, clock = tracker()
    connection.connected()
    status = connection.lost("connection refused")
    assert status.phase is ConnectionPhase.LOST
    assert status.reason == "connection refused"
    delays = []
    for _ in range(6):
        delays.append(connection.seconds_until_retry())
        clock.now += connection.seconds_until_retry()
        assert connection.seconds_until_retry() == 0
        connection.retry_started()
        assert connection.phase is ConnectionPhase.RECONNECTING
        connection.retry_failed("still refused")
    assert delays == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert connection.status.attempt == 7


def test_reconnecting_ends_the_outage_and_resets_the_back_off() -> None:
    connection, _ = tracker()
    connection.connected()
    connection.lost("gone")
    connection.retry_started()
    connection.retry_failed("gone")
    connection.retry_started()
    assert connection.connected().attempt == 0
    connection.lost("gone again")
    assert connection.seconds_until_retry() == 1.0


def test_time_passing_brings_the_retry_closer() -> None:
    connection, clock = tracker()
    connection.connected()
    connection.lost("gone")
    clock.now += 0.25
    assert connection.seconds_until_retry() == 0.75


def test_jitter_stays_within_its_bounds_and_varies() -> None:
    backoff = Backoff(initial_s=10.0, jitter=0.2, maximum_s=100.0)
    rng = random.Random(1)
    delays = {backoff.delay_s(1, rng) for _ in range(200)}
    assert all(8.0 <= delay <= 12.0 for delay in delays)
    assert len(delays) > 100


def test_a_long_outage_does_not_overflow() -> None:
    assert Backoff(maximum_s=60.0, jitter=0.0).delay_s(10_000, random.Random()) == 60.0


def test_the_tracker_gives_up_after_its_last_attempt() -> None:
    connection, _ = tracker(max_attempts=2)
    connection.connected()
    connection.lost("gone")
    connection.retry_started()
    assert connection.retry_failed("refused").phase is ConnectionPhase.LOST
    connection.retry_started()
    status = connection.retry_failed("refused")
    assert status.phase is ConnectionPhase.GIVEN_UP
    assert status.reason == "refused"


def test_give_up_stops_from_any_phase() -> None:
    connection, _ = tracker()
    status = connection.give_up("wrong user name or password")
    assert status.phase is ConnectionPhase.GIVEN_UP


@pytest.mark.parametrize(
    ("moves", "bad_move"),
    [
        ([], "lost"),
        ([], "retry_started"),
        (["connected"], "connected"),
        (["connected"], "retry_failed"),
        (["connected"], "seconds_until_retry"),
    ],
)
def test_moves_out_of_order_are_refused_and_change_nothing(moves: list[str], bad_move: str) -> None:
    connection, _ = tracker()
    for move in moves:
        getattr(connection, move)()
    before = connection.status
    with pytest.raises(InvalidConnectionMove):
        method = getattr(connection, bad_move)
        method("reason") if bad_move in {"lost", "retry_failed"} else method()
    assert connection.status == before


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial_s": 0.0},
        {"initial_s": 5.0, "maximum_s": 1.0},
        {"factor": 0.5},
        {"jitter": 1.0},
        {"jitter": -0.1},
    ],
)
def test_nonsense_back_off_is_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="back-off"):
        Backoff(**kwargs)


def test_attempts_count_from_one() -> None:
    with pytest.raises(ValueError, match="count from 1"):
        Backoff().delay_s(0, random.Random())
