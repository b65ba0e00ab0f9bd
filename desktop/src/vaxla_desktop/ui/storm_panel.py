"""The storm message (R6) in the supervisor's mode: what is switched on now, in red, and
for those who may switch it, an entry point, the words callers will hear (the server
speaks them in the entry point's language) and one button each to switch it on and off.

The panel never talks to the server: it asks with ``sig_*`` and shows what the server
said (:meth:`show_storms`), so a switch the server refused changes nothing here.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.ui.notices import Notices
from vaxla_protocol.storm import MAX_TEXT, StormMessage

ON_KEY = "Ctrl+Alt+S"
OFF_KEY = "Ctrl+Alt+X"


class StormPanel(QWidget, Notices):
    sig_on_requested = Signal(str, str)  # entry point, text
    sig_off_requested = Signal(str)  # entry point

    def __init__(self, *, may_switch: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.may_switch = may_switch
        self.storms: dict[str, StormMessage] = {}
        self._make_notices()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setAccessibleName(self.tr("Storm messages switched on"))

        self.entry_box = QComboBox()
        self.entry_box.setAccessibleName(self.tr("Entry point"))
        self.text_edit = QPlainTextEdit()
        self.text_edit.setAccessibleName(self.tr("What callers hear"))
        self.text_edit.setPlaceholderText(
            self.tr("For example: We have a disruption in our telephony right now.")
        )
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMaximumHeight(120)
        self.on_button = QPushButton(self.tr("Switch on"))
        self.on_button.setShortcut(QKeySequence(ON_KEY))
        self.on_button.setToolTip(
            self.tr(
                "Every new caller hears it at once, callers waiting at their next message ({0})"
            ).format(ON_KEY)
        )
        self.off_button = QPushButton(self.tr("Switch off"))
        self.off_button.setShortcut(QKeySequence(OFF_KEY))
        self.off_button.setToolTip(
            self.tr("Callers from now on do not hear it ({0})").format(OFF_KEY)
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.on_button)
        buttons.addWidget(self.off_button)
        form = QFormLayout()
        form.addRow(self.tr("Entry point"), self.entry_box)
        form.addRow(self.tr("Message"), self.text_edit)
        switch = QGroupBox(self.tr("Switch a storm message"))
        switch_layout = QVBoxLayout(switch)
        switch_layout.addLayout(form)
        switch_layout.addLayout(buttons)
        switch.setVisible(may_switch)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(switch)
        layout.addWidget(self.message_label)
        layout.addStretch(1)

        self.on_button.clicked.connect(self._on_on)
        self.off_button.clicked.connect(self._on_off)
        self.entry_box.currentIndexChanged.connect(self._show_buttons)
        self.text_edit.textChanged.connect(self._show_buttons)
        self.show_storms([])

    def set_entry_points(self, numbers: list[str]) -> None:
        chosen = self.entry_box.currentText()
        self.entry_box.clear()
        self.entry_box.addItems(numbers)
        if chosen in numbers:
            self.entry_box.setCurrentText(chosen)
        self._show_buttons()

    def show_storms(self, storms: list[StormMessage]) -> None:
        self.storms = {storm.entry_point: storm for storm in storms}
        if not storms:
            self.status_label.setText(self.tr("No storm message is switched on."))
            self.status_label.setStyleSheet("")
        else:
            lines = [
                self.tr("Storm message ON at {0} since {1} ({2}): {3}").format(
                    storm.entry_point,
                    storm.started_at.astimezone().strftime("%H:%M"),
                    storm.by or self.tr("the system"),
                    storm.text
                    if storm.text is not None
                    else self.tr("recording {0}").format(storm.prompt),
                )
                for storm in storms
            ]
            self.status_label.setText("\n".join(lines))
            self.status_label.setStyleSheet(
                "background: #b00020; color: white; font-weight: bold; padding: 6px;"
            )
        self._show_buttons()

    def _show_buttons(self) -> None:
        entry = self.entry_box.currentText()
        text = self.text_edit.toPlainText().strip()
        self.on_button.setEnabled(bool(entry) and 0 < len(text) <= MAX_TEXT)
        self.off_button.setEnabled(entry in self.storms)

    def _on_on(self) -> None:
        if self.on_button.isEnabled():
            self.sig_on_requested.emit(self.entry_box.currentText(), self.text_edit.toPlainText())

    def _on_off(self) -> None:
        if self.off_button.isEnabled():
            self.sig_off_requested.emit(self.entry_box.currentText())
