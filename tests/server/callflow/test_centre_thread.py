"""CentreThread: the call flow's centre calls off the event loop, in the order asked."""

import asyncio
import threading

import pytest

from vaxla_server.offload import CentreThread


def test_a_blocked_write_does_not_stall_the_loop_and_calls_keep_their_order() -> None:
    """A change whose write hangs (a slow or full disk) holds the centre's thread, not
    the event loop: other work goes on meanwhile, and the calls asked after it run after
    it, in the order asked (an 'answered' is never written after its 'ended')."""

    async def scenario() -> None:
        thread = CentreThread()
        disk = threading.Event()
        done: list[str] = []

        def write(name: str) -> str:
            if name == "answered":
                assert disk.wait(5), "the test's disk never came back"
            done.append(name)
            return name

        answered = asyncio.ensure_future(thread(write, "answered"))
        ended = asyncio.ensure_future(thread(write, "ended"))
        ticks = 0
        for _ in range(20):  # the loop runs while the write hangs
            await asyncio.sleep(0)
            ticks += 1
        assert ticks == 20 and done == [] and not answered.done()
        disk.set()
        assert await ended == "ended"
        assert await answered == "answered"
        assert done == ["answered", "ended"]
        thread.close()

    asyncio.run(scenario())


def test_a_change_asked_for_is_carried_out_even_if_its_task_is_cancelled() -> None:
    async def scenario() -> None:
        thread = CentreThread()
        gate = threading.Event()
        done: list[int] = []

        def change() -> None:
            gate.wait(5)
            done.append(1)

        async def flow() -> None:
            await thread(change)

        task = asyncio.create_task(flow())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        gate.set()
        await thread(lambda: None)  # after the change, in order
        assert done == [1]
        thread.close()

    asyncio.run(scenario())


def test_a_refusal_reaches_the_flow() -> None:
    async def scenario() -> None:
        thread = CentreThread()

        def refuse() -> None:
            raise ValueError("not offered to that agent")

        with pytest.raises(ValueError, match="not offered"):
            await thread(refuse)
        thread.close()

    asyncio.run(scenario())
