import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from vaxla_server.clock import ManualClock, SystemClock, wait_for

START = datetime(2026, 12, 24, 11, 0, tzinfo=UTC)


def run(coroutine: Coroutine[Any, Any, None]) -> None:
    asyncio.run(coroutine)


def test_time_stands_still_until_advanced() -> None:
    async def scenario() -> None:
        clock = ManualClock(START)
        woke: list[float] = []

        async def sleeper(seconds: float) -> None:
            await clock.sleep(seconds)
            woke.append(clock.monotonic())

        tasks = [asyncio.create_task(sleeper(s)) for s in (30, 10, 20)]
        await clock.advance(15)
        assert woke == [10]
        assert clock.now() == START + timedelta(seconds=15)
        await clock.advance(100)
        assert woke == [10, 20, 30]
        await asyncio.gather(*tasks)

    run(scenario())


def test_a_sleeper_woken_mid_advance_may_sleep_again_within_it() -> None:
    async def scenario() -> None:
        clock = ManualClock(START)
        ticks: list[float] = []

        async def periodic() -> None:
            for _ in range(4):
                await clock.sleep(10)
                ticks.append(clock.monotonic())

        task = asyncio.create_task(periodic())
        await clock.advance(35)
        assert ticks == [10, 20, 30]
        await clock.advance(5)
        assert ticks == [10, 20, 30, 40]
        await task

    run(scenario())


def test_wait_for_times_out_on_the_clock_and_cancels_the_work() -> None:
    async def scenario() -> None:
        clock = ManualClock(START)
        never: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        waiting = asyncio.create_task(wait_for(clock, never, 5))
        await clock.advance(4.9)
        assert not waiting.done()
        await clock.advance(0.1)
        with pytest.raises(TimeoutError, match="5 s"):
            await waiting
        assert never.cancelled()
        assert clock.sleepers == 0

    run(scenario())


def test_wait_for_gives_the_result_and_cancels_its_timer() -> None:
    async def scenario() -> None:
        clock = ManualClock(START)
        answer: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        waiting = asyncio.create_task(wait_for(clock, answer, 5))
        await clock.settle()
        answer.set_result(42)
        assert await waiting == 42
        assert clock.sleepers == 0

    run(scenario())


def test_time_never_goes_backwards() -> None:
    async def scenario() -> None:
        with pytest.raises(ValueError, match="backwards"):
            await ManualClock(START).advance(-1)

    run(scenario())
    with pytest.raises(ValueError, match="aware"):
        ManualClock(datetime(2026, 1, 1))


def test_the_system_clock_is_in_utc_and_sleeps_for_real() -> None:
    async def scenario() -> None:
        clock = SystemClock()
        before = clock.monotonic()
        await clock.sleep(0.01)
        assert clock.monotonic() - before >= 0.009
        assert clock.now().tzinfo is UTC

    run(scenario())
