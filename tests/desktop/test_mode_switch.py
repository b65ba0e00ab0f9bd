"""A supervisor with an agent profile switches between the real-time view and the agent's
mode in one window, against the real demo server: given a profile through the admin API,
supervisor1 takes calls (Ctrl+Shift+T), is offered a real call (SIPp) on the app's own
softphone, cannot leave during it, and back in the supervisor's view is logged out of
its queues, with no phone. Every request the app makes is one a supervisor may make.

A receptionist at the switchboard in the same way (R29): operator1, given an agent
profile in Support, opens the Take calls mode with the Switchboard tab first; a real
caller (SIPp) is answered on the app's own softphone and shown with its number; F3
holds it (the server keeps it out of the offers, in the log as held), the held row
shows its timer; F4 retrieves it, the softphone answers it again, and the call is ended.
Every request is one an operator may make.
"""

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from tests.desktop.qt_loop import WAIT_S, run_on_qt_loop
from tests.desktop.test_agent_desk import (
    DEMO_PASSWORD,
    Colleague,
    _active,
    _busy,
    demo,
    sipp_caller,
    until,
)
from tests.desktop.test_modes import Requests, RouteTable, route_table
from tests.media.harness import sip_tester_pcaps
from tests.server_process import ServerProcess, front_address
from tests.shots import keep_shot
from vaxla_desktop.agent_desk import AgentDesk
from vaxla_desktop.app import EXIT_OK, AppOptions, DesktopApp
from vaxla_desktop.core.modes import Mode
from vaxla_desktop.credentials import CredentialStore
from vaxla_desktop.i18n import Language
from vaxla_desktop.realtime_desk import RealtimeDesk
from vaxla_desktop.settings import DesktopSettings
from vaxla_desktop.ui.switchboard_panel import SwitchboardPanel
from vaxla_protocol import Role
from vaxla_protocol.events import OfferMade
from vaxla_server.store.database import create_store_engine, sqlite_url
from vaxla_server.store.event_log import EventLog
from vaxla_server.store.events import Answered, Parked

__all__ = ["demo", "route_table"]  # this module's own demo server and the route table


def as_admin_give_supervisor1_a_profile(server: ServerProcess, user: str = "supervisor1") -> None:
    with httpx.Client(base_url=server.url + "/api/v1", timeout=10) as api:
        login = api.post("/auth/login", json={"username": "admin1", "password": DEMO_PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        profile = {"skills": {"support": 5}, "memberships": [{"queue": "Support"}]}
        given = api.put(f"/config/agents/{user}", json=profile, headers=headers)
        assert given.status_code == 200, given.text


def desktop_app(
    server: ServerProcess, username: str, tmp_path: Path, queues: list[str]
) -> DesktopApp:
    settings_path = tmp_path / "settings.ini"
    return DesktopApp(
        AppOptions(
            server_url=server.url, username=username, password=DEMO_PASSWORD,
            discovery=False, settings_path=settings_path, language=Language.ENGLISH,
            queues=queues, auto_answer=True,
        ),
        settings=DesktopSettings(settings_path),
        credentials=CredentialStore(fail.Keyring()),  # type: ignore[no-untyped-call]
    )  # fmt: skip


async def supervisor1_state(server: ServerProcess) -> dict[str, object]:
    """As the server has supervisor1 now (another session of it, the app's still open)."""
    async with httpx.AsyncClient(base_url=server.url + "/api/v1", timeout=10) as api:
        login = {"username": "supervisor1", "password": DEMO_PASSWORD}
        token = (await api.post("/auth/login", json=login)).json()["token"]
        answer = await api.get("/agent", headers={"Authorization": f"Bearer {token}"})
        state: dict[str, object] = answer.json()
        return state


def shoot(window: QWidget, name: str) -> None:
    keep_shot(window, f"switch-{name}.png")


def test_a_supervisor_with_a_profile_takes_a_call_and_goes_back_to_its_view(
    qapp: QApplication,
    demo: ServerProcess,
    route_table: RouteTable,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    as_admin_give_supervisor1_a_profile(demo)
    requests = Requests(monkeypatch)
    worker_sip = front_address(demo.log_lines)
    (tmp_path / "pcap").symlink_to(sip_tester_pcaps())
    desktop = desktop_app(demo, "supervisor1", tmp_path, [])
    offers: list[OfferMade] = []

    def on_event(event: object) -> None:
        if isinstance(event, OfferMade):
            offers.append(event)

    async def switched(kind: type) -> None:
        async def wait() -> None:
            window = desktop.main_window
            while not (
                isinstance(desktop.desk, kind)
                and window is not None
                and window.switch_action.isEnabled()
            ):
                await asyncio.sleep(0.02)
                window = desktop.main_window

        await asyncio.wait_for(wait(), WAIT_S)

    async def polled(done: Callable[[], bool]) -> None:
        async def wait() -> None:
            while not done():
                await asyncio.sleep(0.02)

        await asyncio.wait_for(wait(), WAIT_S)

    async def scenario() -> None:
        running = asyncio.get_running_loop().create_task(desktop.run())
        await switched(RealtimeDesk)
        assert isinstance(desktop.desk, RealtimeDesk)
        await asyncio.wait_for(desktop.desk.first_picture(), WAIT_S)
        window = desktop.main_window
        assert window is not None
        assert desktop.mode is Mode.SUPERVISOR and desktop.phone is None
        assert window.switch_button.isVisibleTo(window)
        assert window.switch_button.text() == "Take calls (agent mode)"
        shoot(window, "supervisor-view")

        # To the agent's mode by the key: the panel and the phone, in all its queues.
        with _active(qapp, window):
            QTest.keyClick(
                window,
                Qt.Key.Key_T,
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
            )
        await switched(AgentDesk)
        desk = desktop.agent_desk
        assert desk is not None and desktop.phone is not None and desktop.mode is Mode.AGENT
        assert window.phone_panel is desktop.phone.panel
        assert window.switch_button.text() == "Supervisor view"
        desk.sig_event.connect(on_event)
        await until(desk, lambda: desk.panel.state_label.text() == "Ready")
        me = desk.state.me
        assert me is not None and [queue.name for queue in me.queues] == ["Support"]

        # A caller to 200 (Support) is offered to the supervisor's own softphone.
        caller = await sipp_caller(worker_sip, tmp_path)
        try:
            await until(desk, lambda: _busy(desk))
            assert [offer.agent_id for offer in offers] == [me.agent_id]
            shoot(window, "agent-mode-on-a-call")
            # Not during a call: the panel says why, and the mode stays.
            window.switch_action.trigger()
            await polled(lambda: bool(desk.panel.message_label.text()))
            await switched(AgentDesk)
            assert desk.panel.message_label.text() == (
                "End the call first: you cannot leave the agent mode during a call."
            )
            assert desktop.phone is not None
            desktop.phone.panel.hang_up_button.click()
            assert await asyncio.wait_for(caller.wait(), WAIT_S) == 0
        finally:
            if caller.returncode is None:
                caller.kill()
                await caller.wait()
        await until(desk, lambda: desk.state.me is not None and desk.state.me.call is None)

        # Back by the button: logged out of the queues, the phone closed, the view again.
        window.switch_button.click()
        await switched(RealtimeDesk)
        assert desktop.mode is Mode.SUPERVISOR
        assert (desktop.phone, desktop.agent_desk, window.phone_panel) == (None, None, None)
        assert window.switch_button.text() == "Take calls (agent mode)"
        assert isinstance(desktop.desk, RealtimeDesk)
        await asyncio.wait_for(desktop.desk.first_picture(), WAIT_S)
        shoot(window, "back-to-supervisor-view")
        # It takes no calls while it watches: logged out of every queue on the server.
        assert (await supervisor1_state(demo))["queues"] == []

        # And to the agent's mode once more: a new softphone in the same process.
        window.switch_action.trigger()
        await switched(AgentDesk)
        assert desktop.phone is not None and window.phone_panel is desktop.phone.panel
        desktop.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK

    run_on_qt_loop(qapp, scenario())
    assert requests.not_allowed(Role.SUPERVISOR, route_table) == []


def test_a_supervisor_takes_a_waiting_call_itself_from_its_view(
    qapp: QApplication,
    demo: ServerProcess,
    route_table: RouteTable,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The view's "Take it myself" (Ctrl+Shift+Y) on a caller waiting in Support: the app
    turns to the agent's mode logged in to Support only, and the call is offered to its
    own softphone, which answers it (R16)."""
    as_admin_give_supervisor1_a_profile(demo)
    requests = Requests(monkeypatch)
    worker_sip = front_address(demo.log_lines)
    (tmp_path / "pcap").symlink_to(sip_tester_pcaps())
    settings_path = tmp_path / "settings.ini"
    desktop = DesktopApp(
        AppOptions(
            server_url=demo.url, username="supervisor1", password=DEMO_PASSWORD,
            discovery=False, settings_path=settings_path, language=Language.ENGLISH,
            auto_answer=True,
        ),
        settings=DesktopSettings(settings_path),
        credentials=CredentialStore(fail.Keyring()),  # type: ignore[no-untyped-call]
    )  # fmt: skip
    keeper = Colleague(demo, "agent12")  # logged in and paused: the caller waits

    async def polled(done: Callable[[], bool]) -> None:
        async def wait() -> None:
            while not done():
                await asyncio.sleep(0.02)

        await asyncio.wait_for(wait(), WAIT_S)

    async def scenario() -> None:
        await keeper.post("/agent/login", {"sip_contact": "sip:nobody@127.0.0.1:9"})
        await keeper.post("/agent/pause", {"reason": "lunch"})
        running = asyncio.get_running_loop().create_task(desktop.run())
        caller = None
        try:
            await polled(lambda: isinstance(desktop.desk, RealtimeDesk))
            realtime = desktop.desk
            assert isinstance(realtime, RealtimeDesk)
            waiting = realtime.view.waiting
            await polled(lambda: waiting.take_action.isVisible())  # it has a profile
            caller = await sipp_caller(worker_sip, tmp_path)
            await polled(lambda: waiting.model.rowCount() == 1)
            waiting.table.selectRow(0)
            window = desktop.main_window
            assert window is not None
            realtime.view.tabs.setCurrentWidget(waiting)
            with _active(qapp, window):
                waiting.table.setFocus()
                QTest.keyClick(
                    waiting.table,
                    Qt.Key.Key_Y,
                    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
                )
            await polled(lambda: isinstance(desktop.agent_desk, AgentDesk))
            desk = desktop.agent_desk
            assert desk is not None and desktop.mode is Mode.AGENT
            try:  # offered to its phone, answered
                # The softphone starts, logs in, joins Support, is offered and answers:
                # more than one step's wait on a loaded machine.
                await until(desk, lambda: _busy(desk), 3 * WAIT_S)
            except TimeoutError:
                raise AssertionError(
                    f"not busy: {desk.state.me}; the panel says"
                    f" {desk.panel.message_label.text()!r}; the server's last lines:\n"
                    + "".join(demo.log_lines[-40:])
                ) from None
            me = desk.state.me
            assert me is not None and [queue.name for queue in me.queues] == ["Support"]
            assert desktop.phone is not None
            desktop.phone.panel.hang_up_button.click()
            assert await asyncio.wait_for(caller.wait(), WAIT_S) == 0
            desktop.quit()
            assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK
        finally:
            if caller is not None and caller.returncode is None:
                caller.kill()
                await caller.wait()
            if not running.done():  # a failure above: end the app and its softphone here
                desktop.quit()
                await asyncio.wait_for(running, WAIT_S)
            await keeper.post("/agent/logout", {})
            await keeper.http.aclose()

    run_on_qt_loop(qapp, scenario())
    assert requests.not_allowed(Role.SUPERVISOR, route_table) == []


def as_admin_give_operator1_a_profile(server: ServerProcess) -> None:
    """And supervisor1 (of this module's other tests) out of every queue: the caller is
    operator1's."""
    with httpx.Client(base_url=server.url + "/api/v1", timeout=10) as api:
        login = {"username": "supervisor1", "password": DEMO_PASSWORD}
        token = api.post("/auth/login", json=login).json()["token"]
        api.post("/agent/logout", json={}, headers={"Authorization": f"Bearer {token}"})
    as_admin_give_supervisor1_a_profile(server, "operator1")


def test_a_receptionist_answers_holds_and_retrieves_a_caller(
    qapp: QApplication,
    demo: ServerProcess,
    route_table: RouteTable,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    as_admin_give_operator1_a_profile(demo)
    requests = Requests(monkeypatch)
    worker_sip = front_address(demo.log_lines)
    (tmp_path / "pcap").symlink_to(sip_tester_pcaps())
    desktop = desktop_app(demo, "operator1", tmp_path, ["Support"])

    async def until(done: Callable[[], bool]) -> None:
        async def wait() -> None:
            while not done():
                await asyncio.sleep(0.05)

        await asyncio.wait_for(wait(), WAIT_S)

    def desk_me() -> object:
        return desktop.switchboard_desk.me if desktop.switchboard_desk else None

    async def scenario() -> None:
        running = asyncio.get_running_loop().create_task(desktop.run())
        await until(
            lambda: (
                isinstance(desktop.desk, RealtimeDesk)
                and desktop.main_window is not None
                and desktop.main_window.switch_action.isEnabled()
            )
        )
        window = desktop.main_window
        assert window is not None
        with _active(qapp, window):
            QTest.keyClick(
                window,
                Qt.Key.Key_T,
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
            )
        await until(lambda: isinstance(desktop.desk, AgentDesk) and desktop.phone is not None)
        await until(lambda: window.switch_action.isEnabled())
        assert window.switch_button.text() == "Directory and lines"  # back to its own view
        desk = desktop.agent_desk
        assert desk is not None
        tabs = desk.panel.tabs
        panel = tabs.widget(0)
        assert isinstance(panel, SwitchboardPanel) and tabs.tabText(0) == "Switchboard"
        assert tabs.currentIndex() == 0
        await until(lambda: desk.state.me is not None and desk.state.me.state == "available")

        caller = await sipp_caller(worker_sip, tmp_path, timeout_s=90)  # held meanwhile
        try:
            await until(lambda: panel.call_contact is not None)
            contact = panel.call_contact
            me = desk.state.me.agent_id if desk.state.me is not None else -1
            assert panel.call_label.text() != "No call"
            keep_shot(window, "switchboard-live-call.png")
            with _active(qapp, window):
                panel.search.setFocus()
                QTest.keyClick(panel.search, Qt.Key.Key_F3)  # hold
            try:
                await until(lambda: [c.contact_id for c in panel.held_model.held] == [contact])
            except TimeoutError:
                held = panel.held_model.held
                raise AssertionError(
                    f"not held: {panel.message_label.text()!r} {held} {desk_me()}"
                ) from None
            assert panel.held_model.held[0].held and panel.call_contact is None
            keep_shot(window, "switchboard-live-held.png")
            with _active(qapp, window):
                panel.search.setFocus()
                QTest.keyClick(panel.search, Qt.Key.Key_F4)  # retrieve
            await until(lambda: panel.call_contact == contact and not panel.held_model.held)
            assert desktop.phone is not None
            desktop.phone.panel.hang_up_button.click()
            assert await asyncio.wait_for(caller.wait(), WAIT_S) == 0
        finally:
            if caller.returncode is None:
                caller.kill()
                await caller.wait()
        # The event log: held by operator1, then answered by it again.
        args = [str(arg) for arg in demo.process.args]  # type: ignore[union-attr]
        data_dir = Path(args[args.index("--data-dir") + 1])
        log = EventLog(create_store_engine(sqlite_url(data_dir)))
        logged = [e.event for e in log.read(contact=contact)]
        parked = [e for e in logged if isinstance(e, Parked)]
        assert [(e.agent_id, e.held) for e in parked] == [(me, True)]
        answered = [e.agent_id for e in logged if isinstance(e, Answered)]
        assert answered == [me, me]
        desktop.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK

    run_on_qt_loop(qapp, scenario())
    assert requests.not_allowed(Role.OPERATOR, route_table) == []
