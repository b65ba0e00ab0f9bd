"""The main window: the agent panel and the softphone side by side, the connection's
banner above them, and who is logged in where along the bottom."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QStatusBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop import __version__
from vaxla_desktop.ui.connection_banner import ConnectionBanner
from vaxla_protocol import CurrentUser, Health, Role

OK_COLOUR = "#1b7f3b"
PROBLEM_COLOUR = "#b00020"
SWITCH_MODE_KEY = "Ctrl+Shift+T"
"""Between the supervisor's real-time view and the agent's mode (a supervisor with an
agent profile only)."""


class MainWindow(QMainWindow):
    sig_closed = Signal()
    sig_switch_mode = Signal()  # the user asked for the other mode (see offer_mode_switch)

    def __init__(self, *, server_url: str, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Vaxla — {0}").format(user))
        self.resize(1200, 720)

        self.banner = ConnectionBanner()

        self.server_label = QLabel(server_url)
        self.user_label = QLabel(user)
        self.health_label = QLabel(self.tr("checking…"))
        for label in (self.server_label, self.user_label, self.health_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.server_label.setAccessibleName(self.tr("Server"))
        self.server_label.setToolTip(self.tr("Server:"))
        self.user_label.setAccessibleName(self.tr("User"))
        self.user_label.setToolTip(self.tr("User:"))
        self.health_label.setAccessibleName(self.tr("Server health"))
        self.health_label.setToolTip(self.tr("Server health:"))
        version_label = QLabel(__version__)
        version_label.setAccessibleName(self.tr("Desktop version"))
        version_label.setToolTip(self.tr("Desktop version:"))

        # Offered only to a supervisor with an agent profile: the button and its key.
        self.switch_action = QAction(self)
        self.switch_action.setShortcut(QKeySequence(SWITCH_MODE_KEY))
        self.switch_action.setEnabled(False)
        self.switch_action.triggered.connect(self.sig_switch_mode)
        self.addAction(self.switch_action)
        self.switch_button = QToolButton()
        self.switch_button.setDefaultAction(self.switch_action)
        self.switch_button.hide()

        # Who and where along the bottom: always there, never in the way of the work.
        status = QStatusBar()
        status.setSizeGripEnabled(False)
        status.addWidget(self.user_label)
        status.addWidget(self.server_label)
        status.addWidget(self.health_label, 1)
        status.addPermanentWidget(self.switch_button)
        status.addPermanentWidget(version_label)
        self.setStatusBar(status)

        # The agent panel on the left, the softphone (another module's widget) on the
        # right; each is placed with set_agent_panel / set_phone_panel.
        self.panel_area = QSplitter(Qt.Orientation.Horizontal)
        self.panel_area.setChildrenCollapsible(False)
        self.panel_area.setAccessibleName(self.tr("Work area"))
        self.agent_panel: QWidget | None = None
        self.phone_panel: QWidget | None = None

        layout = QVBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        body = QVBoxLayout()
        body.setContentsMargins(12, 12, 12, 6)
        body.addWidget(self.panel_area, 1)
        layout.addLayout(body, 1)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)

    def set_agent_panel(self, panel: QWidget) -> None:
        """Place the mode's panel (left: the agent panel, or the real-time view),
        replacing any earlier one."""
        self.agent_panel = self._place(panel, self.agent_panel, 0)

    def set_phone_panel(self, panel: QWidget) -> None:
        """Place the softphone's panel (right), replacing any earlier one."""
        self.phone_panel = self._place(panel, self.phone_panel, 1)

    def clear_phone_panel(self) -> None:
        """Take the softphone's panel away (its phone has closed)."""
        self._remove(self.phone_panel)
        self.phone_panel = None

    def offer_mode_switch(self, *, to_agent: bool, receptionist: bool = False) -> None:
        """Show the switch to the agent's mode (``to_agent``) or back to the supervisor's
        view (a ``receptionist``'s: the directory and lines), by the button and its key."""
        if to_agent:
            text = self.tr("Take calls (agent mode)")
        elif receptionist:
            text = self.tr("Directory and lines")
        else:
            text = self.tr("Supervisor view")
        key = QKeySequence(SWITCH_MODE_KEY).toString(QKeySequence.SequenceFormat.NativeText)
        self.switch_action.setText(text)
        self.switch_action.setToolTip(self.tr("{0} ({1})").format(text, key))
        self.switch_action.setEnabled(True)
        self.switch_button.show()

    def switching(self) -> None:
        """A switch is under way: no second one until it is done."""
        self.switch_action.setEnabled(False)

    @staticmethod
    def _remove(old: QWidget | None) -> None:
        if old is not None:
            old.hide()
            old.setParent(None)
            old.deleteLater()

    def _place(self, panel: QWidget, old: QWidget | None, slot: int) -> QWidget:
        self._remove(old)
        # The agent panel stays first whatever order the panels come in.
        position = 0 if slot == 0 else self.panel_area.count()
        self.panel_area.insertWidget(position, panel)
        self.panel_area.setStretchFactor(self.panel_area.indexOf(panel), 3 if slot == 0 else 2)
        if self.panel_area.count() == 2:
            # The live picture's tables need the room; the phone's card is narrower.
            width = max(self.width(), 2)
            self.panel_area.setSizes([width * 3 // 5, width * 2 // 5])
        return panel

    def show_user(self, user: CurrentUser) -> None:
        self.setWindowTitle(self.tr("Vaxla — {0}").format(user.display_name))
        self.user_label.setText(
            self.tr("{0} ({1}), {2}").format(
                user.display_name, user.username, self._role_name(user.role)
            )
        )

    def _role_name(self, role: Role) -> str:
        match role:
            case Role.AGENT:
                return self.tr("agent")
            case Role.OPERATOR:
                return self.tr("operator")
            case Role.SUPERVISOR:
                return self.tr("supervisor")
            case Role.ADMIN:
                return self.tr("administrator")

    def show_health(self, health: Health) -> None:
        if health.status != "ok":
            self.show_problem(
                self.tr("The server has a problem: {0}").format("; ".join(health.problems))
            )
            return
        self.health_label.setText(
            self.tr("{0} — server {1}, protocol {2}").format(
                health.status, health.version, health.protocol_version
            )
        )
        self.health_label.setStyleSheet(f"color: {OK_COLOUR};")

    def show_problem(self, message: str) -> None:
        self.health_label.setText(message)
        self.health_label.setWordWrap(True)
        self.health_label.setStyleSheet(f"color: {PROBLEM_COLOUR};")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sig_closed.emit()
        super().closeEvent(event)
