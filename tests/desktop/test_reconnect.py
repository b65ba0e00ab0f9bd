"""The app under a server that goes away and comes back: a real ``vaxla-server``
process is stopped and started again on the same port while the app is logged in."""

import asyncio
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QApplication

from tests.desktop.conftest import AGENT, PASSWORD, create_user
from tests.desktop.qt_loop import WAIT_S, Phases, run_on_qt_loop
from tests.server_process import ServerExited, ServerProcess
from vaxla_desktop.app import EXIT_OK, AppOptions, DesktopApp
from vaxla_desktop.core.connection import (
    Backoff,
    ConnectionPhase,
    ConnectionTracker,
)
from vaxla_desktop.credentials import CredentialStore
from vaxla_desktop.settings import DesktopSettings

LOGGED_OUT = re.compile(r'"POST /api/v1/auth/logout HTTP/1.1" 204')
QUICK = Backoff(initial_s=0.2, maximum_s=1.0, jitter=0.1)
SLOW = Backoff(initial_s=120.0, maximum_s=120.0, jitter=0.1)
"""A supervisor that looks again only long after the event socket (1, 2, 4 ... s) has
found the restarted server."""


def quickly_reconnecting(
    tmp_path: Path,
    server_url: str,
    *,
    username: str = AGENT,
    password: str = PASSWORD,
    queues: list[str] | None = None,
    backoff: Backoff = QUICK,
) -> DesktopApp:
    """The app logged in to ``server_url``, its connection supervisor retrying a lost
    server after ``backoff`` (every 0.2-1 s unless told)."""
    return DesktopApp(
        AppOptions(
            server_url=server_url,
            username=username,
            password=password,
            discovery=False,
            settings_path=tmp_path / "settings.ini",
            queues=queues,
        ),
        settings=DesktopSettings(tmp_path / "settings.ini"),
        credentials=CredentialStore(fail.Keyring()),  # type: ignore[no-untyped-call]
        tracker=ConnectionTracker(backoff=backoff),
        heartbeat_s=0.2,
    )


def test_the_app_shows_the_loss_and_reconnects_when_the_server_is_back(
    qapp: QApplication, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    create_user(data_dir)
    server = ServerProcess(data_dir)
    restarted: ServerProcess | None = None
    port = urlsplit(server.url).port
    assert port is not None
    desktop = quickly_reconnecting(tmp_path, server.url)
    phases = Phases(desktop)

    async def scenario() -> None:
        nonlocal restarted
        running = asyncio.get_running_loop().create_task(desktop.run())
        await phases.wait_for(ConnectionPhase.CONNECTED)
        window = desktop.main_window
        assert window is not None
        assert not window.banner.isVisible()

        await asyncio.to_thread(server.stop)
        await phases.wait_for(ConnectionPhase.LOST)
        assert window.banner.isVisible()
        text = window.banner.message_label.text()
        assert text.startswith("Connection to the server lost. Cannot reach the server at")
        assert "Next try at" in text
        window.grab().save(str(tmp_path / "banner.png"))

        restarted = await asyncio.to_thread(ServerProcess, data_dir, ["--http-port", str(port)])
        await phases.wait_for(ConnectionPhase.CONNECTED)
        assert not window.banner.isVisible()
        assert desktop.session is not None
        assert (await desktop.session.client.me()).username == AGENT
        assert restarted.url == server.url

        desktop.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK
        # Quitting logged out on the restarted server: the session survived the restart.
        await asyncio.to_thread(restarted.wait_for_line, LOGGED_OUT)

    try:
        run_on_qt_loop(qapp, scenario())
    finally:
        server.close()
        if restarted is not None:
            restarted.close()
    assert phases.seen[0] is ConnectionPhase.CONNECTED
    assert ConnectionPhase.RECONNECTING in phases.seen


def test_a_server_back_with_another_certificate_is_refused_with_a_warning(
    qapp: QApplication, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    create_user(data_dir)
    server = ServerProcess(data_dir, ["--tls", "self-signed"])
    restarted: ServerProcess | None = None
    port = urlsplit(server.url).port
    assert port is not None
    settings = DesktopSettings(tmp_path / "settings.ini")
    fingerprint = next(
        line.split()[-1] for line in server.log_lines if "TLS fingerprint for pinning" in line
    )
    desktop = DesktopApp(
        AppOptions(
            server_url=server.url,
            username=AGENT,
            password=PASSWORD,
            fingerprint=fingerprint,
            discovery=False,
        ),
        settings=settings,
        credentials=CredentialStore(fail.Keyring()),  # type: ignore[no-untyped-call]
        tracker=ConnectionTracker(backoff=QUICK),
        heartbeat_s=0.2,
    )
    phases = Phases(desktop)

    async def scenario() -> None:
        nonlocal restarted
        running = asyncio.get_running_loop().create_task(desktop.run())
        await phases.wait_for(ConnectionPhase.CONNECTED)
        await asyncio.to_thread(server.stop)
        await phases.wait_for(ConnectionPhase.LOST)
        # The server comes back with a new self-signed certificate.
        shutil.rmtree(data_dir / "tls")
        args = ["--tls", "self-signed", "--http-port", str(port)]
        restarted = await asyncio.to_thread(ServerProcess, data_dir, args)
        await phases.wait_for(ConnectionPhase.GIVEN_UP)
        window = desktop.main_window
        assert window is not None
        assert window.banner.isVisible()
        assert "certificate other than the one you trusted" in window.banner.message_label.text()
        desktop.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK

    try:
        run_on_qt_loop(qapp, scenario())
    finally:
        server.close()
        if restarted is not None:
            restarted.close()
    assert restarted is not None
    # Nothing reached the server with the new certificate: its whole log has no request.
    with pytest.raises(ServerExited):
        restarted.wait_for_line(re.compile(r"/api/v1/"))


@pytest.mark.parametrize("first", ["supervisor", "socket"])
def test_after_a_server_restart_the_agent_is_back_in_its_queues(
    qapp: QApplication, tmp_path: Path, first: str
) -> None:
    """A restart logs every agent out (its softphone must report again): the desktop,
    reconnected, logs in to the queues it was in, and says so, whichever finds the
    restarted server first, the connection supervisor or the event socket (whose first
    picture, of an agent in no queue, once erased what to rejoin)."""
    data_dir = tmp_path / "data"
    server = ServerProcess(data_dir, ["--demo"])
    restarted: ServerProcess | None = None
    port = urlsplit(server.url).port
    assert port is not None
    desktop = quickly_reconnecting(
        tmp_path,
        server.url,
        username="agent1",
        password="demo",
        queues=["Support"],
        backoff=QUICK if first == "supervisor" else SLOW,
    )
    phases = Phases(desktop)

    async def queues_now() -> list[str]:
        desk = desktop.agent_desk
        if desk is None:
            return []
        return [queue.name for queue in (await desk.api.state()).queues]

    async def until_in(names: list[str]) -> None:
        # A guard only: after a restart the app logs in again and rejoins, each a step
        # that waits on a loaded machine (two test processes, the restarted server).
        async with asyncio.timeout(3 * WAIT_S):
            while await queues_now() != names:
                await asyncio.sleep(0.1)

    async def scenario() -> None:
        nonlocal restarted
        running = asyncio.get_running_loop().create_task(desktop.run())
        await phases.wait_for(ConnectionPhase.CONNECTED)
        await until_in(["Support"])
        await asyncio.to_thread(server.stop)
        await phases.wait_for(ConnectionPhase.LOST)
        restarted = await asyncio.to_thread(ServerProcess, data_dir, ["--http-port", str(port)])
        if first == "supervisor":
            await phases.wait_for(ConnectionPhase.CONNECTED)
        await until_in(["Support"])  # logged out by the restart, and in again
        if first == "socket":
            assert desktop.tracker.phase is not ConnectionPhase.CONNECTED  # not yet looked
        desk = desktop.agent_desk
        assert desk is not None
        assert "logged in to your queues again: Support" in desk.panel.note_label.text()
        desktop.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK

    try:
        run_on_qt_loop(qapp, scenario())
    finally:
        server.close()
        if restarted is not None:
            restarted.close()
