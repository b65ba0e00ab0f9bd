"""The main window: who is logged in where, how the connection is, and the room
where the agent's panels go."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QMainWindow, QVBoxLayout, QWidget

from vaxla_desktop import __version__
from vaxla_desktop.ui.connection_banner import ConnectionBanner
from vaxla_protocol import CurrentUser, Health, Role

OK_COLOUR = "#1b7f3b"
PROBLEM_COLOUR = "#b00020"


class MainWindow(QMainWindow):
    sig_closed = Signal()

    def __init__(self, *, server_url: str, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Vaxla — {0}").format(user))
        self.resize(640, 420)

        self.banner = ConnectionBanner()

        title = QLabel("Vaxla")
        title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.server_label = QLabel(server_url)
        self.user_label = QLabel(user)
        self.health_label = QLabel(self.tr("checking…"))
        for label in (self.server_label, self.user_label, self.health_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.server_label.setAccessibleName(self.tr("Server"))
        self.user_label.setAccessibleName(self.tr("User"))
        self.health_label.setAccessibleName(self.tr("Server health"))
        version_label = QLabel(__version__)
        version_label.setAccessibleName(self.tr("Desktop version"))

        form = QFormLayout()
        form.addRow(title)
        form.addRow(self.tr("Server:"), self.server_label)
        form.addRow(self.tr("User:"), self.user_label)
        form.addRow(self.tr("Server health:"), self.health_label)
        form.addRow(self.tr("Desktop version:"), version_label)

        # The softphone and agent panels are added here (issue 5, later parts); this
        # window only holds the session and the connection's state.
        self.panel_area = QVBoxLayout()

        layout = QVBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        body = QVBoxLayout()
        body.setContentsMargins(12, 12, 12, 12)
        body.addLayout(form)
        body.addLayout(self.panel_area, 1)
        layout.addLayout(body, 1)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)

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
