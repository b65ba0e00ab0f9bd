"""Running the app's asyncio code on Qt's loop (qasync) inside a test."""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import qasync
from PySide6.QtWidgets import QApplication

from vaxla_desktop.app import DesktopApp
from vaxla_desktop.core.connection import ConnectionPhase, ConnectionStatus

WAIT_S = 30.0


def run_on_qt_loop(app: QApplication, work: Coroutine[Any, Any, None]) -> None:
    # As vaxla_desktop.app.run sets it: a window of an earlier test closing must not
    # quit this test's loop.
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    with loop:
        loop.run_until_complete(work)


async def eventually(shown: Callable[[], bool]) -> None:
    """Wait until ``shown()`` (a window showing the server's answer), at most WAIT_S."""
    for _ in range(int(WAIT_S / 0.02)):
        if shown():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not shown in time")


class Phases:
    """The connection phases the app reported, for waiting on the next one."""

    def __init__(self, desktop: DesktopApp) -> None:
        self.seen: list[ConnectionPhase] = []
        self._changed = asyncio.Event()
        desktop.sig_connection_changed.connect(self._on_status)

    def _on_status(self, status: ConnectionStatus) -> None:
        self.seen.append(status.phase)
        self._changed.set()

    async def wait_for(self, phase: ConnectionPhase) -> None:
        async def wait() -> None:
            while not self.seen or self.seen[-1] is not phase:
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(wait(), WAIT_S)
