"""Time for the server's logic: the one place that reads the system clock or sleeps.

Everything that waits — prompt timeouts, ring timeouts, wrap-up, periodic announcements,
overflow after a maximum wait — waits through a :class:`Clock`. The running server uses
:class:`SystemClock`; tests use :class:`ManualClock`, whose time moves only when the test
calls :meth:`ManualClock.advance`, so a five-minute overflow is tested in microseconds
and in exactly the order it would happen.
"""

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar

T = TypeVar("T")

WallClock = Callable[[], datetime]
"""The time now, time-zone aware: what the centre, logins and checks read."""


def system_time() -> datetime:
    """The system's wall clock in UTC (the running server's ``WallClock``)."""
    return datetime.now(UTC)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current wall-clock time, time-zone aware, in UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (for durations)."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """A clock that stands still until told to move.

    ``await clock.advance(s)`` moves time forward in steps, stopping at every instant a
    sleeper is due: it wakes the sleepers due then and lets the event loop run until it
    settles, so a task woken at 10 s that sleeps another 5 s is woken at 15 s within the
    same ``advance(20)``.
    """

    SETTLE_ROUNDS = 50

    def __init__(self, start: datetime = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)) -> None:
        if start.tzinfo is None:
            raise ValueError("the start time must be time-zone aware")
        self._start = start.astimezone(UTC)
        self._elapsed = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        return self._elapsed

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._elapsed + seconds, next(self._order), future))
        await future

    @property
    def sleepers(self) -> int:
        """How many sleeps are pending (cancelled ones excluded)."""
        return sum(1 for _, _, future in self._sleepers if not future.done())

    async def settle(self) -> None:
        """Let every task that can run, run (no time passes)."""
        for _ in range(self.SETTLE_ROUNDS):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"time cannot go backwards ({seconds} s)")
        target = self._elapsed + seconds
        await self.settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            due, _, future = heapq.heappop(self._sleepers)
            self._elapsed = max(self._elapsed, due)
            if not future.done():
                future.set_result(None)
                await self.settle()
        self._elapsed = target
        await self.settle()


async def wait_for(clock: Clock, awaitable: Awaitable[T], seconds: float) -> T:
    """``awaitable``'s result, or ``TimeoutError`` once ``seconds`` have passed on ``clock``."""
    task = asyncio.ensure_future(awaitable)
    timer = asyncio.ensure_future(clock.sleep(seconds))
    try:
        await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        timer.cancel()
    if task.done():
        return task.result()
    task.cancel()
    raise TimeoutError(f"no answer within {seconds:g} s")
