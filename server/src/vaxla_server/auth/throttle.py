"""Login throttling, kept in memory: failures count, correct passwords never do.

Only a wrong password (or an unknown or deactivated user) counts, and it counts twice:

* against the user name **from that address** — ``max_failures`` in ``window`` locks
  that pair out, so five typos of one colleague behind the office's NAT lock out
  nobody else;
* against the user name **from anywhere** — ``user_max_failures`` (four times as many)
  locks the name, so guessing one account from many addresses is bounded too.

Each lock of the same key in a row lasts twice as long as the one before (``window``,
then 2×, 4×, ... up to ``MAX_LOCK``); a successful login clears its pair and its name.
A correct password is refused only while its own name is locked. Nothing counts per
address alone, so many correct logins at once from one address all succeed (their
password checks wait their turn instead: see ``Sessions``).
"""

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vaxla_server.auth.errors import LoginThrottled

DEFAULT_MAX_FAILURES = 5
DEFAULT_WINDOW = timedelta(seconds=60)
USER_FAILURES_FACTOR = 4
"""A user name from anywhere may fail this many times more than from one address."""
MAX_LOCK = timedelta(minutes=15)
# Past this many keys, keys with nothing left to remember are forgotten.
_SWEEP_THRESHOLD = 10_000


@dataclass(slots=True)
class _Key:
    failures: deque[datetime] = field(default_factory=deque)
    locks: int = 0
    """Locks in a row (the next lasts ``window * 2**locks``)."""
    locked_until: datetime | None = None


class LoginThrottle:
    """Counts failed logins per (user name, address) and per user name, and locks a key
    with too many, for longer each time."""

    def __init__(
        self,
        max_failures: int = DEFAULT_MAX_FAILURES,
        window: timedelta = DEFAULT_WINDOW,
        *,
        user_max_failures: int | None = None,
    ) -> None:
        if max_failures < 1:
            raise ValueError(f"max_failures must be at least 1, not {max_failures}")
        if window <= timedelta(0):
            raise ValueError(f"window must be positive, not {window}")
        self.max_failures = max_failures
        self.user_max_failures = user_max_failures or max_failures * USER_FAILURES_FACTOR
        self.window = window
        self._keys: dict[tuple[str, str | None], _Key] = {}
        self._lock = threading.Lock()

    def check(self, user: str, address: str, now: datetime) -> None:
        """Raise ``LoginThrottled`` if ``user`` may not try from ``address`` now."""
        with self._lock:
            if len(self._keys) > _SWEEP_THRESHOLD:
                self._sweep(now)
            waits = [
                key.locked_until - now
                for key in (self._keys.get((user, address)), self._keys.get((user, None)))
                if key is not None and key.locked_until is not None and key.locked_until > now
            ]
            if waits:
                raise LoginThrottled(max(waits))

    def failed(self, user: str, address: str, now: datetime) -> None:
        """A wrong password for ``user`` from ``address``: counted on both keys."""
        with self._lock:
            self._count((user, address), self.max_failures, now)
            self._count((user, None), self.user_max_failures, now)

    def succeeded(self, user: str, address: str) -> None:
        """``user`` logged in from ``address``: its failures there and its name's are
        forgotten, and the next lock starts short again."""
        with self._lock:
            self._keys.pop((user, address), None)
            self._keys.pop((user, None), None)

    def tracked_keys(self) -> int:
        """How many keys are in memory (spent ones until the next sweep)."""
        with self._lock:
            return len(self._keys)

    def _count(self, name: tuple[str, str | None], limit: int, now: datetime) -> None:
        key = self._keys.setdefault(name, _Key())
        self._forget_old(key, now)
        key.failures.append(now)
        if len(key.failures) >= limit:
            lock = min(MAX_LOCK, self.window * (2**key.locks))
            key.locked_until = now + lock
            key.locks += 1
            key.failures.clear()

    def _forget_old(self, key: _Key, now: datetime) -> None:
        while key.failures and key.failures[0] <= now - self.window:
            key.failures.popleft()
        if key.locked_until is not None and key.locked_until + MAX_LOCK <= now:
            key.locks = 0  # a long quiet spell: the next lock is short again

    def _sweep(self, now: datetime) -> None:
        for name in list(self._keys):
            key = self._keys[name]
            self._forget_old(key, now)
            locked = key.locked_until is not None and key.locked_until > now
            if not key.failures and not locked and key.locks == 0:
                del self._keys[name]
