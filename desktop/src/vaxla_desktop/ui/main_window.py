"""The main window: which server this desktop talks to, and how that server is."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QMainWindow, QWidget

from vaxla_desktop import __version__
from vaxla_protocol import Health


class MainWindow(QMainWindow):
    def __init__(self, *, server_url: str, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Vaxla — {user}")
        self.resize(480, 200)

        title = QLabel("Vaxla")
        title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.server_label = QLabel(server_url)
        self.user_label = QLabel(user)
        self.health_label = QLabel("checking…")
        for label in (self.server_label, self.user_label, self.health_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow(title)
        form.addRow("Server:", self.server_label)
        form.addRow("User:", self.user_label)
        form.addRow("Server health:", self.health_label)
        form.addRow("Desktop version:", QLabel(__version__))

        central = QWidget()
        central.setLayout(form)
        self.setCentralWidget(central)

    def show_health(self, health: Health) -> None:
        self.health_label.setText(
            f"{health.status} — server {health.version}, protocol {health.protocol_version}"
        )
        self.health_label.setStyleSheet("color: #1b7f3b;")

    def show_problem(self, message: str) -> None:
        self.health_label.setText(message)
        self.health_label.setWordWrap(True)
        self.health_label.setStyleSheet("color: #b00020;")
