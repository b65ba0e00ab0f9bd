"""Running the app's asyncio code on Qt's loop (qasync) inside a test."""

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import qasync
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.app import DesktopApp
from vaxla_desktop.core.connection import ConnectionPhase, ConnectionStatus
from vaxla_desktop.session import Session

W = TypeVar("W", bound=QWidget)

WAIT_S = 30.0


def run_on_qt_loop(app: QApplication, work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` on a Qt loop of its own, then end what it left running as
    ``asyncio.run`` does (its tasks cancelled and awaited, its async generators closed)
    before the loop closes, and collect the garbage: a socket the test left open is
    reported in this test, not by the collector in whichever test runs next."""
    # As vaxla_desktop.app.run sets it: a window of an earlier test closing must not
    # quit this test's loop.
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    with loop:
        try:
            loop.run_until_complete(work)
        finally:
            _end_what_is_left(loop)
    gc.collect()


CLOSING_S = 5.0
"""How long the connections a test closed at its end may take to be closed (a TLS
connection's goodbye is a round trip) before its loop closes."""


def _end_what_is_left(loop: asyncio.AbstractEventLoop) -> None:
    left = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in left:
        task.cancel()
    if left:
        loop.run_until_complete(asyncio.wait(left, timeout=WAIT_S))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.run_until_complete(_until_closed(loop))


async def _until_closed(loop: asyncio.AbstractEventLoop) -> None:
    """Let the connections being closed finish closing: a TLS connection closed at the
    app's quit still exchanges its goodbye before its socket closes, and a loop closed
    before that leaves the socket open (one CI run lost a test to it). One still open
    after ``CLOSING_S`` is left to the collector, which reports it in this test. (The
    selector loop's own map of its transports.)"""
    transports = getattr(loop, "_transports", {})
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(CLOSING_S):
            while any(getattr(t, "_sock", None) is not None for t in list(transports.values())):
                await asyncio.sleep(0.01)


async def eventually(shown: Callable[[], bool]) -> None:
    """Wait until ``shown()`` (a window showing the server's answer), at most WAIT_S."""
    for _ in range(int(WAIT_S / 0.02)):
        if shown():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not shown in time")


def on_screen(qtbot: QtBot, widget: W, width: int, height: int) -> W:
    """``widget`` shown at this size, its window active (for its keyboard shortcuts)."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    return widget


@asynccontextmanager
async def logged_in(server_url: str, username: str = "admin1") -> AsyncIterator[Session]:
    """A session of the demo site's ``username`` (password ``demo``), logged out after."""
    client = ServerClient(server_url)
    try:
        await client.login(username, "demo")
        yield Session(server_url, client, await client.me())
    finally:
        await client.logout()
        await client.aclose()


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
