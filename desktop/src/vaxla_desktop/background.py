"""Work started on the app's asyncio loop and not waited for: each task is kept until it
ends (the loop holds only weak references), and one that fails is logged."""

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any


class BackgroundWork:
    """The tasks one owner started; ``what`` names them in the log of ``log``."""

    def __init__(self, log: logging.Logger, what: str) -> None:
        self._log = log
        self._what = what
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def cancel(self) -> list[asyncio.Task[None]]:
        """Cancel every task still running; the tasks, to wait for if wanted."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        return tasks

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            self._log.error("%s failed", self._what, exc_info=error)
