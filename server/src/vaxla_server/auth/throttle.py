"""Per-address login throttling, kept in memory.

Every login attempt counts against its address until it succeeds; an address with
``max_failures`` attempts in the last ``window`` is refused until the oldest of them is
older than the window. Counting an attempt before its password is checked also bounds
how many checks one address can have running at once.
"""

import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from vaxla_server.auth.errors import LoginThrottled

DEFAULT_MAX_FAILURES = 5
DEFAULT_WINDOW = timedelta(seconds=60)
# Past this many addresses, addresses whose attempts have all aged out are forgotten.
_SWEEP_THRESHOLD = 10_000


@dataclass(frozen=True, slots=True)
class Attempt:
    """One login attempt, counted as failed until ``LoginThrottle.succeeded`` is called."""

    address: str
    at: datetime


class LoginThrottle:
    """Counts login attempts per address and refuses addresses with too many failures."""

    def __init__(
        self, max_failures: int = DEFAULT_MAX_FAILURES, window: timedelta = DEFAULT_WINDOW
    ) -> None:
        if max_failures < 1:
            raise ValueError(f"max_failures must be at least 1, not {max_failures}")
        if window <= timedelta(0):
            raise ValueError(f"window must be positive, not {window}")
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def begin(self, address: str, now: datetime) -> Attempt:
        """Count an attempt from ``address``, or raise ``LoginThrottled`` if it is refused."""
        with self._lock:
            if len(self._failures) > _SWEEP_THRESHOLD:
                self._sweep(now)
            failures = self._failures.setdefault(address, deque())
            self._forget_old(failures, now)
            if len(failures) >= self.max_failures:
                raise LoginThrottled(failures[0] + self.window - now)
            failures.append(now)
            return Attempt(address, now)

    def succeeded(self, attempt: Attempt) -> None:
        """The attempt logged in: it no longer counts as a failure."""
        with self._lock:
            failures = self._failures.get(attempt.address)
            if failures is not None and attempt.at in failures:
                failures.remove(attempt.at)
                if not failures:
                    del self._failures[attempt.address]

    def tracked_addresses(self) -> int:
        """How many addresses have attempts in memory (aged ones until the next sweep)."""
        with self._lock:
            return len(self._failures)

    def _forget_old(self, failures: deque[datetime], now: datetime) -> None:
        while failures and failures[0] <= now - self.window:
            failures.popleft()

    def _sweep(self, now: datetime) -> None:
        for address in list(self._failures):
            self._forget_old(self._failures[address], now)
            if not self._failures[address]:
                del self._failures[address]
