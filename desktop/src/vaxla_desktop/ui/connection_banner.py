"""The banner across the top of the main window while the connection is not well."""

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from vaxla_desktop.api import ServerError
from vaxla_desktop.core.connection import ConnectionPhase, ConnectionStatus
from vaxla_desktop.ui.messages import describe

LOST_STYLE = "QFrame#connectionBanner { background: #b00020; } QLabel { color: white; }"
GIVEN_UP_STYLE = "QFrame#connectionBanner { background: #5c0010; } QLabel { color: white; }"


class ConnectionBanner(QFrame):
    """Hidden while connected; red with the reason and the next try while not."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionBanner")
        self.setStyleSheet(LOST_STYLE)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("font-weight: bold;")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName(self.tr("Connection problem"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.message_label)
        self.hide()

    def show_status(
        self,
        status: ConnectionStatus,
        error: ServerError | None,
        *,
        retry_in_s: float | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """Show ``status``; ``retry_in_s`` (from the tracker) gives the next try's time."""
        reason = describe(error) if error is not None else ""
        match status.phase:
            case ConnectionPhase.CONNECTED | ConnectionPhase.CONNECTING:
                self.hide()
                return
            case ConnectionPhase.LOST:
                at = (now or dt.datetime.now()) + dt.timedelta(seconds=retry_in_s or 0)
                text = self.tr("Connection to the server lost. {0} Next try at {1} (try {2}).")
                text = text.format(reason, at.strftime("%H:%M:%S"), status.attempt)
                self.setStyleSheet(LOST_STYLE)
            case ConnectionPhase.RECONNECTING:
                text = self.tr("Connection to the server lost. Reconnecting now (try {0})…")
                text = text.format(status.attempt)
                self.setStyleSheet(LOST_STYLE)
            case ConnectionPhase.GIVEN_UP:
                text = self.tr("Disconnected from the server. {0}").format(reason)
                self.setStyleSheet(GIVEN_UP_STYLE)
        self.message_label.setText(" ".join(text.split()))
        self.setAccessibleDescription(self.message_label.text())
        self.show()
