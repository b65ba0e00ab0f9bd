"""What the centre talks to outside itself, in the admin mode (R31, R24, R25): the alarm
rules and whom they tell, the SIP trunks to the operators (each registration's state
shown), the mail server alarms and reports are mailed through, and the SMS gateway.
Each is an ``ItemEditor`` of ``config_form``; the server checks every value.

Passwords are write-only: the server never answers one, the form never shows one, and a
password line left empty keeps the stored one (its placeholder says whether there is).
"""

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from vaxla_desktop.ui.config_form import (
    ChoiceEditor,
    Column,
    Field,
    FlagEditor,
    Item,
    ItemEditor,
    NumberEditor,
    SecretEditor,
    TableEditor,
    TextEditor,
)
from vaxla_desktop.ui.flow_editors import NameBook, ReferenceEditor
from vaxla_protocol.config import (
    AlarmMetric,
    Comparison,
    MailTls,
    Severity,
    TrunkKind,
    TrunkRegistration,
    TrunkTransport,
)
from vaxla_protocol.sms import SmsGatewayKind


def _choices(values: Sequence[str]) -> ChoiceEditor:
    return ChoiceEditor([(value, value.replace("_", " ")) for value in values])


def _optional_text() -> TextEditor:
    return TextEditor(optional=True)


class _SecretShown(ItemEditor):
    """An editor with a write-only ``password`` field: its placeholder tells whether the
    server keeps one for the item shown."""

    def shown(self, item: Item) -> None:
        secret = self.editors.get("password")
        if isinstance(secret, SecretEditor):
            secret.show_stored(bool(item.get("password_set")))


class AlarmRuleEditor(ItemEditor):
    """The alarm rules (``/config/alarm-rules``): a queue's figure compared with a
    threshold raises an alarm; it clears at ``clear at`` (hysteresis), no new one comes
    within the quiet period, and the recipients are mailed or sent an SMS."""

    def __init__(self, book: NameBook, parent: QWidget | None = None) -> None:
        self.book = book
        super().__init__(
            template={
                "name": "",
                "metric": AlarmMetric.WAITING_COUNT.value,
                "comparison": Comparison.AT_LEAST.value,
                "threshold": 5,
                "severity": Severity.WARNING.value,
                "quiet_s": 300,
                "recipients": [],
            },
            parent=parent,
        )

    def make_fields(self) -> list[Field]:
        metrics = {
            AlarmMetric.WAITING_COUNT: self.tr("callers waiting"),
            AlarmMetric.LONGEST_WAIT_S: self.tr("longest wait (s)"),
            AlarmMetric.SERVICE_LEVEL_PCT: self.tr("service level (%)"),
            AlarmMetric.AGENTS_READY: self.tr("agents ready"),
        }
        severities = {
            Severity.INFO: self.tr("information"),
            Severity.WARNING: self.tr("warning"),
            Severity.CRITICAL: self.tr("critical"),
        }
        return [
            Field("name", self.tr("Name"), TextEditor),
            Field(
                "queue",
                self.tr("Queue"),
                lambda: ReferenceEditor(self.book, "queues", optional=False),
            ),
            Field(
                "metric",
                self.tr("Figure"),
                lambda: ChoiceEditor([(m.value, metrics[m]) for m in AlarmMetric]),
            ),
            Field(
                "comparison",
                self.tr("Raised when it is"),
                lambda: ChoiceEditor([(c.value, c.value) for c in Comparison]),
            ),
            Field("threshold", self.tr("Threshold"), lambda: NumberEditor(decimals=1, high=1e9)),
            Field(
                "clear_at",
                self.tr("Cleared at (hysteresis)"),
                lambda: NumberEditor(
                    decimals=1,
                    high=1e9,
                    optional=True,
                    none_text=self.tr("when it no longer holds"),
                ),
                words=("clear at",),
            ),
            Field(
                "quiet_s",
                self.tr("Quiet period after it clears"),
                lambda: NumberEditor(decimals=0, high=1e7, suffix=" s"),
                words=("quiet",),
            ),
            Field(
                "severity",
                self.tr("Severity"),
                lambda: ChoiceEditor([(s.value, severities[s]) for s in Severity]),
            ),
            Field(
                "recipients",
                self.tr("Recipients (e-mail or phone)"),
                lambda: TableEditor(
                    [Column("to", self.tr("E-mail address or phone number"))], plain=True
                ),
                words=("recipient",),
            ),
        ]


class TrunkEditor(_SecretShown):
    """The SIP trunks (``/config/trunks``): IP-authenticated or registering, with each
    registration trunk's state (``show_registrations``) above the form and in the list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.registrations: dict[str, TrunkRegistration] = {}
        super().__init__(
            template={
                "name": "",
                "kind": TrunkKind.REGISTRATION.value,
                "addresses": [],
                "expiry_s": 3600,
                "transport": TrunkTransport.UDP.value,
                "srtp": "off",
            },
            title=self._title,
            parent=parent,
        )
        self.registration_label = QLabel()
        self.registration_label.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("&Refresh the states"))
        self.refresh_button.clicked.connect(self.sig_reload)
        row = QHBoxLayout()
        row.addWidget(self.registration_label, 1)
        row.addWidget(self.refresh_button)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(0, row)

    def make_fields(self) -> list[Field]:
        kinds = {
            TrunkKind.REGISTRATION: self.tr("registers with a username"),
            TrunkKind.IP: self.tr("known by its IP address"),
        }
        srtp = {
            "off": self.tr("off"),
            "optional": self.tr("offered"),
            "mandatory": self.tr("required"),
        }
        return [
            Field("name", self.tr("Name"), TextEditor),
            Field(
                "kind",
                self.tr("Kind"),
                lambda: ChoiceEditor([(k.value, kinds[k]) for k in TrunkKind]),
            ),
            Field("registrar", self.tr("Registrar (host:port)"), _optional_text),
            Field("username", self.tr("Username"), _optional_text),
            Field("password", self.tr("Password"), SecretEditor),
            Field(
                "expiry_s",
                self.tr("Registration renewed every"),
                lambda: NumberEditor(high=1_000_000, suffix=" s"),
                words=("expiry",),
            ),
            Field("outbound_proxy", self.tr("Outbound proxy"), _optional_text),
            Field(
                "addresses",
                self.tr("Calls accepted from"),
                lambda: TableEditor([Column("address", self.tr("Address or network"))], plain=True),
                words=("address",),
            ),
            Field(
                "outbound",
                self.tr("Outside calls"),
                lambda: FlagEditor(self.tr("leave through this trunk")),
            ),
            Field("gateway", self.tr("Gateway (host:port)"), _optional_text),
            Field("caller_id", self.tr("Caller ID"), _optional_text, words=("caller id",)),
            Field("transport", self.tr("Transport"), lambda: _choices(list(TrunkTransport))),
            Field(
                "srtp",
                self.tr("SRTP"),
                lambda: ChoiceEditor([(value, text) for value, text in srtp.items()]),
            ),
        ]

    def _title(self, item: Item) -> str:
        name = str(item.get("name", ""))
        state = self.registrations.get(name)
        return name if state is None else f"{name} — {self.state_text(state)}"

    def state_text(self, registration: TrunkRegistration) -> str:
        words = {
            "registering": self.tr("registering"),
            "registered": self.tr("registered"),
            "failed": self.tr("failed"),
            "unregistered": self.tr("not registered"),
        }
        return words.get(registration.state, registration.state)

    def show_registrations(self, registrations: Sequence[TrunkRegistration]) -> None:
        """Where each registration trunk's registration stands, as the server says: in
        the list's titles (changed in place: the form and the focus stay) and above."""
        self.registrations = {one.trunk: one for one in registrations}
        self._retitle()

    def show_registration(self, registration: TrunkRegistration) -> None:
        """One registration's news from the event socket (``trunk_registration``): shown
        at once, as the list's reading would show it."""
        self.registrations[registration.trunk] = registration
        self._retitle()

    def _retitle(self) -> None:
        for row in range(self.list.count()):
            entry = self.list.item(row)
            item = self.items.get(entry.data(Qt.ItemDataRole.UserRole))
            if item is not None:
                entry.setText(self.title(item))
        self._show_registration()

    def shown(self, item: Item) -> None:
        super().shown(item)
        self._show_registration()

    def _show_registration(self) -> None:
        if self.loaded_key is None or not hasattr(self, "registration_label"):
            text = ""
        elif self.loaded_key not in self.registrations:
            text = self.tr("Registration: none (known by its IP address)")
        else:
            state = self.registrations[self.loaded_key]
            since = state.since.astimezone().strftime("%Y-%m-%d %H:%M")
            text = self.tr("Registration: {0} since {1}").format(self.state_text(state), since)
            if state.reason:
                text += f" — {state.reason}"
            if state.retry_at is not None:
                text += " " + self.tr("(tried again at {0})").format(_time(state.retry_at))
        if hasattr(self, "registration_label"):
            self.registration_label.setText(text)


def _time(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M:%S")


class MailServerEditor(_SecretShown):
    """The mail server (``/config/mail-server``, one of it) alarm and report mails go
    through: host, port, TLS, the username and write-only password, the sender; and a
    test mail sent through it as saved (``sig_test`` with the address)."""

    sig_test = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            key="host",
            template={"host": "", "port": 587, "tls": MailTls.STARTTLS.value, "sender": ""},
            may_add=False,
            parent=parent,
        )
        self.test_address = QLineEdit()
        self.test_address.setAccessibleName(self.tr("Test mail to"))
        self.test_address.setPlaceholderText(self.tr("an e-mail address"))
        self.test_button = QPushButton(self.tr("Send a &test mail"))
        self.test_button.setToolTip(self.tr("Through the mail server as saved, at once"))
        label = QLabel(self.tr("Test mail to"))
        label.setBuddy(self.test_address)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.test_address, 1)
        row.addWidget(self.test_button)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(0, row)
        self.test_button.clicked.connect(self._on_test)
        self.test_address.returnPressed.connect(self._on_test)

    def _on_test(self) -> None:
        if self.loaded_key is None or self.dirty:
            self.show_error(self.tr("Save the mail server first: the test mail goes through it."))
            return
        address = self.test_address.text().strip()
        if address:
            self.show_error("")
            self.show_note(self.tr("Sending a test mail…"))
            self.sig_test.emit(address)

    def make_fields(self) -> list[Field]:
        tls = {
            MailTls.STARTTLS: self.tr("STARTTLS (port 587)"),
            MailTls.IMPLICIT: self.tr("TLS from the start (port 465)"),
            MailTls.OFF: self.tr("none"),
        }
        return [
            Field("host", self.tr("SMTP server"), TextEditor),
            Field("port", self.tr("Port"), lambda: NumberEditor(high=1_000_000)),
            Field(
                "tls",
                self.tr("Encryption"),
                lambda: ChoiceEditor([(t.value, tls[t]) for t in MailTls]),
            ),
            Field("username", self.tr("Username"), _optional_text),
            Field("password", self.tr("Password"), SecretEditor),
            Field("sender", self.tr("Sender (From)"), TextEditor),
        ]


class SmsGatewayEditor(_SecretShown):
    """The SMS gateway (``/config/sms-gateway``, one of it): Kannel or SMPP, its address
    and user, the senders by queue and entry point, the templates agents may send."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            key="host",
            template={
                "kind": SmsGatewayKind.KANNEL.value,
                "host": "",
                "port": 13013,
                "username": "",
                "system_type": "",
                "default_sender": "",
                "queue_senders": {},
                "entry_point_senders": {},
                "templates": [],
                "agents_may_send_to_any_number": False,
            },
            may_add=False,
            parent=parent,
        )

    def make_fields(self) -> list[Field]:
        sender = self.tr("Sender")
        return [
            Field(
                "kind",
                self.tr("Kind"),
                lambda: ChoiceEditor(
                    [
                        (SmsGatewayKind.KANNEL.value, self.tr("Kannel (HTTP)")),
                        (SmsGatewayKind.SMPP.value, self.tr("SMPP to the operator")),
                    ]
                ),
            ),
            Field("host", self.tr("Host"), TextEditor),
            Field("port", self.tr("Port"), lambda: NumberEditor(high=1_000_000)),
            Field("username", self.tr("Username"), TextEditor, words=("system_id",)),
            Field("password", self.tr("Password"), SecretEditor),
            Field("system_type", self.tr("System type (SMPP)"), TextEditor),
            Field("dlr_base_url", self.tr("Delivery reports to (Kannel)"), _optional_text),
            Field("default_sender", self.tr("Default sender"), TextEditor),
            Field(
                "queue_senders",
                self.tr("Senders by queue"),
                lambda: TableEditor(
                    [Column("queue", self.tr("Queue")), Column("sender", sender)], mapping=True
                ),
                words=("queue",),
            ),
            Field(
                "entry_point_senders",
                self.tr("Senders by entry point"),
                lambda: TableEditor(
                    [Column("address", self.tr("Entry point")), Column("sender", sender)],
                    mapping=True,
                ),
                words=("entry point",),
            ),
            Field(
                "templates",
                self.tr("Templates"),
                lambda: TableEditor(
                    [
                        Column("name", self.tr("Name")),
                        Column("text_sv", self.tr("In Swedish")),
                        Column("text_en", self.tr("In English")),
                    ]
                ),
                words=("template",),
            ),
            Field(
                "agents_may_send_to_any_number",
                self.tr("Agents"),
                lambda: FlagEditor(self.tr("may write any number")),
            ),
        ]
