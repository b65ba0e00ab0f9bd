"""The calls' recordings (R27): searched by how many days back, queue and tag; for the
one selected: listen (Ctrl+L), export (Ctrl+E) to a WAV, MP3 or Ogg Vorbis file (the
type chosen in the save dialog, or by the name's ending), add or remove the tag
typed (Ctrl+T, Ctrl+U) and, for supervisors and administrators, mark it kept or not
(Ctrl+K: kept recordings are never purged); F5 searches again. An agent sees its own
calls' recordings only (the server answers no others).

The panel never talks to the server: it asks with ``sig_*`` and shows what it is given;
a refusal is shown in words and changes nothing here."""

from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.ui.buttons import shortcut_button
from vaxla_desktop.ui.notices import Notices
from vaxla_protocol.recording import AudioFormat, RecordingView

PLAY_KEY = "Ctrl+L"
EXPORT_KEY = "Ctrl+E"
TAG_KEY = "Ctrl+T"
UNTAG_KEY = "Ctrl+U"
KEEP_KEY = "Ctrl+K"
REFRESH_KEY = "F5"
Index = QModelIndex | QPersistentModelIndex


class RecordingsModel(QAbstractTableModel):
    """The recordings found, newest first."""

    STARTED, CALLER, QUEUE, AGENT, LENGTH, TAGS, KEPT = range(7)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[RecordingView] = []

    def show(self, recordings: list[RecordingView]) -> None:
        self.beginResetModel()
        self.rows = list(recordings)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        recording = self.rows[index.row()]
        column = index.column()
        if column == self.STARTED:
            return recording.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if column == self.CALLER:
            return recording.caller
        if column == self.QUEUE:
            return recording.queue or recording.entry_point
        if column == self.AGENT:
            return recording.agent_name or ""
        if column == self.LENGTH:
            return self.tr("{0} s").format(round(recording.seconds))
        if column == self.TAGS:
            return ", ".join(recording.tags)
        return self.tr("kept") if recording.keep else ""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("Started"),
            self.tr("Caller"),
            self.tr("Queue"),
            self.tr("Agent"),
            self.tr("Length"),
            self.tr("Tags"),
            self.tr("Kept"),
        )[section]


class RecordingsPanel(QWidget, Notices):
    sig_search_requested = Signal()
    sig_play_requested = Signal(int)  # recording id
    sig_export_requested = Signal(int, str, str)  # recording id, the file, an AudioFormat
    sig_tag_requested = Signal(int, str, bool)  # recording id, tag, add (True) or remove
    sig_keep_requested = Signal(int, bool)  # recording id, kept or not

    def __init__(self, *, may_keep: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make_notices()
        self.may_keep = may_keep
        self.export_format = AudioFormat.WAV
        """The type the save dialog offers first: the one chosen last."""
        self.days = QSpinBox()
        self.days.setRange(1, 3650)
        self.days.setValue(30)
        self.days.setSuffix(self.tr(" days"))
        self.days.setAccessibleName(self.tr("Days back"))
        self.queue_edit = QLineEdit()
        self.queue_edit.setAccessibleName(self.tr("Queue"))
        self.queue_edit.setPlaceholderText(self.tr("any queue"))
        self.tag_filter = QLineEdit()
        self.tag_filter.setAccessibleName(self.tr("Tag searched for"))
        self.tag_filter.setPlaceholderText(self.tr("any tag"))
        self.refresh_button = self._button(
            self.tr("Search"), REFRESH_KEY, self.tr("Search the recordings again")
        )
        self.model = RecordingsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Recordings"))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.play_button = self._button(
            self.tr("Listen"), PLAY_KEY, self.tr("Play the recording here")
        )
        self.export_button = self._button(
            self.tr("Export…"), EXPORT_KEY, self.tr("Save the recording as a WAV, MP3 or Ogg file")
        )
        self.tag_edit = QLineEdit()
        self.tag_edit.setAccessibleName(self.tr("Tag"))
        self.tag_edit.setPlaceholderText(self.tr("tag"))
        self.tag_edit.setMaxLength(32)
        self.tag_button = self._button(
            self.tr("Add tag"), TAG_KEY, self.tr("Add the tag typed to the recording")
        )
        self.untag_button = self._button(
            self.tr("Remove tag"), UNTAG_KEY, self.tr("Remove the tag typed from the recording")
        )
        self.keep_button = self._button(
            self.tr("Keep"), KEEP_KEY, self.tr("Keep the recording: it is never purged")
        )
        self.keep_button.setCheckable(True)
        self.keep_button.setVisible(may_keep)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)

        filters = QHBoxLayout()
        for text, widget in (
            (self.tr("&Since"), self.days),
            (self.tr("&Queue"), self.queue_edit),
            (self.tr("T&ag"), self.tag_filter),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget, 1)
        filters.addWidget(self.refresh_button)
        buttons = QHBoxLayout()
        row: tuple[QWidget, ...] = (self.play_button, self.export_button, self.tag_edit)
        for item in (*row, self.tag_button, self.untag_button, self.keep_button):
            buttons.addWidget(item)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        layout.addWidget(self.message_label)

        for edit in (self.queue_edit, self.tag_filter):
            edit.returnPressed.connect(self.sig_search_requested.emit)
        self.refresh_button.clicked.connect(self.sig_search_requested.emit)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_buttons())
        self.model.modelReset.connect(self._show_buttons)
        self.tag_edit.textChanged.connect(lambda _text: self._show_buttons())
        self.play_button.clicked.connect(self._on_play)
        self.export_button.clicked.connect(self._on_export)
        self.tag_button.clicked.connect(lambda: self._on_tag(add=True))
        self.untag_button.clicked.connect(lambda: self._on_tag(add=False))
        self.tag_edit.returnPressed.connect(lambda: self._on_tag(add=True))
        self.keep_button.clicked.connect(self._on_keep)
        self._show_buttons()

    def _button(self, text: str, key: str, tip: str) -> QPushButton:
        return shortcut_button(text, key, tip)

    def selected(self) -> RecordingView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def show_recordings(self, recordings: list[RecordingView]) -> None:
        chosen = self.selected()
        self.model.show(recordings)
        for row, recording in enumerate(recordings):
            if chosen is not None and recording.id == chosen.id:
                self.table.selectRow(row)
        if self.selected() is None and recordings:
            self.table.selectRow(0)
        self.show_status(self.tr("Recordings found: {0}").format(len(recordings)))

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def file_types(self) -> dict[AudioFormat, str]:
        """The save dialog's file types, by the format each exports."""
        return {
            AudioFormat.WAV: self.tr("WAV audio, as recorded (*.wav)"),
            AudioFormat.MP3: self.tr("MP3 audio (*.mp3)"),
            AudioFormat.OGG: self.tr("Ogg Vorbis audio (*.ogg)"),
        }

    def export_dialog(self, suggested: str) -> QFileDialog:
        """The save dialog: the file types WAV, MP3 and Ogg Vorbis, the one chosen last
        selected; choosing another changes the name's ending to match."""
        dialog = QFileDialog(self, self.tr("Export the recording"), suggested)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        types = self.file_types()
        dialog.setNameFilters(list(types.values()))
        dialog.selectNameFilter(types[self.export_format])
        stem = Path(suggested).stem

        def matched(name_filter: str) -> None:
            for kind, text in types.items():
                if text == name_filter:
                    dialog.selectFile(f"{stem}.{kind.value}")

        dialog.filterSelected.connect(matched)
        return dialog

    def choose_file(self, suggested: str) -> tuple[str, str]:
        """The file to export to and the file type chosen (('', '') when cancelled)."""
        dialog = self.export_dialog(suggested)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
                return "", ""
            return dialog.selectedFiles()[0], dialog.selectedNameFilter()
        finally:
            dialog.deleteLater()

    def export_choice(self, path: str, name_filter: str) -> tuple[str, AudioFormat]:
        """The file and format an export writes: the format the name ends with when it
        is one (``.mp3``), else the file type chosen, its ending added."""
        ending = Path(path).suffix.lower().removeprefix(".")
        if ending in {kind.value for kind in AudioFormat}:
            return path, AudioFormat(ending)
        by_filter = {text: kind for kind, text in self.file_types().items()}
        kind = by_filter.get(name_filter, self.export_format)
        return f"{path}.{kind.value}", kind

    def _on_play(self) -> None:
        recording = self.selected()
        if recording is not None:
            self.sig_play_requested.emit(recording.id)

    def _on_export(self) -> None:
        recording = self.selected()
        if recording is None:
            return
        suggested = Path.home() / f"recording-{recording.id}.{self.export_format.value}"
        chosen, name_filter = self.choose_file(str(suggested))
        if chosen:
            path, kind = self.export_choice(chosen, name_filter)
            self.export_format = kind
            self.sig_export_requested.emit(recording.id, path, kind.value)

    def _on_tag(self, *, add: bool) -> None:
        recording = self.selected()
        tag = self.tag_edit.text().strip()
        if recording is None or not tag:
            return
        self.sig_tag_requested.emit(recording.id, tag, add)

    def _on_keep(self) -> None:
        recording = self.selected()
        if recording is not None:
            self.sig_keep_requested.emit(recording.id, not recording.keep)

    def _show_buttons(self) -> None:
        recording = self.selected()
        chosen = recording is not None
        for button in (self.play_button, self.export_button):
            button.setEnabled(chosen)
        typed = bool(self.tag_edit.text().strip())
        self.tag_button.setEnabled(chosen and typed)
        self.untag_button.setEnabled(chosen and typed)
        self.keep_button.setEnabled(chosen and self.may_keep)
        self.keep_button.setChecked(recording is not None and recording.keep)
