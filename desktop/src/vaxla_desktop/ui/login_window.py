"""The login window: pick a server found on the network or type its address, log in.

The window only gathers input and shows outcomes; :class:`vaxla_desktop.app` does the
connecting. It emits :attr:`LoginWindow.sig_login_requested` with a
:class:`~vaxla_desktop.session.LoginForm` and is told the result with
:meth:`show_error`, :meth:`ask_trust` or by being closed.
"""

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.api import UnknownCertificate
from vaxla_desktop.session import LoginForm
from vaxla_desktop.ui.server_model import ServerListModel

ERROR_STYLE = "color: #b00020; background: #fdecee; border: 1px solid #f3b6bf; padding: 6px;"
TRUST_STYLE = "QFrame#trustPanel { background: #fff6e0; border: 1px solid #e0b84d; }"


class LoginWindow(QWidget):
    sig_login_requested = Signal(LoginForm)
    sig_trust_accepted = Signal(str, str)  # server origin, fingerprint
    sig_quit_requested = Signal()

    def __init__(
        self,
        servers: ServerListModel,
        *,
        server_url: str = "",
        username: str = "",
        remember_me: bool = False,
        can_remember: bool = True,
        server_locked: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Vaxla — log in"))
        self._servers = servers
        self._pending_trust: UnknownCertificate | None = None
        self._advertised_fingerprint: str | None = None
        self._logged_in = False

        title = QLabel(self.tr("Log in to Vaxla"))
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")

        self.server_list = QListView()
        self.server_list.setModel(servers)
        self.server_list.setAccessibleName(self.tr("Servers found on the network"))
        self.server_list.setMaximumHeight(110)
        self.server_list.clicked.connect(self._on_server_chosen)
        self.server_list.activated.connect(self._on_server_chosen)
        self.no_servers_label = QLabel(self.tr("No servers found on this network yet."))
        self.no_servers_label.setStyleSheet("color: palette(mid);")
        for signal in (servers.rowsInserted, servers.rowsRemoved, servers.modelReset):
            signal.connect(self._on_servers_changed)

        self.server_edit = QLineEdit(server_url)
        self.server_edit.setPlaceholderText("https://vaxla.example.com:8780")
        self.server_edit.setAccessibleName(self.tr("Server address"))
        self.server_edit.textEdited.connect(self._on_server_typed)
        self._server_locked = server_locked
        if server_locked:
            self.server_edit.setReadOnly(True)
            self.server_edit.setToolTip(self.tr("Set by your organisation's IT department"))
            self.server_list.setEnabled(False)
        self.user_edit = QLineEdit(username)
        self.user_edit.setAccessibleName(self.tr("User name"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(self.tr("Password"))
        self.remember_box = QCheckBox(self.tr("Remember me on this computer"))
        self.remember_box.setAccessibleName(self.tr("Remember me on this computer"))
        self.remember_box.setChecked(remember_me and can_remember)
        if not can_remember:
            self.remember_box.setEnabled(False)
            self.remember_box.setToolTip(
                self.tr("This computer has no password keyring; you are asked each time.")
            )

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setAccessibleName(self.tr("Login problem"))
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.trust_panel = self._build_trust_panel()
        self.trust_panel.hide()

        self.login_button = QPushButton(self.tr("Log in"))
        self.login_button.setAccessibleName(self.tr("Log in"))
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self._on_login_clicked)
        self.quit_button = QPushButton(self.tr("Quit"))
        self.quit_button.setAccessibleName(self.tr("Quit"))
        self.quit_button.clicked.connect(self.sig_quit_requested)
        self.status_label = QLabel()
        self.status_label.setAccessibleName(self.tr("Login progress"))
        for edit in (self.server_edit, self.user_edit, self.password_edit):
            # Enter in any field logs in, as it would in a dialog.
            edit.returnPressed.connect(self._on_login_clicked)

        form = QFormLayout()
        form.addRow(self.tr("Servers found:"), self.server_list)
        form.addRow("", self.no_servers_label)
        form.addRow(self.tr("&Server address:"), self.server_edit)
        form.addRow(self.tr("&User name:"), self.user_edit)
        form.addRow(self.tr("&Password:"), self.password_edit)
        form.addRow("", self.remember_box)
        for row_label, field in (
            (form.labelForField(self.server_edit), self.server_edit),
            (form.labelForField(self.user_edit), self.user_edit),
            (form.labelForField(self.password_edit), self.password_edit),
        ):
            if isinstance(row_label, QLabel):
                row_label.setBuddy(field)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.login_button)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.trust_panel)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(520, 420)
        self._on_servers_changed()
        self.setTabOrder(self.server_edit, self.user_edit)
        self.setTabOrder(self.user_edit, self.password_edit)
        self.setTabOrder(self.password_edit, self.remember_box)
        self.setTabOrder(self.remember_box, self.login_button)

    def _build_trust_panel(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("trustPanel")
        panel.setStyleSheet(TRUST_STYLE)
        self.trust_heading = QLabel()
        self.trust_heading.setWordWrap(True)
        self.trust_heading.setStyleSheet("font-weight: bold;")
        explanation = QLabel(
            self.tr(
                "Check that this SHA-256 fingerprint is the one the server shows in its "
                "log, or that your administrator gave you, before you trust it:"
            )
        )
        explanation.setWordWrap(True)
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.fingerprint_label.setWordWrap(True)
        self.fingerprint_label.setAccessibleName(self.tr("Certificate fingerprint"))
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.trust_button = QPushButton(self.tr("Trust this server"))
        self.trust_button.setAccessibleName(self.tr("Trust this server"))
        self.trust_button.clicked.connect(self._on_trust_clicked)
        self.distrust_button = QPushButton(self.tr("Do not trust"))
        self.distrust_button.setAccessibleName(self.tr("Do not trust"))
        self.distrust_button.clicked.connect(self._on_distrust_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.distrust_button)
        buttons.addWidget(self.trust_button)
        layout = QVBoxLayout(panel)
        layout.addWidget(self.trust_heading)
        layout.addWidget(explanation)
        layout.addWidget(self.fingerprint_label)
        layout.addLayout(buttons)
        return panel

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing the login window before logging in means quitting.
        if not self._logged_in:
            self.sig_quit_requested.emit()
        super().closeEvent(event)

    # What the app tells the window

    def logged_in(self) -> None:
        """The login succeeded: close without quitting."""
        self._logged_in = True
        self.close()

    def form(self) -> LoginForm:
        return LoginForm(
            server_url=self.server_edit.text().strip(),
            username=self.user_edit.text().strip(),
            password=self.password_edit.text(),
            remember_me=self.remember_box.isChecked(),
            advertised_fingerprint=self._advertised_fingerprint,
        )

    def set_busy(self, busy: bool) -> None:
        for widget in (
            self.server_list,
            self.server_edit,
            self.user_edit,
            self.password_edit,
            self.login_button,
        ):
            widget.setEnabled(not busy)
        self.status_label.setText(self.tr("Connecting…") if busy else "")

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.trust_panel.hide()
        self.error_label.setText(message)
        self.error_label.show()
        focus = self.password_edit if self.password_edit.text() else self._first_empty_field()
        focus.setFocus()

    def ask_trust(self, unknown: UnknownCertificate) -> None:
        """Show the certificate's fingerprint and wait for the user's choice."""
        self.set_busy(False)
        self.error_label.hide()
        self._pending_trust = unknown
        self.trust_heading.setText(
            self.tr(
                "First connection to {0}: this server's certificate is new to this app."
            ).format(unknown.server)
        )
        # Two lines of 16 byte pairs: readable to compare, and the window stays narrow.
        pairs = unknown.fingerprint.split(":")
        self.fingerprint_label.setText(":".join(pairs[:16]) + ":\n" + ":".join(pairs[16:]))
        self.trust_panel.show()
        self.trust_button.setFocus()

    # What the user does

    def _first_empty_field(self) -> QLineEdit:
        for edit in (self.server_edit, self.user_edit, self.password_edit):
            if not edit.text().strip():
                return edit
        return self.password_edit

    def _on_login_clicked(self) -> None:
        if not self.login_button.isEnabled():
            return
        form = self.form()
        missing = [
            name
            for name, value in (
                (self.tr("server address"), form.server_url),
                (self.tr("user name"), form.username),
                (self.tr("password"), form.password),
            )
            if not value
        ]
        if missing:
            self.show_error(self.tr("Fill in the {0}.").format(", ".join(missing)))
            return
        self.error_label.hide()
        self.trust_panel.hide()
        self.set_busy(True)
        self.sig_login_requested.emit(form)

    def _on_trust_clicked(self) -> None:
        unknown, self._pending_trust = self._pending_trust, None
        self.trust_panel.hide()
        if unknown is not None:
            self.sig_trust_accepted.emit(unknown.server, unknown.fingerprint)

    def _on_distrust_clicked(self) -> None:
        self._pending_trust = None
        self.show_error(self.tr("Not connected: you did not trust the server's certificate."))

    def _on_server_chosen(self, index: QModelIndex) -> None:
        server = self._servers.server_at(index.row())
        if server is None or self._server_locked:
            return
        self.server_edit.setText(server.url)
        self._advertised_fingerprint = server.fingerprint
        (self.user_edit if not self.user_edit.text() else self.password_edit).setFocus()

    def _on_server_typed(self, _text: str) -> None:
        # A typed address is not the advertised server: its record no longer applies.
        self._advertised_fingerprint = None
        self.server_list.clearSelection()

    def _on_servers_changed(self) -> None:
        self.no_servers_label.setVisible(self._servers.rowCount() == 0)
        # The address in the field may be one of the servers found: show it as chosen.
        address = self.server_edit.text().strip()
        for row in range(self._servers.rowCount()):
            server = self._servers.server_at(row)
            if server is not None and server.url == address:
                self.server_list.setCurrentIndex(self._servers.index(row))
                self._advertised_fingerprint = server.fingerprint
                return
        self.server_list.clearSelection()
