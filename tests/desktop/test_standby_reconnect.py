"""A stand-by agent's desktop under a server restart (R23): the restart forgets who
stands by, and the reconnected desktop stands by again and says so."""

import asyncio
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from PySide6.QtWidgets import QApplication

from tests.desktop.qt_loop import WAIT_S, Phases, run_on_qt_loop
from tests.desktop.test_reconnect import QUICK, SLOW, quickly_reconnecting
from tests.server_process import ServerProcess
from vaxla_desktop.app import EXIT_OK
from vaxla_desktop.core.connection import ConnectionPhase

STANDBY_AGENT = "agent10"


def make_stand_by_agent(server_url: str) -> None:
    with httpx.Client(base_url=server_url + "/api/v1", timeout=10) as api:
        login = api.post("/auth/login", json={"username": "admin1", "password": "demo"})
        api.headers["Authorization"] = f"Bearer {login.json()['token']}"
        profile = api.get(f"/config/agents/{STANDBY_AGENT}").json()
        del profile["username"]
        assert api.put(f"/config/agents/{STANDBY_AGENT}", json=profile | {"standby": True})


@pytest.mark.parametrize("first", ["supervisor", "socket"])
def test_after_a_server_restart_the_stand_by_agent_stands_by_again(
    qapp: QApplication, tmp_path: Path, first: str
) -> None:
    """Whichever finds the restarted server first, the connection supervisor or the
    event socket, the desktop stands by again."""
    data_dir = tmp_path / "data"
    server = ServerProcess(data_dir, ["--demo"])
    restarted: ServerProcess | None = None
    port = urlsplit(server.url).port
    assert port is not None
    make_stand_by_agent(server.url)
    desktop = quickly_reconnecting(
        tmp_path,
        server.url,
        username=STANDBY_AGENT,
        password="demo",
        backoff=QUICK if first == "supervisor" else SLOW,
    )
    phases = Phases(desktop)

    async def standing_by() -> bool:
        desk = desktop.agent_desk
        return desk is not None and (await desk.api.state()).standing_by

    async def until_standing_by() -> None:
        # A guard only: after a restart the app logs in again and rejoins, each a step
        # that waits on a loaded machine (two test processes, the restarted server).
        async with asyncio.timeout(3 * WAIT_S):
            while not await standing_by():
                await asyncio.sleep(0.1)

    async def scenario() -> None:
        nonlocal restarted
        running = asyncio.get_running_loop().create_task(desktop.run())
        await phases.wait_for(ConnectionPhase.CONNECTED)
        desk = desktop.agent_desk
        assert desk is not None
        await desk.first_picture()
        assert desk.panel.standby_button.isVisible()
        desk.panel.standby_button.click()
        await until_standing_by()
        await asyncio.to_thread(server.stop)
        await phases.wait_for(ConnectionPhase.LOST)
        restarted = await asyncio.to_thread(ServerProcess, data_dir, ["--http-port", str(port)])
        if first == "supervisor":
            await phases.wait_for(ConnectionPhase.CONNECTED)
        await until_standing_by()  # forgotten by the restart, and standing by again
        if first == "socket":
            assert desktop.tracker.phase is not ConnectionPhase.CONNECTED  # not yet looked
        assert desk.panel.note_label.text() == "The server came back; you stand by again."
        desktop.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK

    try:
        run_on_qt_loop(qapp, scenario())
    finally:
        server.close()
        if restarted is not None:
            restarted.close()
