"""End to end: a supervisor's desktop against the real demo server (Kamailio, the media
workers, the event log) picks a caller waiting in Support — a pjsua2 caller — raises
its priority and offers it to agent10, a simulated agent with a pjsua2 phone, who
answers (R16); offered first to an agent with no phone, it is refused with the reason shown.
Every request the supervisor's mode made was its role's to make."""

import asyncio
import re
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.desktop.qt_loop import WAIT_S, run_on_qt_loop
from tests.desktop.test_agent_desk import DEMO_PASSWORD, Colleague, _active, demo, until
from tests.desktop.test_modes import Requests, RouteTable, desk_of, desktop_app, route_table, stop
from tests.server_process import ServerProcess, front_address
from tests.sim.test_live import Sim
from vaxla_desktop.app import EXIT_OK
from vaxla_desktop.realtime_desk import RealtimeDesk
from vaxla_desktop.ui.realtime_models import AgentTableModel, WaitingTableModel
from vaxla_desktop.ui.waiting_calls import PickDialog
from vaxla_protocol import Role

__all__ = ["demo", "route_table"]  # the fixtures this module shares

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def agent_state(desk: RealtimeDesk, username: str) -> str:
    proxy = desk.view.agents_proxy
    for row in range(proxy.rowCount()):
        if proxy.index(row, AgentTableModel.NAME).data() == username:
            return str(proxy.index(row, AgentTableModel.STATE).data())
    return ""


def waiting_cells(desk: RealtimeDesk, column: int) -> list[str]:
    proxy = desk.view.waiting.proxy
    return [str(proxy.index(row, column).data()) for row in range(proxy.rowCount())]


def test_a_supervisor_offers_a_waiting_caller_to_a_chosen_agent_who_answers(
    qapp: QApplication,
    demo: ServerProcess,
    route_table: RouteTable,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    requests = Requests(monkeypatch)
    desktop = desktop_app(demo, "supervisor1", tmp_path)
    # agent10 (a member of Support and Sales) answers on a pjsua2 phone, logged in to
    # Sales only: a caller to Support waits until the supervisor picks it for agent10.
    # agent3 is logged in to Support, paused.
    answering = Sim("agents", "--server", demo.url, "--count", "1", "--first", "10",
                    "--answer-after", "0.2", "--talk", "30", "--report", "1")  # fmt: skip
    agent10, agent3 = Colleague(demo, "agent10"), Colleague(demo, "agent3")
    caller: Sim | None = None

    async def scenario() -> None:
        nonlocal caller
        running = asyncio.get_running_loop().create_task(desktop.run())
        desk = await desk_of(desktop)
        assert isinstance(desk, RealtimeDesk)
        view, window = desk.view, desktop.main_window
        assert window is not None
        queues = {figures.state.name: figures.state.id for figures in view.state.queues()}
        answering.wait_for(re.compile(r"logged in, answering at"))
        await agent10.post("/agent/logout", {"queues": [queues["Support"]]})
        await until(desk, lambda: agent_state(desk, "agent10") == "Ready")
        # Someone logged in to Support but paused: callers wait rather than hear that
        # nobody is there.
        await agent3.post("/agent/login", {})
        await agent3.post("/agent/pause", {"reason": "lunch"})
        await until(desk, lambda: agent_state(desk, "agent3") == "Paused — Lunch")

        target = f"sip:200@{front_address(demo.log_lines)}"
        caller = Sim("callers", "--target", target, "--rate", "1", "--patience", "60",
                     "--count", "1", "--report", "1")  # fmt: skip
        await until(desk, lambda: waiting_cells(desk, WaitingTableModel.QUEUE) == ["Support"])
        assert waiting_cells(desk, WaitingTableModel.CALLER) == ["caller"]  # its From
        view.tabs.setCurrentWidget(view.waiting)
        panel = view.waiting
        panel.table.selectRow(0)

        # Raised by its key: the server's next list shows the new priority.
        with _active(qapp, window):
            panel.table.setFocus()
            QTest.keyClick(panel.table, Qt.Key.Key_P, CTRL_SHIFT)
            await until(desk, lambda: waiting_cells(desk, WaitingTableModel.PRIORITY) == ["1"])

            # Offered to agent3 (logged in through the API, with no phone): refused, and
            # the reason shown in words.
            def offer_to(choice: str) -> None:
                window.activateWindow()  # back from the last dialog (offscreen forgets)
                assert QTest.qWaitForWindowActive(window)
                panel.table.setFocus()
                QTest.keyClick(panel.table, Qt.Key.Key_O, CTRL_SHIFT)
                dialog = panel.dialog
                assert isinstance(dialog, PickDialog)
                dialog.agent_box.setCurrentIndex(dialog.agent_box.findText(choice))
                dialog.accept()

            offer_to("agent3 (Paused)")
            await requests.until(lambda seen: any(s == 409 for _, _, s in seen))
            await until(desk, lambda: panel.message_label.isVisible())
            assert panel.message_label.text().startswith(
                "The server said no: agent 'agent3' is logged in without a softphone"
            )
            assert waiting_cells(desk, WaitingTableModel.STATE) == ["Waiting"]

            # Offered to agent10: its phone rings and it answers.
            offer_to("agent10 (Ready)")
            await until(desk, lambda: agent_state(desk, "agent10") == "On a call")
        await until(desk, lambda: waiting_cells(desk, WaitingTableModel.QUEUE) == [])
        assert not panel.message_label.isVisible()

        desktop.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK
        await agent3.post("/agent/logout", {})
        for colleague in (agent10, agent3):
            await colleague.http.aclose()

    try:
        run_on_qt_loop(qapp, scenario())
    finally:
        for sim in (caller, answering):
            if sim is not None:
                stop(sim)
    assert requests.not_allowed(Role.SUPERVISOR, route_table) == []
    asked = [(method, path) for method, path, _ in requests.seen if "/contacts/" in path]
    assert [path.rsplit("/", 1)[-1] for _, path in asked] == ["priority", "pick", "pick"]
    # The call log: answered by agent10 in Support, after the supervisor's pick.
    login = {"username": "supervisor1", "password": DEMO_PASSWORD}
    with httpx.Client(base_url=demo.url + "/api/v1", timeout=10) as http:
        token = http.post("/auth/login", json=login).json()["token"]
        calls = http.get("/calls", headers={"Authorization": f"Bearer {token}"}).json()
    (record,) = [c for c in calls if c["agent"] == "agent10"]
    assert (record["queue"], record["outcome"], record["caller"]) == (
        "Support",
        "answered",
        "caller",
    )
