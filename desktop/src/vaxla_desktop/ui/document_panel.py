"""The whole configuration as one document (R31): exported to a file, and a file
imported only after the server has said, item by item, what loading it would change.

The panel never reads files or talks to the server itself: it asks with ``sig_*`` and
shows what came back, so nothing is loaded that the user has not seen the changes of.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.ui.config_form import in_a_row
from vaxla_desktop.ui.notices import Notices
from vaxla_protocol.config import ChangeKind, DocumentCheck

EXPORT_KEY = "Ctrl+E"
IMPORT_KEY = "Ctrl+I"


class DocumentPanel(QWidget, Notices):
    sig_export = Signal(str)  # the file to write
    sig_check = Signal(str)  # the file to read and have checked
    sig_load = Signal()  # load the checked document

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make_notices()
        self.export_button = QPushButton(self.tr("Export to a file…"))
        self.export_button.setShortcut(QKeySequence(EXPORT_KEY))
        self.export_button.setToolTip(
            self.tr("The whole configuration as one file ({0})").format(EXPORT_KEY)
        )
        self.import_button = QPushButton(self.tr("Check a file to import…"))
        self.import_button.setShortcut(QKeySequence(IMPORT_KEY))
        self.import_button.setToolTip(
            self.tr("See what a file changes before loading it ({0})").format(IMPORT_KEY)
        )
        self.load_button = QPushButton(self.tr("Load it"))
        self.load_button.setEnabled(False)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self._intro()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Part"), self.tr("Item"), self.tr("Change"), self.tr("Fields")]
        )
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName(self.tr("What loading the file changes"))
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addLayout(in_a_row(self.export_button, self.import_button))
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.note_label)
        layout.addLayout(in_a_row(self.load_button))
        self.export_button.clicked.connect(self._on_export)
        self.import_button.clicked.connect(self._on_import)
        self.load_button.clicked.connect(self.sig_load)

    def _intro(self) -> None:
        self.summary_label.setText(
            self.tr(
                "Importing a file replaces the whole configuration; you see what it changes first."
            )
        )

    def choose_save_file(self) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export the configuration"), "vaxla-config.json", "JSON (*.json)"
        )
        return path

    def choose_open_file(self) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import a configuration"), "", "JSON (*.json)"
        )
        return path

    def _on_export(self) -> None:
        if path := self.choose_save_file():
            self.sig_export.emit(path)

    def _on_import(self) -> None:
        if path := self.choose_open_file():
            self.show_error("")
            self.show_note("")
            self.show_check(None)
            self.sig_check.emit(path)

    def show_check(self, check: DocumentCheck | None) -> None:
        """What the server says loading the file changes (``None``: nothing checked)."""
        changes = [] if check is None else check.changes
        words = {
            ChangeKind.ADDED: self.tr("added"),
            ChangeKind.REMOVED: self.tr("removed"),
            ChangeKind.CHANGED: self.tr("changed"),
        }
        self.table.setRowCount(0)
        for change in changes:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate(
                (change.part, change.key, words[change.change], ", ".join(change.fields))
            ):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        if check is None:
            self._intro()
        elif not changes:
            self.summary_label.setText(
                self.tr("The file is the configuration as it is: nothing changes.")
            )
        else:
            self.summary_label.setText(
                self.tr("Loading the file makes {0} changes:").format(len(changes))
            )
        self.problems_label.setText(
            ""
            if check is None
            else "\n".join(f"{p.severity.value}: {p.where}: {p.message}" for p in check.problems)
        )
        self.load_button.setEnabled(bool(changes))
