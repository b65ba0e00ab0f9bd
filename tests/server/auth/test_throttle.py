"""Login throttling: failures count per (user name, address) and per user name; a
correct password never counts, and others' typos lock nobody else out."""

from datetime import timedelta

import pytest

from tests.server.auth.conftest import START
from vaxla_server.auth import LoginThrottled
from vaxla_server.auth.throttle import MAX_LOCK, LoginThrottle

ADDRESS = "192.0.2.7"


def fail(throttle: LoginThrottle, user: str, count: int, *, start_s: float = 0.0,
         address: str = ADDRESS) -> None:  # fmt: skip
    for index in range(count):
        throttle.failed(user, address, START + timedelta(seconds=start_s + index))


def test_five_typos_lock_that_user_from_that_address_only() -> None:
    throttle = LoginThrottle(max_failures=5, window=timedelta(seconds=60))
    fail(throttle, "anna", 4)
    throttle.check("anna", ADDRESS, START + timedelta(seconds=4))  # four: still allowed
    fail(throttle, "anna", 1, start_s=4)
    with pytest.raises(LoginThrottled) as refused:
        throttle.check("anna", ADDRESS, START + timedelta(seconds=10))
    assert refused.value.retry_after == timedelta(seconds=54)  # locked 60 s from the fifth
    # Colleagues behind the same NAT, and anna from elsewhere, are not locked.
    throttle.check("bo", ADDRESS, START + timedelta(seconds=10))
    throttle.check("anna", "198.51.100.1", START + timedelta(seconds=10))
    throttle.check("anna", ADDRESS, START + timedelta(seconds=64))


def test_each_lock_in_a_row_lasts_twice_as_long_up_to_the_cap() -> None:
    throttle = LoginThrottle(max_failures=5, window=timedelta(seconds=60))
    at = 0.0
    expected = [60, 120, 240, 480, 900, 900]
    for lock_s in expected:
        fail(throttle, "anna", 5, start_s=at)
        last = START + timedelta(seconds=at + 4)
        with pytest.raises(LoginThrottled) as refused:
            throttle.check("anna", ADDRESS, last)
        assert refused.value.retry_after == timedelta(seconds=lock_s)
        at += 4 + lock_s
    assert timedelta(seconds=900) == MAX_LOCK


def test_a_login_clears_the_failures_and_the_next_lock_is_short_again() -> None:
    throttle = LoginThrottle(max_failures=5, window=timedelta(seconds=60))
    fail(throttle, "anna", 5)
    throttle.succeeded("anna", ADDRESS)  # e.g. after the lock, the right password
    fail(throttle, "anna", 4, start_s=100)
    throttle.check("anna", ADDRESS, START + timedelta(seconds=104))
    fail(throttle, "anna", 1, start_s=104)
    with pytest.raises(LoginThrottled) as refused:
        throttle.check("anna", ADDRESS, START + timedelta(seconds=104))
    assert refused.value.retry_after == timedelta(seconds=60)


def test_guessing_one_name_from_many_addresses_locks_the_name() -> None:
    throttle = LoginThrottle(max_failures=5, window=timedelta(seconds=60))
    assert throttle.user_max_failures == 20
    for n in range(20):
        throttle.failed("anna", f"203.0.113.{n}", START + timedelta(seconds=n))
    with pytest.raises(LoginThrottled):
        throttle.check("anna", "198.51.100.9", START + timedelta(seconds=20))
    throttle.check("bo", "198.51.100.9", START + timedelta(seconds=20))


def test_failures_older_than_the_window_are_forgotten() -> None:
    throttle = LoginThrottle(max_failures=5, window=timedelta(seconds=60))
    fail(throttle, "anna", 4)
    fail(throttle, "anna", 1, start_s=70)  # the first four have aged out
    throttle.check("anna", ADDRESS, START + timedelta(seconds=71))


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="max_failures"):
        LoginThrottle(max_failures=0)
    with pytest.raises(ValueError, match="window"):
        LoginThrottle(window=timedelta(0))
