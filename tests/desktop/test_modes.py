"""Each role's mode in the running app against the real demo server: the mode the role
opens, every HTTP request that mode makes checked against the server's own route ×
role table (none refused), a supervisor running agents from the real-time view, and
a supervisor saving a board (R30) from the wallboard.

The requests are recorded where the app makes them (``ServerClient._request``: every
HTTP request of the desktop goes through it). The event socket is not an HTTP route;
it is open to every role, and its ``Hello`` is checked by the server itself.
"""

import asyncio
import re
import signal
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.desktop.qt_loop import WAIT_S, run_on_qt_loop
from tests.desktop.test_agent_desk import (
    DEMO_PASSWORD,
    Colleague,
    _active,
    demo,
    demo_desktop,
    until,
)
from tests.server_process import ServerProcess, front_address
from tests.sim.test_live import Sim
from vaxla_desktop.agent_desk import AgentDesk
from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.app import EXIT_OK, DesktopApp
from vaxla_desktop.core.modes import Mode
from vaxla_desktop.realtime_desk import RealtimeDesk
from vaxla_desktop.ui.agent_panel import AgentPanel
from vaxla_desktop.ui.realtime_models import AgentTableModel
from vaxla_desktop.ui.realtime_view import RealtimeView
from vaxla_protocol import API_PREFIX, Role
from vaxla_server.api.access import route_roles
from vaxla_server.app import create_app
from vaxla_server.store import open_store

__all__ = ["demo"]  # the demo server of the agent desk's tests, shared by this module

Seen = list[tuple[str, str, int]]
RouteTable = dict[tuple[str, str], frozenset[Role] | None]


@pytest.fixture(scope="module")
def route_table(tmp_path_factory: pytest.TempPathFactory) -> RouteTable:
    """The server's generated route × role table (as ``tests/server/api/test_role_table``
    checks it against the policy)."""
    with open_store(data_dir=tmp_path_factory.mktemp("routes") / "data") as store:
        return route_roles(create_app(store))


class Requests:
    """Every HTTP request the app makes, with the status it got."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: Seen = []
        self._new = asyncio.Event()
        original = ServerClient._request

        async def recording(client: ServerClient, method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
            response = await original(client, method, path, **kwargs)  # type: ignore[arg-type]
            self.seen.append((method, API_PREFIX + path, response.status_code))
            self._new.set()
            return response

        monkeypatch.setattr(ServerClient, "_request", recording)

    async def until(self, enough: Callable[[Seen], bool]) -> None:
        async def wait() -> None:
            while not enough(self.seen):
                self._new.clear()
                await self._new.wait()

        await asyncio.wait_for(wait(), WAIT_S)

    def not_allowed(self, role: Role, table: RouteTable) -> list[tuple[str, str, int, str]]:
        """The requests refused (403), or whose route's roles leave ``role`` out."""
        wrong = []
        for method, path, status in self.seen:
            roles = _roles_of(method, path, table)
            if status == 403 or (roles is not None and role not in roles):
                wrong.append((method, path, status, _names(roles)))
        return wrong


def _roles_of(method: str, path: str, table: RouteTable) -> frozenset[Role] | None:
    path = path.partition("?")[0]  # a query (the directory's search) is no part of the route
    for (route_method, template), roles in table.items():
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        if route_method == method and re.fullmatch(pattern, path):
            return roles
    raise AssertionError(f"{method} {path} is no route of the server")


def _names(roles: frozenset[Role] | None) -> str:
    return "public" if roles is None else ", ".join(sorted(r.value for r in roles))


def desktop_app(server: ServerProcess, username: str, tmp_path: Path) -> DesktopApp:
    # The connection supervisor's check (GET /auth/me) comes often: recorded too.
    return demo_desktop(server, username, tmp_path / "settings.ini", heartbeat_s=0.2)


async def desk_of(desktop: DesktopApp) -> AgentDesk | RealtimeDesk:
    async def ready() -> AgentDesk | RealtimeDesk:
        while desktop.desk is None:
            await asyncio.sleep(0.01)
        return desktop.desk

    desk = await asyncio.wait_for(ready(), WAIT_S)
    await asyncio.wait_for(desk.first_picture(), WAIT_S)
    return desk


@pytest.mark.parametrize(
    ("username", "role", "mode"),
    [
        ("agent1", Role.AGENT, Mode.AGENT),
        ("supervisor1", Role.SUPERVISOR, Mode.SUPERVISOR),
        ("operator1", Role.OPERATOR, Mode.WATCH),
        ("admin1", Role.ADMIN, Mode.WATCH),
    ],
)
def test_each_role_opens_its_mode_and_asks_only_what_it_may(
    qapp: QApplication,
    demo: ServerProcess,
    route_table: RouteTable,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    username: str,
    role: Role,
    mode: Mode,
) -> None:
    requests = Requests(monkeypatch)
    desktop = desktop_app(demo, username, tmp_path)
    shown: dict[str, object] = {}

    async def scenario() -> None:
        running = asyncio.get_running_loop().create_task(desktop.run())
        try:
            desk = await desk_of(desktop)
            # The supervisor has checked the session twice: the mode's start is behind us.
            await requests.until(lambda seen: sum(p.endswith("/auth/me") for _, p, _ in seen) >= 3)
            window = desktop.main_window
            assert window is not None
            shown.update(desk=desk, panel=window.agent_panel, health=window.health_label.text())
            if isinstance(desk, RealtimeDesk):
                view = desk.view
                shown.update(
                    actions=view.action_bar.isVisibleTo(window),
                    note=view.note_label.isVisibleTo(window),
                    agents=view.agents_model.rowCount(),
                    queues=view.queues_model.rowCount(),
                    switch=window.switch_button.isVisibleTo(window),
                )
        finally:
            desktop.quit()
            assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK

    run_on_qt_loop(qapp, scenario())
    # Nothing refused, nothing asked outside the role's rights (whatever the mode).
    assert requests.not_allowed(role, route_table) == []
    assert str(shown["health"]).startswith("ok — server")  # no problem shown
    assert desktop.mode is mode
    desk = shown["desk"]
    asked = {path.removeprefix(API_PREFIX) for _, path, _ in requests.seen}
    if mode is Mode.AGENT:
        assert isinstance(desk, AgentDesk) and isinstance(shown["panel"], AgentPanel)
        assert {"/agent/parked", "/config/classification-codes"} <= asked
        return
    assert isinstance(desk, RealtimeDesk) and isinstance(shown["panel"], RealtimeView)
    assert shown["actions"] is (mode is Mode.SUPERVISOR)  # a supervisor acts; others watch
    assert shown["note"] is (mode is Mode.WATCH)  # and are told why
    # Every demo agent and reception1; Support, Sales and Växeln.
    assert (shown["agents"], shown["queues"]) == (21, 3)
    own = [
        (method, path.removeprefix(API_PREFIX), status)
        for method, path, status in requests.seen
        if path == f"{API_PREFIX}/agent" or path.startswith(f"{API_PREFIX}/agent/")
    ]
    # A supervisor is asked once whether it takes calls, an operator whether it answers
    # the switchboard (R29): supervisor1 and operator1 have no agent profile, so there is
    # no switch and nothing more of /agent. Others never ask.
    asks = role in (Role.SUPERVISOR, Role.OPERATOR)
    assert own == ([("GET", "/agent", 404)] if asks else [])
    assert shown["switch"] is False
    assert "/config/pause-reasons" in asked
    assert "/boards" in asked  # the saved boards to pick from (every watcher reads them)


def agent_row(view: RealtimeView, username: str) -> QModelIndex:
    proxy = view.agents_proxy
    for row in range(proxy.rowCount()):
        if proxy.index(row, AgentTableModel.NAME).data() == username:
            return proxy.index(row, AgentTableModel.NAME)
    raise AssertionError(f"{username} is not in the view")


def cell(view: RealtimeView, username: str, column: int) -> str:
    index = agent_row(view, username)
    return str(index.sibling(index.row(), column).data())


def stop(sim: Sim) -> None:
    """As an operator stops it: SIGTERM (the agents hang up and log out), then gone."""
    if sim.process.poll() is None:
        sim.process.send_signal(signal.SIGTERM)
        sim.process.wait(30)
    sim.close()


def test_a_supervisor_sees_the_calls_and_makes_agents_ready_pauses_and_logs_them_out(
    qapp: QApplication,
    demo: ServerProcess,
    route_table: RouteTable,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    requests = Requests(monkeypatch)
    desktop = desktop_app(demo, "supervisor1", tmp_path)
    colleague = Colleague(demo, "agent3")
    answering = Sim("agents", "--server", demo.url, "--count", "1", "--first", "4",
                    "--answer-after", "0.2", "--talk", "30", "--report", "1")  # fmt: skip
    caller: Sim | None = None

    async def scenario() -> None:
        nonlocal caller
        running = asyncio.get_running_loop().create_task(desktop.run())
        desk = await desk_of(desktop)
        assert isinstance(desk, RealtimeDesk)
        view, window = desk.view, desktop.main_window
        assert window is not None
        state = AgentTableModel.STATE

        # An agent pauses at its own desk: the view shows it with the reason.
        await colleague.post("/agent/login", {})
        await colleague.post("/agent/pause", {"reason": "lunch"})
        await until(desk, lambda: cell(view, "agent3", state) == "Paused — Lunch")
        view.agents_view.setCurrentIndex(agent_row(view, "agent3"))
        assert view.selected_label.text() == "Selected: agent3"

        # Ready by the button, paused with another reason by F10, logged out by keys.
        view.ready_button.click()
        await until(desk, lambda: cell(view, "agent3", state) == "Ready")
        view.pause_reason_box.setCurrentIndex(view.pause_reason_box.findData("meeting"))
        with _active(qapp, window):
            QTest.keyClick(window, Qt.Key.Key_F10)
            await until(desk, lambda: cell(view, "agent3", state) == "Paused — Meeting")
            QTest.keyClick(
                window,
                Qt.Key.Key_L,
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
            )
            await until(desk, lambda: cell(view, "agent3", state) == "Logged out")
        assert not view.message_label.isVisible()

        # A refused action says why in words and changes nothing.
        agent3 = agent_row(view, "agent3").data(AgentTableModel.AGENT_ID_ROLE)
        view.sig_ready_requested.emit(agent3)
        await requests.until(lambda seen: any(s == 409 for _, _, s in seen))
        assert view.message_label.text() == ("The server said no: agent 'agent3' is not logged in")
        assert cell(view, "agent3", state) == "Logged out"

        # A caller to 200 is answered by agent4 (a simulated phone): its call shows.
        answering.wait_for(re.compile(r"logged in, answering at"))
        await until(desk, lambda: cell(view, "agent4", state) == "Ready")
        target = f"sip:200@{front_address(demo.log_lines)}"
        caller = Sim("callers", "--target", target, "--rate", "1", "--patience", "30",
                     "--count", "1", "--report", "1")  # fmt: skip
        await until(desk, lambda: cell(view, "agent4", state) == "On a call")
        assert cell(view, "agent4", AgentTableModel.CALL_QUEUE) == "Support"
        assert cell(view, "agent4", AgentTableModel.CALL) == "caller"  # the offer's From
        assert re.fullmatch(r"0:0\d", cell(view, "agent4", AgentTableModel.IN_STATE))

        desktop.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK
        await colleague.http.aclose()

    try:
        run_on_qt_loop(qapp, scenario())
    finally:
        for sim in (caller, answering):
            if sim is not None:
                stop(sim)
    assert requests.not_allowed(Role.SUPERVISOR, route_table) == []


# Boards saved on the server (R30), from the supervisor's wallboard.


def boards_on_server(server: ServerProcess) -> list[dict[str, object]]:
    with httpx.Client(base_url=server.url + "/api/v1", timeout=10) as api:
        login = api.post("/auth/login", json={"username": "admin1", "password": DEMO_PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        boards: list[dict[str, object]] = api.get("/boards", headers=headers).json()
        return boards


def test_a_supervisor_saves_a_board_and_sees_it_with_its_chart(
    qapp: QApplication, demo: ServerProcess, tmp_path: Path
) -> None:
    desktop = demo_desktop(demo, "supervisor1", tmp_path / "settings.ini")

    async def scenario() -> None:
        running = asyncio.get_running_loop().create_task(desktop.run())
        try:
            while not isinstance(desktop.desk, RealtimeDesk):
                await asyncio.sleep(0.01)
            desk = desktop.desk
            await asyncio.wait_for(desk.first_picture(), WAIT_S)
            await asyncio.wait_for(desk.boards_listed(), WAIT_S)
            view = desk.view
            assert view.board_box.count() == 1  # every queue's own tile; nothing saved yet
            saved = asyncio.Event()

            def on_done(name: str) -> None:
                if name == "board saved":
                    saved.set()

            desk.sig_action_done.connect(on_done)
            view.tabs.setCurrentIndex(1)
            view.new_board_button.click()
            editor = view.editor
            assert editor is not None
            QTest.keyClicks(editor.name_edit, "Hall")
            editor.add_tile_button.click()
            editor.title_edit.clear()
            QTest.keyClicks(editor.title_edit, "All of us")
            ids = [queue_id for queue_id, _name in editor.queues]
            editor.set_tile_queues(0, ids)
            editor.buttons.accepted.emit()
            await asyncio.wait_for(saved.wait(), WAIT_S)
            assert view.editor is None and view.board_name() == "Hall"
            assert [t.name_label.text() for t in view.wallboard.tiles[:1]] == ["All of us"]

            async def chart_came() -> None:
                while view.chart is None:
                    await asyncio.sleep(0.02)

            await asyncio.wait_for(chart_came(), WAIT_S)
            assert view.chart is not None and view.chart.time_zone == "Europe/Stockholm"
            # A second board of the same name: the server's reason, in the open editor.
            view.new_board_button.click()
            again = view.editor
            assert again is not None
            QTest.keyClicks(again.name_edit, "Hall")
            again.add_tile_button.click()
            again.set_tile_queues(0, ids[:1])
            again.buttons.accepted.emit()

            async def refused() -> None:
                while not again.error_label.text():
                    await asyncio.sleep(0.02)

            await asyncio.wait_for(refused(), WAIT_S)
            assert "a board named 'Hall' exists already" in again.error_label.text()
            assert again.isVisible()
            again.reject()
        finally:
            desktop.quit()
            assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK

    run_on_qt_loop(qapp, scenario())
    stored = boards_on_server(demo)
    assert [(b["name"], b["changed_by"]) for b in stored] == [("Hall", "supervisor1")]
    tiles = stored[0]["tiles"]
    assert isinstance(tiles, list) and tiles[0]["title"] == "All of us"
