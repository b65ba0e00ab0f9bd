"""The system tray icon, for ``--minimized`` and for getting the window back."""

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

BRAND_COLOUR = "#1b5e9b"


def app_icon() -> QIcon:
    """A blue disc with a white V: drawn, so the app needs no image files."""
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(BRAND_COLOUR))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(2, 2, 60, 60)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(38)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "V")
    painter.end()
    return QIcon(pixmap)


class TrayIcon(QObject):
    sig_show_requested = Signal()
    sig_quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.icon.setToolTip("Vaxla")
        menu = QMenu()
        show_action = QAction(self.tr("Show Vaxla"), menu)
        show_action.triggered.connect(self.sig_show_requested)
        quit_action = QAction(self.tr("Quit"), menu)
        quit_action.triggered.connect(self.sig_quit_requested)
        menu.addAction(show_action)
        menu.addAction(quit_action)
        self._menu = menu
        self.icon.setContextMenu(menu)
        self.icon.activated.connect(self._on_activated)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.sig_show_requested.emit()

    def show(self) -> None:
        self.icon.show()
