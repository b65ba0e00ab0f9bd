"""The agent panel in the running app against the real demo server: what it shows comes
from the event WebSocket, and what the agent does goes to the server and comes back as
events."""

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.desktop.conftest import AGENT, PASSWORD, create_user
from tests.desktop.qt_loop import WAIT_S, Phases, run_on_qt_loop
from tests.media.harness import SCENARIOS, sip_tester_pcaps
from tests.server_process import ServerProcess, front_address
from vaxla_desktop.agent_desk import AgentDesk
from vaxla_desktop.app import EXIT_OK, AppOptions, DesktopApp
from vaxla_desktop.core.connection import Backoff, ConnectionPhase, ConnectionTracker
from vaxla_desktop.credentials import CredentialStore
from vaxla_desktop.i18n import Language
from vaxla_desktop.realtime_desk import RealtimeDesk
from vaxla_desktop.session import HEARTBEAT_S
from vaxla_desktop.settings import DesktopSettings
from vaxla_desktop.ui.agent_panel import AgentPanel
from vaxla_protocol.control import CallProgress
from vaxla_protocol.events import OfferMade, Welcome
from vaxla_server.media.pool import free_udp_port
from vaxla_server.network import free_media_port, free_sip_port

DEMO_PASSWORD = "demo"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    tmp = tmp_path_factory.mktemp("demo")
    args = ["--demo", "--sip-port", str(free_sip_port())]
    # The demo hashes 23 passwords (argon2id) on its first start: slow on a busy machine.
    with ServerProcess(tmp / "data", args, timeout=120) as server:
        yield server


class Colleague:
    """Another demo agent, acting through the HTTP API as its own desktop would."""

    def __init__(self, server: ServerProcess, username: str) -> None:
        self.http = httpx.AsyncClient(base_url=server.url + "/api/v1", timeout=10)
        self.username = username
        self.token = ""

    async def post(self, path: str, body: object = None) -> None:
        if not self.token:
            login = {"username": self.username, "password": DEMO_PASSWORD}
            response = await self.http.post("/auth/login", json=login)
            self.token = response.json()["token"]
        headers = {"Authorization": f"Bearer {self.token}"}
        response = await self.http.post(path, json=body, headers=headers)
        assert response.is_success, response.text


def demo_desktop(
    server: ServerProcess, username: str, settings_path: Path, heartbeat_s: float = HEARTBEAT_S
) -> DesktopApp:
    """The app logging in to ``server`` as ``username`` (password "demo"), in English,
    with no keyring; ``heartbeat_s`` how often it checks its session."""
    return DesktopApp(
        AppOptions(
            server_url=server.url,
            username=username,
            password=DEMO_PASSWORD,
            discovery=False,
            settings_path=settings_path,
            language=Language.ENGLISH,
        ),
        settings=DesktopSettings(settings_path),
        credentials=CredentialStore(fail.Keyring()),  # type: ignore[no-untyped-call]
        heartbeat_s=heartbeat_s,
    )


async def until(
    desk: AgentDesk | RealtimeDesk, shown: Callable[[], bool], timeout: float = WAIT_S
) -> None:
    """Wait, event by event, until the panel (or view) shows what ``shown`` looks for."""
    changed = asyncio.Event()

    def on_event(_event: object) -> None:
        changed.set()

    desk.sig_event.connect(on_event)
    try:

        async def wait() -> None:
            while not shown():
                changed.clear()
                await changed.wait()

        await asyncio.wait_for(wait(), timeout)
    finally:
        desk.sig_event.disconnect(on_event)


async def done(desk: AgentDesk, action: str, start: Callable[[], object]) -> None:
    """Start an action in the panel and wait until the server has said yes to it."""
    finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_done(name: str) -> None:
        if name == action and not finished.done():
            finished.set_result(None)

    desk.sig_action_done.connect(on_done)
    try:
        start()
        await asyncio.wait_for(finished, WAIT_S)
    finally:
        desk.sig_action_done.disconnect(on_done)


def column(panel: AgentPanel, model_name: str, col: int = 0) -> list[str]:
    model = getattr(panel, model_name)
    return [str(model.index(row, col).data()) for row in range(model.rowCount())]


def test_the_panel_follows_the_server_and_acts_on_it(
    qapp: QApplication, demo: ServerProcess, tmp_path: Path
) -> None:
    settings_path = tmp_path / "settings.ini"
    desktop = demo_desktop(demo, "agent1", settings_path)
    colleague = Colleague(demo, "agent2")

    async def scenario() -> None:
        running = asyncio.get_running_loop().create_task(desktop.run())

        async def desk_ready() -> AgentDesk:
            while desktop.agent_desk is None:
                await asyncio.sleep(0.01)
            return desktop.agent_desk

        desk = await asyncio.wait_for(desk_ready(), WAIT_S)
        await asyncio.wait_for(desk.first_picture(), WAIT_S)
        panel = desk.panel
        window = desktop.main_window
        assert window is not None and window.agent_panel is panel

        # What the first burst of events said: agent1 is out, a member of Support only;
        # Sales and Växeln (the switchboard) are other groups' queues.
        assert panel.state_label.text() == "Logged out"
        assert [box.text() for box in panel._queue_boxes.values()] == ["Support"]
        assert column(panel, "my_queues_model") == ["Support"]
        assert column(panel, "other_queues_model") == ["Sales", "Växeln"]
        assert panel.pause_reason_box.count() == 4

        # Log in by the queue's box: the server's event turns the panel green.
        next(iter(panel._queue_boxes.values())).click()
        await until(desk, lambda: panel.state_label.text() == "Ready")
        assert all(box.isChecked() for box in panel._queue_boxes.values())

        # A colleague in my group logs in: an event from the socket shows it.
        await colleague.post("/agent/login", {})
        await until(desk, lambda: "agent2" in column(panel, "colleagues_model"))
        row = column(panel, "colleagues_model").index("agent2")
        assert panel.colleagues_model.index(row, 1).data() == "Ready"
        await colleague.post("/agent/pause", {"reason": "training"})
        await until(desk, lambda: panel.colleagues_model.index(row, 1).data() != "Ready")
        assert panel.colleagues_model.index(row, 1).data() == "Paused — Training"

        # Pause with a reason from the server's list, then ready again by keyboard.
        panel.pause_reason_box.setCurrentIndex(panel.pause_reason_box.findData("meeting"))
        panel.pause_button.click()
        await until(desk, lambda: panel.state_label.text() == "Paused")
        assert panel.detail_label.text() == "Meeting"
        with _active(qapp, window):
            QTest.keyClick(window, Qt.Key.Key_F9)
            await until(desk, lambda: panel.state_label.text() == "Ready")

        # A refusal shows the server's reason and changes nothing.
        desk._on_pause("no-such-reason")
        await asyncio.wait_for(_until_visible(panel), WAIT_S)
        assert panel.message_label.text().startswith("The server said no:")
        assert panel.state_label.text() == "Ready"

        # Log out of all.
        await done(desk, "logout", panel.all_queues_button.click)
        await until(desk, lambda: panel.state_label.text() == "Logged out")
        assert not panel.message_label.isVisible()

        desktop.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK
        await colleague.post("/agent/logout", {})
        await colleague.http.aclose()

    run_on_qt_loop(qapp, scenario())


@pytest.mark.parametrize(
    ("queues", "logged_in", "message"),
    [
        ([], ["Support"], ""),
        (["support"], ["Support"], ""),
        (["Support", "Sales"], [], "Not a member of: Sales. Member of: Support."),
    ],
)
def test_the_queues_asked_for_at_start_are_joined(
    qapp: QApplication,
    demo: ServerProcess,
    tmp_path: Path,
    queues: list[str],
    logged_in: list[str],
    message: str,
) -> None:
    """``--queues``: every queue (``[]``) or the named ones, matched without case; a
    queue the agent is not a member of joins nothing and says which it may join."""
    settings_path = tmp_path / "settings.ini"
    desktop = DesktopApp(
        AppOptions(
            server_url=demo.url,
            username="agent3",
            password=DEMO_PASSWORD,
            discovery=False,
            settings_path=settings_path,
            language=Language.ENGLISH,
            queues=queues,
        ),
        settings=DesktopSettings(settings_path),
        credentials=CredentialStore(fail.Keyring()),  # type: ignore[no-untyped-call]
    )

    async def scenario() -> None:
        running = asyncio.get_running_loop().create_task(desktop.run())
        while desktop.agent_desk is None:
            await asyncio.sleep(0.01)
        desk = desktop.agent_desk
        panel = desk.panel
        await asyncio.wait_for(desk.first_picture(), WAIT_S)
        if message:
            await asyncio.wait_for(_until_visible(panel), WAIT_S)
            assert panel.message_label.text() == message
        else:
            await until(desk, lambda: panel.state_label.text() == "Ready")
        me = desk.state.me
        assert me is not None
        assert [queue.name for queue in me.queues] == logged_in
        if logged_in:
            await done(desk, "logout", panel.all_queues_button.click)
        desktop.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK

    run_on_qt_loop(qapp, scenario())


def test_the_queues_of_the_last_run_are_joined_at_start(
    qapp: QApplication, demo: ServerProcess, tmp_path: Path
) -> None:
    """Without ``--queues`` the app logs in to the queues the agent had when it last
    closed, per server and user, and says so in the panel."""
    settings_path = tmp_path / "settings.ini"
    settings = DesktopSettings(settings_path)
    other_user = Colleague(demo, "agent5")

    def desktop_app() -> DesktopApp:
        return DesktopApp(
            AppOptions(
                server_url=demo.url, username="agent5", password=DEMO_PASSWORD,
                discovery=False, settings_path=settings_path, language=Language.ENGLISH,
            ),
            settings=settings,
            credentials=CredentialStore(fail.Keyring()),  # type: ignore[no-untyped-call]
        )  # fmt: skip

    async def start(desktop: DesktopApp) -> tuple[asyncio.Task[int], AgentDesk]:
        running = asyncio.get_running_loop().create_task(desktop.run())
        while desktop.agent_desk is None:
            await asyncio.sleep(0.01)
        await asyncio.wait_for(desktop.agent_desk.first_picture(), WAIT_S)
        return running, desktop.agent_desk

    async def scenario() -> None:
        # First run: nothing remembered, nothing joined; the agent ticks Support.
        first = desktop_app()
        running, desk = await start(first)
        assert first.session is not None
        server_url = first.session.server_url
        assert desk.state.logged_in_queues() == set()
        assert settings.remembered_queues(server_url, "agent5") is None
        next(iter(desk.panel._queue_boxes.values())).click()
        await until(desk, lambda: desk.panel.state_label.text() == "Ready")
        while settings.remembered_queues(server_url, "agent5") != ["Support"]:
            await asyncio.sleep(0.01)
        first.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK
        await other_user.post("/agent/logout", {})  # out on the server between the runs

        # Second run: Support again, and the panel says why.
        second = desktop_app()
        running, desk = await start(second)
        await until(desk, lambda: desk.panel.state_label.text() == "Ready")
        assert [queue.name for queue in desk.state.me.queues] == ["Support"]  # type: ignore[union-attr]
        while not desk.panel.note_label.isVisible():
            await asyncio.sleep(0.01)
        assert desk.panel.note_label.text() == (
            "Logged in to the queues of your last session: Support."
        )
        assert settings.remembered_queues(server_url, "agent4") is None  # per user
        # Logging out of all is remembered too: the next run joins nothing.
        await done(desk, "logout", desk.panel.all_queues_button.click)
        await until(desk, lambda: desk.panel.state_label.text() == "Logged out")
        while settings.remembered_queues(server_url, "agent5") != []:
            await asyncio.sleep(0.01)
        second.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK
        await other_user.http.aclose()

    run_on_qt_loop(qapp, scenario())


async def _until_visible(panel: AgentPanel) -> None:
    while not panel.message_label.isVisible():
        await asyncio.sleep(0.01)


class _active:
    """The window has the keyboard while the block runs (shortcuts need an active one)."""

    def __init__(self, app: QApplication, window: object) -> None:
        self.window = window

    def __enter__(self) -> None:
        from PySide6.QtWidgets import QWidget

        assert isinstance(self.window, QWidget)
        self.window.activateWindow()
        assert QTest.qWaitForWindowActive(self.window)

    def __exit__(self, *_: object) -> None:
        pass


def test_the_event_socket_comes_back_with_the_server(qapp: QApplication, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    create_user(data_dir)
    server = ServerProcess(data_dir)
    restarted: ServerProcess | None = None
    port = urlsplit(server.url).port
    desktop = DesktopApp(
        AppOptions(
            server_url=server.url, username=AGENT, password=PASSWORD, discovery=False,
            settings_path=tmp_path / "settings.ini", language=Language.ENGLISH,
        ),
        settings=DesktopSettings(tmp_path / "settings.ini"),
        credentials=CredentialStore(fail.Keyring()),  # type: ignore[no-untyped-call]
        tracker=ConnectionTracker(backoff=Backoff(initial_s=0.2, maximum_s=1.0, jitter=0.1)),
        heartbeat_s=0.2,
    )  # fmt: skip
    phases = Phases(desktop)
    welcomes: list[Welcome] = []

    async def scenario() -> None:
        nonlocal restarted
        running = asyncio.get_running_loop().create_task(desktop.run())
        await phases.wait_for(ConnectionPhase.CONNECTED)
        desk = desktop.agent_desk
        assert desk is not None
        desk.sig_event.connect(lambda e: welcomes.append(e) if isinstance(e, Welcome) else None)
        await asyncio.wait_for(desk.first_picture(), WAIT_S)
        # anna has no agent profile on this server: the panel says so, from the events.
        assert desk.panel.detail_label.text() == "This user has no agent profile on the server"

        welcomed_before = len(welcomes)
        await asyncio.to_thread(server.stop)
        await phases.wait_for(ConnectionPhase.LOST)
        assert not desk.stream.is_open
        restarted = await asyncio.to_thread(ServerProcess, data_dir, ["--http-port", str(port)])
        await phases.wait_for(ConnectionPhase.CONNECTED)
        await asyncio.wait_for(desk.stream.opened(), WAIT_S)
        await until(desk, lambda: len(welcomes) > welcomed_before)
        assert welcomes[-1].username == AGENT
        desktop.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK

    try:
        run_on_qt_loop(qapp, scenario())
    finally:
        server.close()
        if restarted is not None:
            restarted.close()


def test_a_parked_caller_is_listed_and_taken_back_from_the_panel(
    qapp: QApplication, demo: ServerProcess, tmp_path: Path
) -> None:
    """A real call: SIPp calls 200 (Support), the app's own softphone answers it, the
    call is parked with the phone panel's Park button; the personal-queue tab lists it
    from the ``parked`` event, and "Take back" has the server offer it to this softphone
    again. Classified after its wrap-up has ended."""
    worker_sip = front_address(demo.log_lines)
    (tmp_path / "pcap").symlink_to(sip_tester_pcaps())
    settings_path = tmp_path / "settings.ini"
    desktop = DesktopApp(
        AppOptions(
            server_url=demo.url, username="agent4", password=DEMO_PASSWORD, discovery=False,
            settings_path=settings_path, language=Language.ENGLISH, queues=[],
            auto_answer=True,
        ),
        settings=DesktopSettings(settings_path),
        credentials=CredentialStore(fail.Keyring()),  # type: ignore[no-untyped-call]
    )  # fmt: skip
    offers: list[OfferMade] = []
    bridged: list[int] = []

    def on_event(event: object) -> None:
        if isinstance(event, OfferMade):
            offers.append(event)
        if isinstance(event, CallProgress) and event.state == "bridged":
            bridged.append(event.contact_id)

    async def scenario() -> None:
        running = asyncio.get_running_loop().create_task(desktop.run())
        while desktop.agent_desk is None:
            await asyncio.sleep(0.01)
        desk = desktop.agent_desk
        panel = desk.panel
        desk.sig_event.connect(on_event)
        await until(desk, lambda: panel.state_label.text() == "Ready")
        caller = await sipp_caller(worker_sip, tmp_path)
        try:
            await until(desk, lambda: _busy(desk))
            me = desk.state.me
            assert me is not None and me.last_contact is not None
            contact = me.last_contact
            assert [offer.contact_id for offer in offers] == [contact]
            # Bridged: the call flow has handed the call to the call control, which takes
            # the park from now on.
            await until(desk, lambda: bridged == [contact])
            phone = desktop.phone
            assert phone is not None
            # Parked from the phone panel's button: the server takes the caller off my line.
            phone.panel.park_button.click()

            await until(desk, lambda: panel.parked_model.rowCount() == 1)
            assert [p.contact_id for p in desk.state.parked] == [contact]
            assert panel.tabs.tabText(panel.tabs.indexOf(panel.parked_page)).endswith("(1)")
            panel.parked_view.selectRow(0)
            assert panel.take_back_button.isEnabled()
            await done(desk, "take_back", panel.take_back_button.click)
            await until(desk, lambda: len(offers) == 2)
            assert offers[1].contact_id == contact
            await until(desk, lambda: panel.parked_model.rowCount() == 0)
            await until(desk, lambda: _busy(desk))

            await until(desk, lambda: bridged == [contact, contact])  # taken back, bridged
            phone.panel.hang_up_button.click()
            assert await asyncio.wait_for(caller.wait(), WAIT_S) == 0

            # Wrap-up ended (Ready now) unclassified: the server still classifies the
            # last call, and the panel offers it until it has.
            await until(desk, lambda: _state(desk) == "wrap_up")
            assert panel.classify_group.title() == "Classify the call"
            panel.ready_button.click()
            await until(desk, lambda: _state(desk) == "available")
            assert panel.classify_group.isVisible()
            assert panel.classify_group.title() == "Classify the last call"
            await done(desk, "classify", panel.classify_button.click)
            assert desk.state.classified_contact == contact
            assert not panel.classify_group.isVisible()
        finally:
            if caller.returncode is None:
                caller.kill()
                await caller.wait()
        await done(desk, "logout", panel.all_queues_button.click)
        desktop.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK

    run_on_qt_loop(qapp, scenario())


async def sipp_caller(
    worker_sip: str, tmp_path: Path, timeout_s: int = 30
) -> asyncio.subprocess.Process:
    """SIPp calling 200 (Support) once, for at most ``timeout_s``; ``tmp_path`` must hold
    the ``pcap`` link to its audio."""
    return await asyncio.create_subprocess_exec(
        "sipp", worker_sip, "-sf", str(SCENARIOS / "caller_waits.xml"), "-s", "200",
        "-m", "1", "-i", "127.0.0.1", "-p", str(free_udp_port()),
        "-mp", str(free_media_port()), "-timeout", f"{timeout_s}s", "-timeout_error", "-nostdin",
        cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


def _busy(desk: AgentDesk) -> bool:
    me = desk.state.me
    return me is not None and me.state == "busy" and me.last_contact is not None


def _state(desk: AgentDesk) -> str | None:
    return desk.state.me.state if desk.state.me is not None else None
