"""Send an SMS to the caller (R25): a template from the list, in Swedish or English,
previewed as the caller gets it, with the shared sender it goes out as.

The dialog only asks; the phone desk sends the request (``/agent/sms``) and shows the
server's answer with :meth:`SmsDialog.show_sent` or :meth:`SmsDialog.show_error`.
Keyboard: the list and the language are reached by Alt+letter, Enter sends, Esc closes.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from vaxla_protocol.sms import AgentSmsOptions, AgentSmsRequest, SmsQueued

PROBLEM_COLOUR = "#b00020"
OK_COLOUR = "#1b7f3b"


class SmsDialog(QDialog):
    sig_send = Signal(object)  # AgentSmsRequest

    def __init__(self, options: AgentSmsOptions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.options = options
        self.setWindowTitle(self.tr("Send an SMS to the caller"))
        self.setAccessibleName(self.tr("Send an SMS to the caller"))

        self.to_edit = QLineEdit(options.to or "")
        self.to_edit.setAccessibleName(self.tr("Number"))
        self.to_edit.setReadOnly(not options.may_send_to_any_number)
        self.to_edit.setPlaceholderText(self.tr("+46701234567"))
        self.sender_label = QLabel(options.sender)
        self.sender_label.setAccessibleName(self.tr("Sender"))

        self.template_list = QListWidget()
        self.template_list.setAccessibleName(self.tr("Templates"))
        for template in options.templates:
            item = QListWidgetItem(template.name)
            item.setData(Qt.ItemDataRole.UserRole, template.name)
            self.template_list.addItem(item)
        self.template_list.setMaximumHeight(120)
        templates_label = QLabel(self.tr("&Template:"))
        templates_label.setBuddy(self.template_list)

        self.swedish_radio = QRadioButton(self.tr("&Swedish"))
        self.english_radio = QRadioButton(self.tr("&English"))
        self.languages = QButtonGroup(self)
        for radio in (self.swedish_radio, self.english_radio):
            radio.setAccessibleName(radio.text().replace("&", ""))
            self.languages.addButton(radio)
        self.swedish_radio.setChecked(True)

        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName(self.tr("Preview"))
        self.preview.setMinimumHeight(90)
        self.count_label = QLabel()
        self.count_label.setAccessibleName(self.tr("Length"))

        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName(self.tr("SMS status"))

        self.send_button = QPushButton(self.tr("Se&nd"))
        self.send_button.setAccessibleName(self.tr("Send the SMS"))
        self.send_button.setDefault(True)
        buttons = QDialogButtonBox()
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        self.send_button.clicked.connect(self._on_send)

        form = QFormLayout()
        form.addRow(self.tr("To:"), self.to_edit)
        form.addRow(self.tr("From:"), self.sender_label)
        language_row = QHBoxLayout()
        language_row.addWidget(self.swedish_radio)
        language_row.addWidget(self.english_radio)
        language_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(templates_label)
        layout.addWidget(self.template_list)
        layout.addLayout(language_row)
        layout.addWidget(self.preview)
        layout.addWidget(self.count_label)
        layout.addWidget(self.message_label)
        layout.addWidget(buttons)

        self.template_list.currentRowChanged.connect(self._refresh)
        self.languages.buttonToggled.connect(self._refresh)
        if options.templates:
            self.template_list.setCurrentRow(0)
        self.template_list.setFocus()
        self._refresh()
        if options.why_not and not options.may_send_to_any_number:
            self.show_error(self.tr("No SMS can go to the caller: {0}").format(options.why_not))
        elif not options.templates:
            self.show_error(self.tr("No SMS templates are configured; ask an administrator."))

    def language(self) -> str:
        return "sv" if self.swedish_radio.isChecked() else "en"

    def text(self) -> str:
        """The chosen template's text in the chosen language, as the caller gets it."""
        row = self.template_list.currentRow()
        if row < 0 or row >= len(self.options.templates):
            return ""
        template = self.options.templates[row]
        return template.text_sv if self.language() == "sv" else template.text_en

    def _refresh(self, *_: object) -> None:
        text = self.text()
        self.preview.setPlainText(text)
        self.count_label.setText(self.tr("{0} characters").format(len(text)))
        can_send = bool(text) and (
            self.options.to is not None or self.options.may_send_to_any_number
        )
        self.send_button.setEnabled(can_send)

    def _on_send(self) -> None:
        row = self.template_list.currentRow()
        if row < 0:
            self.show_error(self.tr("Choose a template."))
            return
        number = self.to_edit.text().strip()
        if not number:
            self.show_error(self.tr("Write the number to send to."))
            return
        to = number if number != self.options.to else None
        request = AgentSmsRequest(
            template=self.options.templates[row].name,
            language="sv" if self.language() == "sv" else "en",
            to=to,
        )
        self.send_button.setEnabled(False)
        self.message_label.setStyleSheet("")
        self.message_label.setText(self.tr("Sending…"))
        self.sig_send.emit(request)

    def show_sent(self, queued: SmsQueued) -> None:
        self.message_label.setStyleSheet(f"color: {OK_COLOUR};")
        self.message_label.setText(
            self.tr("The SMS to {0} is on its way (from {1}).").format(queued.to, queued.sender)
        )
        self._refresh()

    def show_error(self, message: str) -> None:
        self.message_label.setStyleSheet(f"color: {PROBLEM_COLOUR}; font-weight: bold;")
        self.message_label.setText(message)
        self._refresh()
