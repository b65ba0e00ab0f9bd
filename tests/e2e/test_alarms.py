"""Alarms end to end (R24): the demo server, a SIPp caller waiting in Support while its
only agent is paused, a real SMTP server (aiosmtpd on loopback) and the supervisor's
desktop. The alarm is raised by the server's own watch, shown red in the desktop's
alarms panel, acknowledged there (the log says by whom), cleared when the caller hangs
up, and both the raise and the clearing are mailed."""

import asyncio
from pathlib import Path

import httpx
import pytest
from PySide6.QtWidgets import QApplication

from tests.desktop.qt_loop import WAIT_S, run_on_qt_loop
from tests.desktop.test_agent_desk import Colleague, demo_desktop, until
from tests.desktop.test_modes import desk_of
from tests.server.alarms.smtp import smtp_server
from tests.server_process import ServerProcess, front_address, print_sipp_errors
from vaxla_desktop.app import EXIT_OK
from vaxla_desktop.realtime_desk import RealtimeDesk
from vaxla_server.media.pool import free_udp_port
from vaxla_server.network import free_media_port, free_sip_port
from vaxla_server.store import open_store
from vaxla_server.store.events import AlarmAcknowledged, EventKind

SCENARIOS = Path(__file__).parents[1] / "sipp"
RULE = {
    "name": "support-waiting",
    "queue": "Support",
    "metric": "waiting_count",
    "comparison": ">=",
    "threshold": 1,
    "severity": "critical",
    "quiet_s": 0,
    "recipients": ["jour@example.se"],
}

# aiosmtpd's own warning, in its thread (see tests/server/alarms/smtp.py).
pytestmark = pytest.mark.filterwarnings("ignore:Session.login_data is deprecated")


def test_a_waiting_caller_raises_an_alarm_that_is_shown_acknowledged_cleared_and_mailed(
    qapp: QApplication, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with (
        ServerProcess(data, ["--demo", "--sip-port", str(free_sip_port())], timeout=120) as server,
        smtp_server(tmp_path) as smtp,
    ):
        with httpx.Client(base_url=server.url + "/api/v1", timeout=10) as api:
            login = api.post("/auth/login", json={"username": "admin1", "password": "demo"})
            api.headers["Authorization"] = f"Bearer {login.json()['token']}"
            mail = {"host": smtp.host, "port": smtp.port, "tls": "off", "sender": "vaxla@x.se"}
            assert api.put("/config/mail-server", json=mail).is_success
            assert api.post("/config/alarm-rules", json=RULE).status_code == 201
        desktop = demo_desktop(server, "supervisor1", tmp_path / "settings.ini")
        paused = Colleague(server, "agent1")

        async def scenario() -> None:
            running = asyncio.get_running_loop().create_task(desktop.run())
            desk = await desk_of(desktop)
            assert isinstance(desk, RealtimeDesk)
            panel = desk.view.alarms
            assert panel.isVisible() and panel.title() == "Alarms"
            # agent1 is in Support but paused: the caller waits rather than being let go.
            await paused.post("/agent/login", {})
            await paused.post("/agent/pause", {"reason": "lunch"})
            caller = asyncio.create_task(call_and_hang_up(server, tmp_path, after_ms=10000))
            await until(desk, lambda: panel.model.rowCount() == 1)
            assert panel.title() == "Alarms: 1 raised, 1 not acknowledged"
            # The app's own loop lays the panel out: processEvents() here would run other
            # tasks' steps inside this one (qasync: "Cannot enter into task").
            await asyncio.sleep(0.05)
            assert desk.view.grab().save(str(tmp_path / "alarm-raised.png"))
            panel.acknowledge_button.click()
            await until(desk, lambda: panel.title() == "Alarms: 1 raised, 0 not acknowledged")
            assert panel.model.alarm_at(0) is not None
            assert panel.model.alarm_at(0).acknowledged_by == "supervisor1"  # type: ignore[union-attr]
            assert await caller == 0
            await until(desk, lambda: panel.model.rowCount() == 0)  # cleared
            desktop.quit()
            assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK
            await paused.post("/agent/logout", {})
            await paused.http.aclose()

        run_on_qt_loop(qapp, scenario())
        raised, cleared = smtp.inbox.wait_for(2)
        assert (
            raised["Subject"] == "Vaxla: larm 'support-waiting' i Support: väntande samtal 1 >= 1"
        )
        assert cleared["Subject"] == "Vaxla: larm 'support-waiting' i Support är över"
        with open_store(data_dir=data) as store:
            [seen] = [e.event for e in store.events.read(kinds=[EventKind.ALARM_ACKNOWLEDGED])]
        assert isinstance(seen, AlarmAcknowledged) and seen.by_name == "supervisor1"


async def call_and_hang_up(server: ServerProcess, tmp: Path, *, after_ms: int) -> int:
    """SIPp calls 200 and hangs up ``after_ms`` after the answer; its exit status."""
    errors = tmp / "caller.errors"
    process = await asyncio.create_subprocess_exec(
        "sipp", front_address(server.log_lines), "-sf", str(SCENARIOS / "caller_hangs_up.xml"),
        "-s", "200", "-m", "1", "-d", str(after_ms), "-i", "127.0.0.1",
        "-p", str(free_udp_port("127.0.0.1")), "-mp", str(free_media_port("127.0.0.1")),
        "-timeout", "30s", "-timeout_error", "-nostdin", "-trace_err", "-error_file", str(errors),
        cwd=tmp, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        return await asyncio.wait_for(process.wait(), 40)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        if process.returncode:
            print_sipp_errors(errors, process.returncode)
