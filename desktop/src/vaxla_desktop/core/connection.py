"""The connection to the server as the agent sees it, and when to try again.

Qt-free and clock-injected: :class:`ConnectionTracker` only records what happened and
says when the next attempt is due; whoever owns the event loop makes the attempts.

    CONNECTING --connected--> CONNECTED --lost--> LOST --retry_started--> RECONNECTING
    RECONNECTING --connected--> CONNECTED
    RECONNECTING --retry_failed--> LOST, or GIVEN_UP after the last allowed attempt
    any state --give_up--> GIVEN_UP (the server refused us: wrong password, protocol)
"""

import random
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class ConnectionPhase(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    LOST = "lost"
    RECONNECTING = "reconnecting"
    GIVEN_UP = "given up"


class Clock(Protocol):
    """Seconds on a clock that never goes backwards."""

    def monotonic(self) -> float: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential back-off with jitter: ``initial * factor**(attempt-1)``, capped.

    Jitter spreads the delay by up to ``±jitter`` of itself, so that a hundred desktops
    that lost the same server do not all knock on it in the same second.
    """

    initial_s: float = 1.0
    factor: float = 2.0
    maximum_s: float = 60.0
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if self.initial_s <= 0 or self.maximum_s < self.initial_s:
            raise ValueError("back-off needs 0 < initial_s <= maximum_s")
        if self.factor < 1:
            raise ValueError("back-off factor must be at least 1")
        if not 0 <= self.jitter < 1:
            raise ValueError("back-off jitter must be in [0, 1)")

    def delay_s(self, attempt: int, rng: random.Random) -> float:
        """The wait before attempt number ``attempt`` (1 for the first retry)."""
        if attempt < 1:
            raise ValueError(f"attempts count from 1, not {attempt}")
        # The exponent is capped before the power so a long outage cannot overflow.
        exponent = min(attempt - 1, 64)
        base = min(self.initial_s * self.factor**exponent, self.maximum_s)
        return base * (1 + rng.uniform(-self.jitter, self.jitter))


@dataclass(frozen=True, slots=True)
class ConnectionStatus:
    phase: ConnectionPhase
    # Retries made since the connection was lost (0 while connected).
    attempt: int = 0
    # When the next retry is due, on the tracker's clock (LOST only).
    next_retry_at: float | None = None
    # Why the last attempt or the connection failed, worded for the user.
    reason: str | None = None


class InvalidConnectionMove(Exception):
    def __init__(self, phase: ConnectionPhase, move: str) -> None:
        self.phase = phase
        self.move = move
        super().__init__(f"cannot {move} while {phase.value}")


class ConnectionTracker:
    """Records the connection's phase and schedules retries with :class:`Backoff`.

    ``max_attempts`` bounds the retries after a loss (``None``: retry for ever, which
    is what a desk app wants; kiosk scripts may prefer to give up and exit).
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        backoff: Backoff | None = None,
        rng: random.Random | None = None,
        max_attempts: int | None = None,
    ) -> None:
        if max_attempts is not None and max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._clock = clock or SystemClock()
        self._backoff = backoff or Backoff()
        self._rng = rng or random.Random()
        self._max_attempts = max_attempts
        self._status = ConnectionStatus(ConnectionPhase.CONNECTING)

    @property
    def status(self) -> ConnectionStatus:
        return self._status

    @property
    def phase(self) -> ConnectionPhase:
        return self._status.phase

    def connected(self) -> ConnectionStatus:
        self._require({ConnectionPhase.CONNECTING, ConnectionPhase.RECONNECTING}, "connect")
        self._status = ConnectionStatus(ConnectionPhase.CONNECTED)
        return self._status

    def lost(self, reason: str) -> ConnectionStatus:
        """The working connection broke: schedule the first retry."""
        self._require({ConnectionPhase.CONNECTED}, "lose the connection")
        return self._schedule(attempt=1, reason=reason)

    def retry_started(self) -> ConnectionStatus:
        self._require({ConnectionPhase.LOST}, "retry")
        self._status = ConnectionStatus(
            ConnectionPhase.RECONNECTING, attempt=self._status.attempt, reason=self._status.reason
        )
        return self._status

    def retry_failed(self, reason: str) -> ConnectionStatus:
        self._require({ConnectionPhase.RECONNECTING}, "fail a retry")
        attempt = self._status.attempt
        if self._max_attempts is not None and attempt >= self._max_attempts:
            self._status = ConnectionStatus(
                ConnectionPhase.GIVEN_UP, attempt=attempt, reason=reason
            )
            return self._status
        return self._schedule(attempt=attempt + 1, reason=reason)

    def give_up(self, reason: str) -> ConnectionStatus:
        """Stop for good: retrying cannot help (the server refused us, or the user quit)."""
        self._status = ConnectionStatus(
            ConnectionPhase.GIVEN_UP, attempt=self._status.attempt, reason=reason
        )
        return self._status

    def seconds_until_retry(self) -> float:
        """How long until the scheduled retry is due (0 if it is due now)."""
        if self._status.next_retry_at is None:
            raise InvalidConnectionMove(self._status.phase, "wait for a retry")
        return max(0.0, self._status.next_retry_at - self._clock.monotonic())

    def _schedule(self, *, attempt: int, reason: str) -> ConnectionStatus:
        due = self._clock.monotonic() + self._backoff.delay_s(attempt, self._rng)
        self._status = ConnectionStatus(
            ConnectionPhase.LOST, attempt=attempt, next_retry_at=due, reason=reason
        )
        return self._status

    def _require(self, phases: set[ConnectionPhase], move: str) -> None:
        if self._status.phase not in phases:
            raise InvalidConnectionMove(self._status.phase, move)
