"""Running the centre's calls away from the event loop.

The call flow reads and changes the contact centre (each change writes the event log;
each call takes the centre's lock, which a write holds) through an ``Offload``: one
thread of its own in the server (:class:`CentreThread`), the loop itself in tests on a
manual clock (:func:`inline`)."""

import asyncio
import concurrent.futures
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, Protocol, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Offload(Protocol):
    """Runs a call of the centre (each may write the event log, and each takes the
    centre's lock, which a write holds) away from the event loop, so a slow or full disk
    never stalls the calls in progress: :class:`CentreThread` in the server. Tests on a
    manual clock pass ``inline``, so the loop settles exactly as the clock advances."""

    def __call__(
        self, function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> Awaitable[T]: ...


async def inline(function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``Offload`` that runs the call on the loop itself (tests on a manual clock)."""
    return function(*args, **kwargs)


class CentreThread:
    """``Offload`` onto one thread of its own. Calls run one at a time, in the order they
    were asked for (each is queued when asked, not when first awaited), so a caller's
    ``answered`` is always written before its ``ended``; a pool of threads (what
    ``asyncio.to_thread`` uses) may run them the other way round. A change once asked for
    is carried out even if the task asking is cancelled meanwhile (the wait is shielded):
    the flow's record and the centre's then agree on what was done."""

    def __init__(self, name: str = "vaxla-centre") -> None:
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=name
        )

    def __call__(
        self, function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> Awaitable[T]:
        future = self._executor.submit(function, *args, **kwargs)
        return asyncio.shield(asyncio.wrap_future(future))

    def close(self) -> None:
        """Wait for what was asked, then end the thread."""
        self._executor.shutdown(wait=True)


class Background:
    """Tasks of their own (work a synchronous callback starts), kept until done: asyncio
    holds only a weak reference to a task, so one nobody keeps may vanish mid-way."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
