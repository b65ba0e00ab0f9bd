"""The shared voicemail boxes the user may read (R7): a box chosen, its messages (the
caller's number, when, how long, who handled it) and for the one selected: listen to it
(Ctrl+L), mark it handled (Ctrl+H) or call the number back (Ctrl+B); F5 reads again.

The panel never talks to the server: it asks with ``sig_*`` and shows what it is given;
a refusal is shown in words and changes nothing here."""

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    SignalInstance,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.ui.buttons import shortcut_button
from vaxla_desktop.ui.notices import Notices
from vaxla_protocol.voicemail import VoicemailBoxView, VoicemailMessageView

PLAY_KEY = "Ctrl+L"
HANDLED_KEY = "Ctrl+H"
CALL_BACK_KEY = "Ctrl+B"
REFRESH_KEY = "F5"
Index = QModelIndex | QPersistentModelIndex


class VoicemailModel(QAbstractTableModel):
    """A box's messages, newest first."""

    NUMBER, RECEIVED, LENGTH, HANDLED = range(4)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[VoicemailMessageView] = []

    def show(self, messages: list[VoicemailMessageView]) -> None:
        self.beginResetModel()
        self.rows = list(messages)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        message = self.rows[index.row()]
        column = index.column()
        if column == self.NUMBER:
            return message.caller
        if column == self.RECEIVED:
            return message.received_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if column == self.LENGTH:
            marks = [self.tr("short")] * message.short + [self.tr("silent")] * message.silent
            length = self.tr("{0} s").format(round(message.seconds))
            return f"{length} ({', '.join(marks)})" if marks else length
        return message.handled_by or self.tr("not handled")

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Number"), self.tr("Received"), self.tr("Length"), self.tr("Handled by"))[
            section
        ]


class VoicemailPanel(QWidget, Notices):
    sig_box_chosen = Signal(str)  # box name
    sig_refresh_requested = Signal()
    sig_play_requested = Signal(int)  # message id
    sig_handled_requested = Signal(int)  # message id
    sig_call_back_requested = Signal(str)  # the caller's number

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make_notices()
        self.box_list = QComboBox()
        self.box_list.setAccessibleName(self.tr("Voicemail box"))
        self.model = VoicemailModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Messages"))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)  # narrow in the agent's panel: all in sight
        self.play_button = self._button(
            self.tr("Listen"), PLAY_KEY, self.tr("Play the message here")
        )
        self.handled_button = self._button(
            self.tr("Mark handled"), HANDLED_KEY, self.tr("Mark the message handled by you")
        )
        self.call_back_button = self._button(
            self.tr("Call back"), CALL_BACK_KEY, self.tr("Call the number from your phone")
        )
        self.refresh_button = self._button(
            self.tr("Refresh"), REFRESH_KEY, self.tr("Read the boxes again")
        )
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        top = QHBoxLayout()
        box_label = QLabel(self.tr("&Box"))
        box_label.setBuddy(self.box_list)
        top.addWidget(box_label)
        top.addWidget(self.box_list, 1)
        top.addWidget(self.refresh_button)
        buttons = QHBoxLayout()
        for button in (self.play_button, self.handled_button, self.call_back_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        layout.addWidget(self.message_label)

        self.box_list.activated.connect(lambda _row: self.sig_box_chosen.emit(self.box))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_buttons())
        self.model.modelReset.connect(self._show_buttons)
        self.refresh_button.clicked.connect(self.sig_refresh_requested.emit)
        self.play_button.clicked.connect(lambda: self._ask(self.sig_play_requested))
        self.handled_button.clicked.connect(lambda: self._ask(self.sig_handled_requested))
        self.call_back_button.clicked.connect(self._on_call_back)
        self._show_buttons()

    def _button(self, text: str, key: str, tip: str) -> QPushButton:
        return shortcut_button(text, key, tip)

    @property
    def box(self) -> str:
        return str(self.box_list.currentData() or "")

    def selected(self) -> VoicemailMessageView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def show_boxes(self, boxes: list[VoicemailBoxView]) -> None:
        chosen = self.box
        self.box_list.clear()
        for box in boxes:
            label = self.tr("{0} ({1} not handled of {2})").format(
                box.name, box.unhandled, box.messages
            )
            self.box_list.addItem(label, box.name)
        found = self.box_list.findData(chosen)
        self.box_list.setCurrentIndex(max(0, found))

    def show_messages(self, messages: list[VoicemailMessageView]) -> None:
        chosen = self.selected()
        self.model.show(messages)
        for row, message in enumerate(messages):
            if chosen is not None and message.id == chosen.id:
                self.table.selectRow(row)
        if self.selected() is None and messages:
            self.table.selectRow(0)

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def _ask(self, signal: SignalInstance) -> None:
        message = self.selected()
        if message is not None:
            signal.emit(message.id)

    def _on_call_back(self) -> None:
        message = self.selected()
        if message is not None:
            self.sig_call_back_requested.emit(message.caller)

    def _show_buttons(self) -> None:
        message = self.selected()
        self.play_button.setEnabled(message is not None)
        self.call_back_button.setEnabled(message is not None)
        self.handled_button.setEnabled(message is not None and message.handled_by is None)
