from datetime import timedelta

import pytest

from tests.server.auth.conftest import START
from vaxla_server.auth import LoginThrottled
from vaxla_server.auth.throttle import LoginThrottle

ADDRESS = "192.0.2.7"


def fail(throttle: LoginThrottle, count: int, *, every_s: float = 1.0) -> None:
    for index in range(count):
        throttle.begin(ADDRESS, START + timedelta(seconds=index * every_s))


def test_five_failures_within_the_window_refuse_the_sixth_attempt() -> None:
    throttle = LoginThrottle(max_failures=5, window=timedelta(seconds=60))
    fail(throttle, 5)
    with pytest.raises(LoginThrottled) as refused:
        throttle.begin(ADDRESS, START + timedelta(seconds=10))
    # The first failure (at START) leaves the window 60 s after it.
    assert refused.value.retry_after == timedelta(seconds=50)


def test_the_address_may_try_again_once_the_oldest_failure_leaves_the_window() -> None:
    throttle = LoginThrottle(max_failures=5, window=timedelta(seconds=60))
    fail(throttle, 5)
    with pytest.raises(LoginThrottled):
        throttle.begin(ADDRESS, START + timedelta(seconds=59.999))
    throttle.begin(ADDRESS, START + timedelta(seconds=60))
    # That attempt counts too: the address is full again until the next one ages out.
    with pytest.raises(LoginThrottled) as refused:
        throttle.begin(ADDRESS, START + timedelta(seconds=60.5))
    assert refused.value.retry_after == timedelta(seconds=0.5)


def test_refused_attempts_do_not_extend_the_refusal() -> None:
    throttle = LoginThrottle(max_failures=5, window=timedelta(seconds=60))
    fail(throttle, 5, every_s=0)
    for second in range(1, 60):
        with pytest.raises(LoginThrottled):
            throttle.begin(ADDRESS, START + timedelta(seconds=second))
    throttle.begin(ADDRESS, START + timedelta(seconds=60))


def test_failures_spread_wider_than_the_window_are_never_refused() -> None:
    throttle = LoginThrottle(max_failures=5, window=timedelta(seconds=60))
    fail(throttle, 50, every_s=12.5)


def test_successful_attempts_do_not_count() -> None:
    throttle = LoginThrottle(max_failures=5, window=timedelta(seconds=60))
    for _ in range(20):
        throttle.succeeded(throttle.begin(ADDRESS, START))


def test_other_addresses_are_not_affected() -> None:
    throttle = LoginThrottle(max_failures=5, window=timedelta(seconds=60))
    fail(throttle, 5)
    throttle.begin("192.0.2.8", START + timedelta(seconds=5))


def test_many_addresses_are_forgotten_once_their_failures_age_out() -> None:
    throttle = LoginThrottle(max_failures=5, window=timedelta(seconds=60))
    for index in range(10_001):
        throttle.begin(f"10.0.{index // 256}.{index % 256}", START)
    throttle.begin(ADDRESS, START + timedelta(minutes=2))
    assert throttle.tracked_addresses() == 1


@pytest.mark.parametrize(
    ("max_failures", "window"), [(0, timedelta(seconds=60)), (5, timedelta(0))]
)
def test_settings_are_checked(max_failures: int, window: timedelta) -> None:
    with pytest.raises(ValueError):
        LoginThrottle(max_failures=max_failures, window=window)
