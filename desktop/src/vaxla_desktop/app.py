"""Starting the application: Qt and asyncio on one loop (qasync), login, main window.

:class:`DesktopApp` owns the life of one run: log in (from the command line or the
login window), show the main window, keep the connection with a supervisor, and log
out at the end. Widgets never talk HTTP; this class does, through ``session``.
"""

import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from vaxla_desktop import __version__
from vaxla_desktop.admin_desk import AdminDesk
from vaxla_desktop.agent_desk import AgentDesk
from vaxla_desktop.api import ServerError, SessionEnded, UnknownCertificate
from vaxla_desktop.api.agent import AgentApi
from vaxla_desktop.api.errors import ActionRefused
from vaxla_desktop.api.queues import QueueControlApi
from vaxla_desktop.api.tls import origin as pin_origin
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.core.agent_panel import PanelState
from vaxla_desktop.core.connection import ConnectionPhase, ConnectionStatus, ConnectionTracker
from vaxla_desktop.core.dial import DialRequest
from vaxla_desktop.core.modes import Mode, mode_for
from vaxla_desktop.core.realtime import RealtimeState
from vaxla_desktop.credentials import CredentialStore
from vaxla_desktop.directory_desk import DirectoryDesk
from vaxla_desktop.discovery import ServerBrowser
from vaxla_desktop.i18n import Language, install_translation, system_language
from vaxla_desktop.logs import LOG_NAME, set_up_logging
from vaxla_desktop.memory import release_free_memory
from vaxla_desktop.phone import PhoneDesk, start_phone
from vaxla_desktop.phone_settings import PhoneSettings
from vaxla_desktop.policies import SERVER_URL, Policies
from vaxla_desktop.prompts_desk import PromptsDesk
from vaxla_desktop.realtime_desk import RealtimeDesk
from vaxla_desktop.recordings_desk import RecordingsDesk
from vaxla_desktop.reports_desk import ReportsDesk
from vaxla_desktop.session import (
    HEARTBEAT_S,
    ConnectionSupervisor,
    LoginForm,
    Session,
    open_session,
)
from vaxla_desktop.settings import DesktopSettings
from vaxla_desktop.single_instance import LinkReceiver, hand_over, instance_name
from vaxla_desktop.sip.softphone import SoftphoneError
from vaxla_desktop.storm_desk import StormDesk
from vaxla_desktop.switchboard_desk import SwitchboardDesk
from vaxla_desktop.ui.agent_panel import AgentPanel
from vaxla_desktop.ui.login_window import LoginWindow
from vaxla_desktop.ui.main_window import MainWindow
from vaxla_desktop.ui.messages import describe
from vaxla_desktop.ui.realtime_view import RealtimeView
from vaxla_desktop.ui.server_model import ServerListModel
from vaxla_desktop.ui.switchboard_panel import SwitchboardPanel
from vaxla_desktop.ui.tray import TrayIcon, app_icon
from vaxla_desktop.voicemail_desk import VoicemailDesk
from vaxla_desktop.voicemail_task_desk import VoicemailTaskDesk
from vaxla_protocol import Role

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_NOT_LOGGED_IN = 1
# How long a screenshot run waits for the first picture of the queues.
TAKE_WAIT_S = 15.0
"""How long a supervisor taking a call waits to be logged in to its queue."""
SCREENSHOT_WAIT_S = 10.0
QUIT_WAIT_S = 5.0
"""At quit, how long the app's cancelled work may take to end before the session closes."""
MEMORY_FIRST_TRIM_S = 3.0
MEMORY_TRIM_EVERY_S = 60.0


@dataclass(frozen=True, slots=True)
class AppOptions:
    """What the command line asked for; see ``vaxla_desktop.cli``."""

    server_url: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    fingerprint: str | None = None
    minimized: bool = False
    # For the softphone: answer offers without a click (kiosk use and tests).
    auto_answer: bool = False
    dial: DialRequest | None = None
    screenshot: Path | None = None
    language: Language | None = None
    settings_path: Path | None = None
    discovery: bool = True
    # Queues to log in to at start: None none, [] all the agent is a member of.
    queues: list[str] | None = None
    # The log file (None: the app's data folder) and whether stderr gets all of it.
    log_file: Path | None = None
    verbose: bool = False
    # IT's policies (vaxla_desktop.policies): the options above already follow them;
    # the login window and the softphone look at them too.
    policies: Policies = field(default_factory=Policies)


class DesktopApp(QObject):
    """One run of the app. ``tracker`` and ``heartbeat_s`` are injectable for tests."""

    sig_logged_in = Signal(object)  # Session
    sig_connection_changed = Signal(object)  # ConnectionStatus

    def __init__(
        self,
        options: AppOptions,
        *,
        settings: DesktopSettings,
        credentials: CredentialStore,
        tracker: ConnectionTracker | None = None,
        heartbeat_s: float = HEARTBEAT_S,
    ) -> None:
        super().__init__()
        self.options = options
        self.settings = settings
        self.credentials = credentials
        self.tracker = tracker or ConnectionTracker()
        self.heartbeat_s = heartbeat_s
        self.servers = ServerListModel(self)
        self.login_window: LoginWindow | None = None
        self.main_window: MainWindow | None = None
        self.tray: TrayIcon | None = None
        self.session: Session | None = None
        self.mode: Mode | None = None
        self.desk: AgentDesk | RealtimeDesk | None = None
        """The mode's desk: the agent's, or the real-time view's."""
        self.agent_desk: AgentDesk | None = None
        self.storm_desk: StormDesk | None = None
        self.directory_desk: DirectoryDesk | None = None
        self.switchboard_desk: SwitchboardDesk | None = None
        self.prompts_desk: PromptsDesk | None = None
        self.voicemail_desk: VoicemailDesk | None = None
        self.voicemail_task_desk: VoicemailTaskDesk | None = None
        self.recordings_desk: RecordingsDesk | None = None
        self.admin_desk: AdminDesk | None = None
        self._takes_calls = False
        """This supervisor has an agent profile: it may take calls."""
        self.reports_desk: ReportsDesk | None = None
        self.realtime_desk: RealtimeDesk | None = None
        self.phone: PhoneDesk | None = None
        self.supervisor: ConnectionSupervisor | None = None
        self.sip_contact: str | None = None
        """Where this app's softphone takes offers (set by the softphone when it runs);
        sent with each queue login."""
        self._background = BackgroundWork(log, "background work")
        self._finished = asyncio.Event()
        self._photographed = False
        # A link from the command line or a later start, dialled once the phone runs.
        self._pending_dial: DialRequest | None = options.dial

    # Links from later starts (vaxla_desktop.single_instance)

    def dial_link(self, request: DialRequest) -> None:
        """Dial now if the phone runs, else once it does; and come to the front."""
        if self.phone is not None:
            self.phone.dial(request)
        else:
            self._pending_dial = request
        self.to_front()

    def to_front(self) -> None:
        window = self.main_window or self.login_window
        if window is not None:
            window.showNormal()
            window.raise_()
            window.activateWindow()

    # The whole run

    async def run(self) -> int:
        browser = None
        if self.options.discovery:
            browser = ServerBrowser(self.servers)
            try:
                await browser.start()
            except OSError as error:
                # No multicast here (no network, a locked-down host): typing works still.
                log.warning("cannot look for servers on the network: %s", error)
                await browser.close()
                browser = None
        try:
            session = await self._log_in()
        finally:
            if browser is not None:
                await browser.close()
        if session is None:
            return EXIT_OK if self._photographed else EXIT_NOT_LOGGED_IN
        try:
            await self._work(session)
        finally:
            await self._stop_desks()
            if self.phone is not None:
                # Hangs up what is left before the session (and its offers) ends.
                self.phone.close()
            # The work cancelled ends its requests before their client closes under them.
            if cancelled := self._background.cancel():
                await asyncio.wait(cancelled, timeout=QUIT_WAIT_S)
            await session.close()
        return EXIT_OK

    async def _log_in(self) -> Session | None:
        options = self.options
        if options.server_url and options.username and options.password is not None:
            return await self._log_in_from_command_line()
        return await self._log_in_with_window()

    async def _log_in_from_command_line(self) -> Session | None:
        options = self.options
        assert options.server_url and options.username and options.password is not None
        form = LoginForm(options.server_url, options.username, options.password)
        try:
            return await self._open(form)
        except UnknownCertificate as unknown:
            print(f"vaxla-desktop: {unknown}\nstart again with --fingerprint", file=sys.stderr)
        except (ServerError, ValueError) as error:
            print(f"vaxla-desktop: {error}", file=sys.stderr)
        return None

    async def _log_in_with_window(self) -> Session | None:
        settings = self.settings
        policies = self.options.policies
        server_url = self.options.server_url or settings.last_server or policies.server_url or ""
        username = self.options.username or settings.last_user or ""
        window = LoginWindow(
            self.servers,
            server_url=server_url,
            username=username,
            remember_me=settings.remember_me,
            can_remember=self.credentials.available,
            server_locked=policies.is_locked(SERVER_URL),
        )
        window.setWindowIcon(app_icon())
        if settings.remember_me and server_url and username:
            window.password_edit.setText(self.credentials.password(server_url, username) or "")
        self.login_window = window
        outcome: asyncio.Future[Session | None] = asyncio.get_running_loop().create_future()
        last_form: list[LoginForm] = []

        async def attempt(form: LoginForm) -> None:
            try:
                session = await self._open(form)
            except UnknownCertificate as unknown:
                window.ask_trust(unknown)
            except (ServerError, ValueError) as error:
                window.show_error(describe(error))
            else:
                if not outcome.done():
                    outcome.set_result(session)
                else:
                    await session.close()

        def on_login(form: LoginForm) -> None:
            last_form[:] = [form]
            self._spawn(attempt(form))

        def on_trust(origin: str, fingerprint: str) -> None:
            self.settings.pin(origin, fingerprint)
            if last_form:
                window.set_busy(True)
                self._spawn(attempt(last_form[0]))

        def on_quit() -> None:
            if not outcome.done():
                outcome.set_result(None)

        window.sig_login_requested.connect(on_login)
        window.sig_trust_accepted.connect(on_trust)
        window.sig_quit_requested.connect(on_quit)
        window.show()
        if self.options.screenshot is not None:
            self._save_screenshot(window)
            return None
        session = await outcome
        window.logged_in()
        return session

    async def _open(self, form: LoginForm) -> Session:
        session = await open_session(
            form, self.settings, given_fingerprint=self.options.fingerprint
        )
        self.settings.remember_login(
            session.server_url, form.username, remember_me=form.remember_me
        )
        if form.remember_me:
            self.credentials.remember(session.server_url, form.username, form.password)
        else:
            self.credentials.forget(session.server_url, form.username)
        return session

    async def _work(self, session: Session) -> None:
        self.session = session
        window = MainWindow(server_url=session.server_url, user=session.user.username)
        window.setWindowIcon(app_icon())
        window.show_user(session.user)
        window.sig_closed.connect(self._finished.set)
        self.main_window = window
        self.mode = mode_for(session.user.role)
        log.info("%s logged in as %s: %s mode", session.user.username, session.user.role, self.mode)
        desk: AgentDesk | RealtimeDesk
        if self.mode is Mode.AGENT:
            desk = self._agent_mode(session, window)
        else:
            desk = self._realtime_mode(session, window)
        self.desk = desk
        self._show_main_window(window)
        self.sig_logged_in.emit(session)
        if self._pending_dial is not None and self.phone is not None:
            self.phone.dial(self._pending_dial)
            self._pending_dial = None
        await self._use_server_front(session)
        desk.start()
        if isinstance(desk, AgentDesk):
            self._join_queues(session, desk)
        await self._refresh_health(window, session)
        if session.user.role in (Role.SUPERVISOR, Role.OPERATOR):
            await self._offer_switch(session, window)
        if self.options.screenshot is not None:
            try:
                await asyncio.wait_for(desk.first_picture(), SCREENSHOT_WAIT_S)
            except TimeoutError:
                log.warning("no picture of the queues within %g s", SCREENSHOT_WAIT_S)
            self._save_screenshot(window)
            return
        self.supervisor = ConnectionSupervisor(
            session, self.tracker, self._on_connection_status, heartbeat_s=self.heartbeat_s
        )
        self._spawn(self.supervisor.run())
        self._spawn(self._give_back_memory(desk))
        await self._finished.wait()

    def _agent_mode(self, session: Session, window: MainWindow) -> AgentDesk:
        """The agent panel beside the softphone."""
        panel = AgentPanel(PanelState(), self.options.language or system_language())
        window.set_agent_panel(panel)
        desk = AgentDesk(
            session, panel, on_lost=self._on_events_lost, sip_contact=lambda: self.sip_contact
        )
        self.agent_desk = desk
        self.voicemail_desk = VoicemailDesk(
            session, panel.voicemail_panel, self.dial_link, panel.show_voicemail, self
        )
        self.voicemail_desk.load()
        desk.sig_event.connect(self.voicemail_desk.on_event)
        self.voicemail_task_desk = VoicemailTaskDesk(
            session, panel.voicemail_task_panel, self.dial_link, self
        )
        desk.sig_event.connect(self.voicemail_task_desk.on_event)
        if session.user.role is Role.OPERATOR:
            # A receptionist reads no recordings (R27): no tab, and never asked.
            panel.tabs.setTabVisible(panel.tabs.indexOf(panel.recordings_panel), False)
        else:
            self.recordings_desk = RecordingsDesk(session, panel.recordings_panel, self)
            self.recordings_desk.load()
        self.directory_desk = DirectoryDesk(session, panel.directory_panel, self)
        desk.sig_event.connect(self.directory_desk.on_event)
        if session.user.role is Role.OPERATOR:
            # A receptionist: the switchboard's call handling first (R29).
            switchboard = SwitchboardPanel()
            panel.tabs.insertTab(0, switchboard, self.tr("Switchboard"))
            panel.tabs.setCurrentIndex(0)
            self.switchboard_desk = SwitchboardDesk(session, switchboard, parent=self)
            desk.sig_event.connect(self.switchboard_desk.on_event)
        self._start_phone(session, window, desk)
        return desk

    async def _use_server_front(self, session: Session) -> None:
        if self.phone is not None:
            # Over TLS when the server has it: the contact the queue log-in gives changes.
            await self.phone.use_server_front(self.settings.pinned(pin_origin(session.server_url)))
            self.sip_contact = self.phone.bridge.contact

    async def _offer_switch(self, session: Session, window: MainWindow) -> None:
        """A supervisor with an agent profile (``GET /agent`` answers) may take calls,
        an operator with one answer the switchboard (R29): the window offers the agent's
        mode. Asked once; without a profile, never again."""
        try:
            await AgentApi(session.client).state()
        except ActionRefused:
            return  # no agent profile: this supervisor watches only
        except ServerError as error:
            log.warning("whether %s takes calls is unknown: %s", session.user.username, error)
            return
        window.offer_mode_switch(to_agent=True)
        window.sig_switch_mode.connect(lambda: self._spawn(self._switch_mode(session, window)))
        self._takes_calls = True
        self._let_take(session, window)

    def _let_take(self, session: Session, window: MainWindow) -> None:
        """The real-time view's calls waiting offer "Take it myself" (a supervisor with an
        agent profile only)."""
        realtime = self.realtime_desk
        if realtime is None or not self._takes_calls or session.user.role is not Role.SUPERVISOR:
            return
        waiting = realtime.view.waiting
        waiting.set_may_take(True)
        waiting.sig_take_requested.connect(
            lambda queue_id, contact_id: self._spawn(
                self._take_myself(session, window, queue_id, contact_id)
            )
        )

    async def _take_myself(
        self, session: Session, window: MainWindow, queue_id: int, contact_id: int
    ) -> None:
        """A supervisor takes a waiting call itself (R16): the agent's mode, logged in to
        the call's queue only, and the call offered to its own softphone."""
        realtime = self.realtime_desk
        if realtime is None or self.mode is not Mode.SUPERVISOR:
            return
        figures = [f.state for f in realtime.state.queues() if f.state.id == queue_id]
        if not figures:
            return
        name = figures[0].name
        joined = asyncio.Event()

        def watch(desk: AgentDesk) -> None:
            desk.sig_my_queues.connect(lambda names: joined.set() if name in names else None)

        await self._switch_mode(session, window, queue=name, before_join=watch)
        desk = self.agent_desk
        if desk is None:  # the switch did not happen
            return
        try:
            await asyncio.wait_for(joined.wait(), TAKE_WAIT_S)
            me = await AgentApi(session.client).state()
            await QueueControlApi(session.client).pick(
                queue_id, contact_id, me.agent_id, offer=True
            )
        except TimeoutError:
            desk.panel.show_error(
                self.tr("Not logged in to {0} in time: the call was not taken").format(name)
            )
        except ServerError as error:
            desk.panel.show_error(describe(error))

    async def _switch_mode(
        self,
        session: Session,
        window: MainWindow,
        *,
        queue: str | None = None,
        before_join: Callable[[AgentDesk], None] | None = None,
    ) -> None:
        """Between the supervisor's real-time view and the agent's mode, in this window.
        To the agent's: the panel and the softphone as an agent's login starts them. Back:
        logged out of the queues first (no calls while watching; not during a call), the
        agent desk stopped and the phone closed, then the real-time view."""
        window.switching()
        desk: AgentDesk | RealtimeDesk
        if self.mode is Mode.AGENT:
            agent_desk = self.agent_desk
            assert agent_desk is not None
            if not await agent_desk.leave_queues():
                window.offer_mode_switch(
                    to_agent=False, receptionist=session.user.role is Role.OPERATOR
                )
                return
            await self._stop_desks()
            if self.phone is not None:
                self.phone.close()
                self.phone = None
                window.clear_phone_panel()
            self.sip_contact = None
            self.agent_desk = None
            self.mode = mode_for(session.user.role)
            desk = self._realtime_mode(session, window)
            self._let_take(session, window)
        else:
            await self._stop_desks()
            self.realtime_desk = None
            self.mode = Mode.AGENT
            desk = self._agent_mode(session, window)
            await self._use_server_front(session)
        log.info("%s switched to the %s mode", session.user.username, self.mode)
        self.desk = desk
        desk.start()
        if isinstance(desk, AgentDesk):
            if before_join is not None:
                before_join(desk)
            if queue is not None:
                desk.join_queues([queue])  # taking one call: its queue only
            else:
                self._join_queues(session, desk)
        window.offer_mode_switch(
            to_agent=self.mode is not Mode.AGENT, receptionist=session.user.role is Role.OPERATOR
        )

    async def _stop_desks(self) -> None:
        """Stop the mode's desk and the real-time view's storm, prompts, voicemail, admin,
        reports and directory desks."""
        for desk in (
            self.desk,
            self.storm_desk,
            self.prompts_desk,
            self.voicemail_desk,
            self.voicemail_task_desk,
            self.admin_desk,
            self.reports_desk,
            self.directory_desk,
            self.switchboard_desk,
            self.recordings_desk,
        ):
            if desk is not None:
                await desk.stop()
        self.desk = self.storm_desk = self.prompts_desk = self.switchboard_desk = None
        self.recordings_desk = self.voicemail_task_desk = None
        self.voicemail_desk = self.admin_desk = self.reports_desk = self.directory_desk = None

    def _realtime_mode(self, session: Session, window: MainWindow) -> RealtimeDesk:
        """The real-time view of queues and agents: a supervisor's with its actions on
        agents; an operator's or administrator's read-only, until their own modes come."""
        role = session.user.role
        view = RealtimeView(
            RealtimeState(),
            self.options.language or system_language(),
            may_act=role is Role.SUPERVISOR,
            may_switch_storms=role in (Role.SUPERVISOR, Role.ADMIN),
            administer=role is Role.ADMIN,
            may_edit_boards=role in (Role.SUPERVISOR, Role.ADMIN),
            may_read_reports=role in (Role.SUPERVISOR, Role.ADMIN),
            may_read_recordings=role in (Role.SUPERVISOR, Role.ADMIN),
            switchboard=role is Role.OPERATOR,
        )
        if role is Role.OPERATOR:
            view.show_note(
                self.tr(
                    "The switchboard's directory, presence and line status; with an agent "
                    "profile, Take calls (Ctrl+Shift+T) opens the Switchboard tab and the "
                    "softphone to answer, hold and connect calls. The queues and the "
                    "agents are read-only."
                )
            )
        elif role is Role.ADMIN:
            view.show_note(
                self.tr(
                    "The administration mode: the configuration, the prompts and the storm "
                    "message are edited in their tabs; the live queues and agents are "
                    "read-only here."
                )
            )
        server_url, username = session.server_url, session.user.username
        view.preferred_board = self.settings.remembered_board(server_url, username)
        view.sig_board_chosen.connect(
            lambda board: self.settings.remember_board(
                server_url, username, None if board is None else board.name
            )
        )
        window.set_agent_panel(view)
        desk = RealtimeDesk(session, view, on_lost=self._on_events_lost)
        self.realtime_desk = desk
        self.storm_desk = StormDesk(session, view.storm_panel, self)
        desk.sig_event.connect(self.storm_desk.on_event)
        self.directory_desk = DirectoryDesk(session, view.directory_panel, self)
        desk.sig_event.connect(self.directory_desk.on_event)
        if view.prompts_panel is not None:
            self.prompts_desk = PromptsDesk(
                session, view.prompts_panel, self, settings=self.settings
            )
            self.prompts_desk.load()
        self.voicemail_desk = VoicemailDesk(
            session, view.voicemail_panel, self.dial_link, view.show_voicemail, self
        )
        self.voicemail_desk.load()
        desk.sig_event.connect(self.voicemail_desk.on_event)
        if view.recordings_panel is not None:
            self.recordings_desk = RecordingsDesk(session, view.recordings_panel, self)
            self.recordings_desk.load()
        if view.admin_view is not None:
            self.admin_desk = AdminDesk(session, view.admin_view, self)
            self.admin_desk.load()
            desk.sig_event.connect(self.admin_desk.on_event)
        if view.reports_panel is not None:
            language = (self.options.language or system_language()).value
            self.reports_desk = ReportsDesk(session, view.reports_panel, language, self)
            self.reports_desk.load()
        return desk

    def _join_queues(self, session: Session, desk: AgentDesk) -> None:
        """The queues of ``--queues``; without it those the agent was logged in to when
        the app last closed (per server and user), which are remembered as they change."""
        server_url, username = session.server_url, session.user.username
        if self.options.queues is not None:
            desk.join_queues(self.options.queues or None)
        elif remembered := self.settings.remembered_queues(server_url, username):
            desk.join_queues(remembered, remembered=True)
        else:
            desk.follow_queues()
        desk.sig_my_queues.connect(
            lambda names: self.settings.remember_queues(server_url, username, names)
        )

    async def _give_back_memory(self, desk: AgentDesk | RealtimeDesk) -> None:
        """Hand freed heap pages back to the system once the first picture is drawn,
        then once a minute: an app open all day stays at its working size."""
        await desk.first_picture()
        delay_s = MEMORY_FIRST_TRIM_S
        while release_free_memory():
            await asyncio.sleep(delay_s)
            delay_s = MEMORY_TRIM_EVERY_S

    def _start_phone(self, session: Session, window: MainWindow, desk: AgentDesk) -> None:
        """The softphone beside the agent panel; without one (no network for SIP) the
        app still runs, and says why it cannot take calls."""
        try:
            phone = start_phone(
                session.client,
                session.user.username,
                PhoneSettings(self.options.settings_path),
                spawn=self._spawn,
                force_auto_answer=self.options.auto_answer,
                policies=self.options.policies,
                notify=self._notify,
            )
        except SoftphoneError as error:
            log.error("no softphone: %s", error)
            window.show_problem(self.tr("The phone could not start: {0}").format(error))
            return
        self.phone = phone
        self.sip_contact = phone.bridge.contact
        window.set_phone_panel(phone.panel)
        desk.sig_event.connect(phone.server_event)

    def _notify(self, title: str, text: str) -> None:
        """A message from the tray that takes no focus (only where there is a tray)."""
        if self.tray is not None:
            self.tray.icon.showMessage(title, text)

    def _on_events_lost(self, error: ServerError) -> None:
        """The event socket broke: have the supervisor look at the server now."""
        if self.supervisor is not None:
            self.supervisor.check_now()
        if isinstance(error, SessionEnded) and self.main_window is not None:
            self.main_window.show_problem(describe(error))

    def _show_main_window(self, window: MainWindow) -> None:
        if not self.options.minimized:
            window.show()
            return
        if QSystemTrayIcon.isSystemTrayAvailable():
            tray = TrayIcon(self)
            tray.sig_show_requested.connect(window.showNormal)
            tray.sig_show_requested.connect(window.activateWindow)
            tray.sig_quit_requested.connect(self._finished.set)
            tray.show()
            self.tray = tray
        else:
            window.showMinimized()

    def _on_connection_status(self, status: ConnectionStatus, error: ServerError | None) -> None:
        window = self.main_window
        if window is not None:
            retry_in = (
                self.tracker.seconds_until_retry() if status.phase is ConnectionPhase.LOST else None
            )
            window.banner.show_status(status, error, retry_in_s=retry_in)
            if status.phase is ConnectionPhase.CONNECTED and self.session is not None:
                window.show_user(self.session.user)
                self._spawn(self._refresh_health(window, self.session))
                if self.desk is not None:
                    self.desk.resume_events()
            elif error is not None:
                window.show_problem(describe(error))
            if status.phase is ConnectionPhase.GIVEN_UP and self.desk is not None:
                # Nothing will bring this session back: stop knocking with its socket.
                self._spawn(self.desk.stop())
        self.sig_connection_changed.emit(status)

    async def _refresh_health(self, window: MainWindow, session: Session) -> None:
        try:
            window.show_health(await session.client.health())
        except ServerError as error:
            window.show_problem(describe(error))

    def quit(self) -> None:
        self._finished.set()

    def _save_screenshot(self, widget: MainWindow | LoginWindow) -> None:
        assert self.options.screenshot is not None
        if not widget.grab().save(str(self.options.screenshot)):
            raise OSError(f"could not write screenshot {self.options.screenshot}")
        self._photographed = True

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        self._background.spawn(work)


def default_log_file() -> Path:
    """``logs/vaxla-desktop.log`` in the app's local data folder (after the application
    and organisation names are set)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(folder) / "logs" / LOG_NAME


def run(options: AppOptions) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Vaxla")
    app.setOrganizationName("Vaxla")
    app.setWindowIcon(app_icon())
    log_file = options.log_file or default_log_file()
    set_up_logging(log_file, verbose=options.verbose)
    log.info("Vaxla desktop %s starting; the log is %s", __version__, log_file)
    log.info("IT's policies: %s", options.policies)
    # The tray keeps the app alive with no window; quitting is DesktopApp's decision.
    app.setQuitOnLastWindowClosed(False)
    # A screenshot run stands alone: it neither hands over nor takes links.
    name = instance_name(options.settings_path) if options.screenshot is None else None
    if name is not None and hand_over(name, options.dial.uri if options.dial else None):
        log.info("handed over to the app already running (%s)", name)
        return EXIT_OK
    translators = install_translation(app, options.language or system_language())
    desktop = DesktopApp(
        options,
        settings=DesktopSettings(options.settings_path),
        credentials=CredentialStore(),
    )
    links = LinkReceiver(name) if name is not None else None
    if links is not None:
        links.sig_link.connect(desktop.dial_link)
        links.sig_to_front.connect(desktop.to_front)
        app.installEventFilter(links)  # macOS's QEvent.FileOpen for tel: clicks
        links.listen()
    try:
        exit_code = qasync.run(desktop.run())
    finally:
        if links is not None:
            app.removeEventFilter(links)
            links.close()
    del translators
    return int(exit_code)
