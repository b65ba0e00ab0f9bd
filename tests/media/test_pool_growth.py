"""The pool grows with demand, shrinks when idle, and tells its SIP front which workers
have room: real forked workers and SIPp callers, with a recording stand-in for the front
(Kamailio's own behaviour is tested in test_kamailio.py, the two together end to end in
tests/e2e/test_media_plane.py)."""

import asyncio
import os
import signal
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.media.harness import gone, started
from vaxla_server.media.kamailio import Destination
from vaxla_server.media.messages import Answer, CallEnded, Hangup, IncomingCall, Ready, Stats


class RecordingFront:
    """What the pool told its front, in order."""

    internal_uri = "sip:127.0.0.1:9;lr"

    def __init__(self) -> None:
        self.lists: list[list[tuple[str, bool]]] = []
        self.rooms: list[tuple[str, bool]] = []
        self.ended: list[str] = []

    async def set_destinations(self, destinations: Sequence[Destination]) -> None:
        self.lists.append([(d.uri, d.room) for d in destinations])

    async def set_room(self, uri: str, room: bool) -> None:
        self.rooms.append((uri, room))

    async def end_dialogs(self, worker_uri: str) -> int:
        self.ended.append(worker_uri)
        return 0


async def until(check: Callable[[], bool], timeout: float = 10) -> None:
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    assert check()


def test_the_pool_grows_when_a_worker_is_full_and_shrinks_when_idle(tmp_path: Path) -> None:
    front = RecordingFront()

    async def run() -> None:
        options = {"size": 1, "max_size": 3, "spare": 1, "idle_s": 0.5, "front": front}
        async with started(tmp_path, **options) as h:
            first = await h.expect(Ready)
            uri = f"sip:{first.sip_address}"
            assert front.lists[-1] == [(uri, True)]
            caller = await h.sipp("caller_waits.xml", first.sip_address)
            call = await h.expect(IncomingCall)
            await h.pool.send(Answer(call_id=call.call_id))
            # Full: the front hears so, and a second worker with room joins the list.
            await h.expect(Stats, lambda s: not s.room)
            await until(lambda: (uri, False) in front.rooms)
            second = await h.expect(Ready)
            await until(lambda: len(front.lists[-1]) == 2)
            assert sorted(front.lists[-1]) == sorted(
                [(uri, False), (f"sip:{second.sip_address}", True)]
            )
            assert h.pool.rooms == 1
            await h.pool.send(Hangup(call_id=call.call_id))
            await h.expect(CallEnded)
            await until(lambda: front.rooms[-1] == (uri, True))
            # Two with room, one wanted: the idle newer one is retired, and its process ends.
            pid = next(w.pid for w in h.pool.workers if w.worker_id == second.worker_id)
            await until(lambda: [w.worker_id for w in h.pool.workers] == [first.worker_id])
            assert front.lists[-1] == [(uri, True)]
            await until(lambda: gone(pid))
            assert await asyncio.wait_for(caller.process.wait(), 10) == 0
        assert front.ended == []  # nobody died

    asyncio.run(run())


def test_a_lost_worker_s_dialogs_are_ended_and_it_is_replaced(tmp_path: Path) -> None:
    front = RecordingFront()

    async def run() -> None:
        async with started(tmp_path, size=2, max_size=2, spare=0, front=front) as h:
            ready = [await h.expect(Ready), await h.expect(Ready)]
            victim = next(w for w in h.pool.workers if w.worker_id == ready[0].worker_id)
            os.kill(victim.pid, signal.SIGKILL)
            await until(lambda: front.ended == [f"sip:{victim.sip_address}"])
            replacement = await h.expect(Ready)
            assert replacement.worker_id not in {r.worker_id for r in ready}
            await until(lambda: len(h.pool.workers) == 2)
            listed = {uri for uri, _ in front.lists[-1]}
            assert f"sip:{victim.sip_address}" not in listed or (
                replacement.sip_address == victim.sip_address
            )
            assert f"sip:{replacement.sip_address}" in listed

    asyncio.run(run())
