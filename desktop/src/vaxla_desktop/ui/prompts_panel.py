"""The prompts in the administrator's mode (R6, R31): every prompt of a language, whether
it plays the default audio or a custom file, and for the one selected: listen to it
(Ctrl+L), replace its audio with a sound file (Ctrl+U), with words the server speaks
(Ctrl+T), with a recording from the microphone (Ctrl+D) or by phone (Ctrl+Shift+D: the
server calls the number or SIP URI given, last used one first).

The panel never talks to the server: it asks with ``sig_*`` and shows what it is given,
so an upload the server refused changes nothing here; the reason is shown in words.
"""

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.sip.recorder import InputSource, MicrophoneInput, Recorder
from vaxla_desktop.ui.notices import Notices
from vaxla_desktop.ui.prompt_recorder import RecordDialog
from vaxla_protocol.config import Language

PLAY_KEY = "Ctrl+L"
UPLOAD_KEY = "Ctrl+U"
SPEAK_KEY = "Ctrl+T"
RECORD_KEY = "Ctrl+D"
PHONE_KEY = "Ctrl+Shift+D"
Index = QModelIndex | QPersistentModelIndex


class PromptModel(QAbstractTableModel):
    """Prompt names and whether each is custom."""

    NAME, SOURCE = range(2)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, bool]] = []

    def show(self, names: list[str], custom: set[str]) -> None:
        self.beginResetModel()
        self.rows = [(name, name in custom) for name in sorted(names)]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        name, custom = self.rows[index.row()]
        if index.column() == self.NAME:
            return name
        return self.tr("custom file") if custom else self.tr("default")

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Prompt"), self.tr("Audio"))[section]


class PromptsPanel(QWidget, Notices):
    sig_language_chosen = Signal(str)  # language code
    sig_play_requested = Signal(str, str)  # language, name
    sig_upload_requested = Signal(str, str, str)  # language, name, the file's path
    sig_speak_requested = Signal(str, str, str)  # language, name, text
    sig_recording_ready = Signal(str, str, bytes)  # language, name, the take (a WAV file)
    sig_take_listen = Signal(bytes)  # a take to play here (a WAV file)
    sig_phone_record_requested = Signal(str, str, str)  # language, name, phone

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make_notices()
        self.language_box = QComboBox()
        self.language_box.setAccessibleName(self.tr("Language"))
        self.language_box.addItem(self.tr("Swedish"), Language.SV.value)
        self.language_box.addItem(self.tr("English"), Language.EN.value)
        self.model = PromptModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Prompts"))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(PromptModel.NAME, 280)
        self.play_button = QPushButton(self.tr("Listen"))
        self.play_button.setShortcut(QKeySequence(PLAY_KEY))
        self.play_button.setToolTip(self.tr("Play the selected prompt here ({0})").format(PLAY_KEY))
        self.upload_button = QPushButton(self.tr("Upload a sound file…"))
        self.upload_button.setShortcut(QKeySequence(UPLOAD_KEY))
        self.upload_button.setToolTip(
            self.tr("WAV, MP3 or OGG; the server converts it ({0})").format(UPLOAD_KEY)
        )
        self.speak_button = QPushButton(self.tr("Make from text…"))
        self.speak_button.setShortcut(QKeySequence(SPEAK_KEY))
        self.speak_button.setToolTip(
            self.tr("The server speaks the words you write ({0})").format(SPEAK_KEY)
        )
        self.record_button = QPushButton(self.tr("Record…"))
        self.record_button.setShortcut(QKeySequence(RECORD_KEY))
        self.record_button.setToolTip(
            self.tr("Record it from this computer's microphone ({0})").format(RECORD_KEY)
        )
        self.phone_button = QPushButton(self.tr("Record by phone…"))
        self.phone_button.setShortcut(QKeySequence(PHONE_KEY))
        self.phone_button.setToolTip(
            self.tr("The server calls your phone and records what you say ({0})").format(PHONE_KEY)
        )
        self.last_phone = ""
        """The number or SIP URI offered first (the one last used)."""
        self.microphone: InputSource = MicrophoneInput()
        """Where recordings come from (a test gives its own)."""
        self.record_dialog: RecordDialog | None = None
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Language")))
        top.addWidget(self.language_box)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.upload_button)
        buttons.addWidget(self.speak_button)
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.phone_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        layout.addWidget(self.message_label)

        self.language_box.currentIndexChanged.connect(
            lambda _row: self.sig_language_chosen.emit(self.language)
        )
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_buttons())
        self.model.modelReset.connect(self._show_buttons)
        self.play_button.clicked.connect(self._on_play)
        self.upload_button.clicked.connect(self._on_upload)
        self.speak_button.clicked.connect(self._on_speak)
        self.record_button.clicked.connect(self._on_record)
        self.phone_button.clicked.connect(self._on_phone)
        self._show_buttons()

    @property
    def language(self) -> str:
        return str(self.language_box.currentData())

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()][0] if rows else None

    def show_prompts(self, names: list[str], custom: set[str]) -> None:
        chosen = self.selected()
        self.model.show(names, custom)
        if chosen is not None and chosen in names:
            self.table.selectRow(sorted(names).index(chosen))

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def _show_buttons(self) -> None:
        chosen = self.selected() is not None
        buttons = (self.play_button, self.upload_button, self.speak_button, self.record_button,
                   self.phone_button)  # fmt: skip
        for button in buttons:
            button.setEnabled(chosen)

    def _on_play(self) -> None:
        if (name := self.selected()) is not None:
            self.sig_play_requested.emit(self.language, name)

    def _on_upload(self) -> None:
        name = self.selected()
        if name is None:
            return
        path = self.choose_file(name)
        if path:
            self.sig_upload_requested.emit(self.language, name, path)

    def choose_file(self, name: str) -> str:
        """The sound file the administrator picks for ``name`` ("" for none)."""
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("A sound file for {0}").format(name),
            "",
            self.tr("Sound files (*.wav *.mp3 *.ogg)"),
        )
        return path

    def _on_speak(self) -> None:
        name = self.selected()
        if name is None:
            return
        text = self.ask_text(name)
        if text.strip():
            self.sig_speak_requested.emit(self.language, name, text)

    def ask_text(self, name: str) -> str:
        """The words the administrator writes for ``name`` ("" for none)."""
        text, given = QInputDialog.getMultiLineText(
            self, self.tr("Make from text"), self.tr("What {0} says:").format(name)
        )
        return text if given else ""

    def _on_record(self) -> None:
        name = self.selected()
        if name is None:
            return
        language = self.language
        dialog = RecordDialog(name, Recorder(self.microphone), self)
        dialog.sig_listen.connect(self.sig_take_listen)
        dialog.accepted.connect(lambda: self.sig_recording_ready.emit(language, name, dialog.take))
        dialog.finished.connect(dialog.deleteLater)
        self.record_dialog = dialog
        dialog.open()

    def _on_phone(self) -> None:
        name = self.selected()
        if name is None:
            return
        phone = self.ask_phone(name).strip()
        if phone:
            self.sig_phone_record_requested.emit(self.language, name, phone)

    def ask_phone(self, name: str) -> str:
        """The number or SIP URI the server calls to record ``name`` ("" for none)."""
        phone, given = QInputDialog.getText(
            self,
            self.tr("Record by phone"),
            self.tr(
                "The server calls this phone: after the tone, say {0} and press #.\n"
                "A number, or a SIP URI such as sip:name@host:"
            ).format(name),
            text=self.last_phone,
        )
        return phone if given else ""
