"""One running app per user: a later start (a tel: click, the Start-menu shortcut) hands
its link to the running app and ends, and the running app dials it.

The running app listens on a local socket named for the user and the settings place (a
named pipe on Windows, a Unix socket elsewhere); a later start connects and sends one
line, the link or nothing ("come to the front"). macOS starts no second app for a
click: it sends the running one a ``QEvent.FileOpen`` with the URL, which the same
receiver takes as an application event filter.
"""

import getpass
import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from vaxla_desktop.core.dial import InvalidDialLink, parse_dial_link

log = logging.getLogger(__name__)

HAND_OVER_TIMEOUT_MS = 2000


def instance_name(settings_path: Path | None) -> str:
    """The socket's name: one per user and settings place (so that runs with their own
    ``--settings`` file, as the tests', are apart)."""
    where = str(settings_path.resolve()) if settings_path is not None else ""
    key = hashlib.sha256(f"{getpass.getuser()}\n{where}".encode()).hexdigest()[:16]
    return f"vaxla-desktop-{key}"


def hand_over(name: str, link: str | None) -> bool:
    """Give the running app this link (None: just come to the front); False when no app
    is running."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(HAND_OVER_TIMEOUT_MS):
        return False
    socket.write(QByteArray(f"{link or ''}\n".encode()))
    socket.flush()
    handed = socket.bytesToWrite() == 0 or socket.waitForBytesWritten(HAND_OVER_TIMEOUT_MS)
    socket.disconnectFromServer()
    if socket.state() is not QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(HAND_OVER_TIMEOUT_MS)
    return handed


def _answers(name: str) -> bool:
    """Whether an app listens on ``name`` (asked without sending it anything)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(HAND_OVER_TIMEOUT_MS):
        return False
    socket.disconnectFromServer()
    return True


class LinkReceiver(QObject):
    """The running app's end: links from later starts and from macOS's open events."""

    sig_link = Signal(object)  # DialRequest
    sig_to_front = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)

    def listen(self) -> bool:
        """Start taking links; False if another app already takes them."""
        if _answers(self.name):
            return False
        # Nobody answers: any socket file there was left by an app that crashed.
        QLocalServer.removeServer(self.name)
        if not self._server.listen(self.name):
            log.warning("cannot take links from later starts: %s", self._server.errorString())
            return False
        log.info("taking links from later starts on %s", self.name)
        return True

    def close(self) -> None:
        self._server.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            self._take(event.url().toString())
            return True
        return super().eventFilter(watched, event)

    def _on_new_connection(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.setParent(self)
            socket.readyRead.connect(lambda socket=socket: self._on_ready_read(socket))
            socket.disconnected.connect(socket.deleteLater)
            self._on_ready_read(socket)  # the line may be here already

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        # One line per later start; once read it is gone, so a second call finds none.
        if not socket.canReadLine():
            return
        line = bytes(socket.readLine().data()).decode(errors="replace").strip()
        socket.disconnectFromServer()
        socket.deleteLater()
        self._take(line)

    def _take(self, text: str) -> None:
        if not text:
            self.sig_to_front.emit()
            return
        try:
            request = parse_dial_link(text)
        except InvalidDialLink as error:
            log.warning("a later start's link: %s", error)
            self.sig_to_front.emit()
            return
        log.info("a later start's link: %s", request.uri)
        self.sig_link.emit(request)
