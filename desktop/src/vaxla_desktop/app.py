"""Starting the application: Qt and asyncio on one loop (qasync), one window."""

import asyncio
import sys
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication

from vaxla_desktop.api import ServerClient, ServerError
from vaxla_desktop.ui.main_window import MainWindow
from vaxla_protocol import ProtocolMismatch


async def show_server_health(window: MainWindow, client: ServerClient) -> None:
    try:
        health = await client.health()
    except (ServerError, ProtocolMismatch) as exc:
        window.show_problem(str(exc))
    else:
        window.show_health(health)


async def _session(
    app: QApplication, window: MainWindow, server_url: str, screenshot: Path | None
) -> None:
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    window.show()
    async with ServerClient(server_url) as client:
        await show_server_health(window, client)
    if screenshot is not None:
        if not window.grab().save(str(screenshot)):
            raise OSError(f"could not write screenshot {screenshot}")
        return
    await closed.wait()


def run(*, server_url: str, user: str, screenshot: Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Vaxla")
    window = MainWindow(server_url=server_url, user=user)
    qasync.run(_session(app, window, server_url, screenshot))
    return 0
