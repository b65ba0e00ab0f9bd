"""A board's layout in a simple dialog: its name, its tiles (each a title and the queues
it sums), the thresholds that turn a tile amber and red, and how its pages turn.

Save checks the board as the server will (``BoardItem``: a red threshold beyond its
amber one, a tile with a title and a queue) and says what is wrong, on which field,
without asking the server; a good board is handed on (``sig_save``) and the dialog stays
open until the server has said yes (``saved``) or shows the server's reason
(``show_error``).
"""

from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vaxla_protocol.boards import BoardItem, BoardView, Thresholds


class BoardEditor(QDialog):
    sig_save = Signal(object, object)  # the board's name before (None: a new one), BoardItem

    def __init__(
        self,
        queues: list[tuple[int, str]],
        board: BoardView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.original = board.name if board is not None else None
        self.queues = queues
        self.setWindowTitle(
            self.tr("Edit the board {0}").format(board.name) if board else self.tr("New board")
        )
        self._tiles: list[dict[str, Any]] = (
            [{"title": t.title, "queue_ids": list(t.queue_ids)} for t in board.tiles]
            if board is not None
            else []
        )
        thresholds = board.thresholds if board is not None else Thresholds()

        self.name_edit = QLineEdit(board.name if board else "")
        self.name_edit.setAccessibleName(self.tr("Board name"))
        self.name_edit.setMaxLength(64)

        self.tile_list = QListWidget()
        self.tile_list.setAccessibleName(self.tr("Tiles"))
        self.add_tile_button = QPushButton(self.tr("Add tile"))
        self.remove_tile_button = QPushButton(self.tr("Remove tile"))
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName(self.tr("Tile title"))
        self.title_edit.setMaxLength(64)
        self.queue_list = QListWidget()
        self.queue_list.setAccessibleName(self.tr("Queues of the tile"))
        for queue_id, name in queues:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, queue_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.queue_list.addItem(item)

        tile_buttons = QHBoxLayout()
        tile_buttons.addWidget(self.add_tile_button)
        tile_buttons.addWidget(self.remove_tile_button)
        tiles_side = QVBoxLayout()
        tiles_side.addWidget(self.tile_list, 1)
        tiles_side.addLayout(tile_buttons)
        tile_form = QFormLayout()
        tile_form.addRow(self.tr("Title"), self.title_edit)
        tile_form.addRow(self.tr("Queues (a group when more than one)"), self.queue_list)
        tiles_box = QGroupBox(self.tr("Tiles"))
        tiles_layout = QHBoxLayout(tiles_box)
        tiles_layout.addLayout(tiles_side, 1)
        tiles_layout.addLayout(tile_form, 2)

        self.wait_amber = _number(thresholds.wait_amber_s, 0, 86_400)
        self.wait_red = _number(thresholds.wait_red_s, 0, 86_400)
        self.waiting_amber = _count(thresholds.waiting_amber)
        self.waiting_red = _count(thresholds.waiting_red)
        self.level_amber = _number(thresholds.service_level_amber_points, 0, 100)
        self.level_red = _number(thresholds.service_level_red_points, 0, 100)
        limits = QGroupBox(self.tr("Amber and red"))
        limits_form = QFormLayout(limits)
        limits_form.addRow(
            self.tr("Longest wait (s): amber at, red at"), _pair(self.wait_amber, self.wait_red)
        )
        limits_form.addRow(
            self.tr("Callers waiting: amber at, red at"),
            _pair(self.waiting_amber, self.waiting_red),
        )
        limits_form.addRow(
            self.tr("Service level below the goal (points): amber beyond, red beyond"),
            _pair(self.level_amber, self.level_red),
        )
        self.per_page = QSpinBox()
        self.per_page.setRange(1, 24)
        self.per_page.setValue(board.tiles_per_page if board else 6)
        self.page_seconds = _number(board.page_seconds if board else 10, 3, 3600)
        pages_form = QFormLayout()
        pages_form.addRow(self.tr("Tiles per page"), self.per_page)
        pages_form.addRow(self.tr("Seconds per page on a TV"), self.page_seconds)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))

        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(tiles_box, 1)
        layout.addWidget(limits)
        layout.addLayout(pages_form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        for tile in self._tiles:
            self.tile_list.addItem(tile["title"])
        self.add_tile_button.clicked.connect(self._on_add_tile)
        self.remove_tile_button.clicked.connect(self._on_remove_tile)
        self.tile_list.currentRowChanged.connect(self._on_tile_chosen)
        self.title_edit.textEdited.connect(self._on_title)
        self.queue_list.itemChanged.connect(self._on_queue_checked)
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)
        if self._tiles:
            self.tile_list.setCurrentRow(0)
        self._show_tile_editing()

    # The tiles

    def _row(self) -> int:
        return self.tile_list.currentRow()

    def _show_tile_editing(self) -> None:
        editing = 0 <= self._row() < len(self._tiles)
        for widget in (self.title_edit, self.queue_list, self.remove_tile_button):
            widget.setEnabled(editing)

    def _on_add_tile(self) -> None:
        self._tiles.append(
            {"title": self.tr("Tile {0}").format(len(self._tiles) + 1), "queue_ids": []}
        )
        self.tile_list.addItem(self._tiles[-1]["title"])
        self.tile_list.setCurrentRow(len(self._tiles) - 1)
        self.title_edit.setFocus()
        self.title_edit.selectAll()

    def _on_remove_tile(self) -> None:
        row = self._row()
        if 0 <= row < len(self._tiles):
            del self._tiles[row]
            self.tile_list.takeItem(row)
        self._show_tile_editing()

    def _on_tile_chosen(self, row: int) -> None:
        self._show_tile_editing()
        if not 0 <= row < len(self._tiles):
            return
        tile = self._tiles[row]
        self.title_edit.setText(tile["title"])
        self.queue_list.blockSignals(True)
        for index in range(self.queue_list.count()):
            item = self.queue_list.item(index)
            chosen = item.data(Qt.ItemDataRole.UserRole) in tile["queue_ids"]
            item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
        self.queue_list.blockSignals(False)

    def _on_title(self, text: str) -> None:
        row = self._row()
        if 0 <= row < len(self._tiles):
            self._tiles[row]["title"] = text
            self.tile_list.item(row).setText(text)

    def _on_queue_checked(self, _item: QListWidgetItem) -> None:
        row = self._row()
        if 0 <= row < len(self._tiles):
            self._tiles[row]["queue_ids"] = [
                self.queue_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.queue_list.count())
                if self.queue_list.item(i).checkState() == Qt.CheckState.Checked
            ]

    def set_tile_queues(self, row: int, queue_ids: list[int]) -> None:
        """Check the queues ``queue_ids`` of the tile in ``row`` (as clicks would)."""
        self.tile_list.setCurrentRow(row)
        for index in range(self.queue_list.count()):
            item = self.queue_list.item(index)
            wanted = item.data(Qt.ItemDataRole.UserRole) in queue_ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    # Saving

    def item(self) -> BoardItem:
        """The board as written; ``ValidationError`` when the server would refuse it."""
        return BoardItem.model_validate(
            {
                "name": self.name_edit.text().strip(),
                "tiles": [dict(tile) for tile in self._tiles],
                "thresholds": {
                    "wait_amber_s": self.wait_amber.value(),
                    "wait_red_s": self.wait_red.value(),
                    "waiting_amber": self.waiting_amber.value(),
                    "waiting_red": self.waiting_red.value(),
                    "service_level_amber_points": self.level_amber.value(),
                    "service_level_red_points": self.level_red.value(),
                },
                "tiles_per_page": self.per_page.value(),
                "page_seconds": self.page_seconds.value(),
            }
        )

    def _on_save(self) -> None:
        try:
            item = self.item()
        except ValidationError as error:
            self.show_error(self._problems(error))
            return
        self.show_error("")
        self.sig_save.emit(self.original, item)

    def _problems(self, error: ValidationError) -> str:
        lines = []
        for problem in error.errors():
            loc = problem["loc"]
            message = problem["msg"].removeprefix("Value error, ")
            if loc and loc[0] == "tiles" and len(loc) > 1:
                where = self.tr("Tile {0}").format(int(loc[1]) + 1)
                field = ".".join(str(part) for part in loc[2:])
                lines.append(f"{where} {field}: {message}".replace(" :", ":"))
            else:
                where = ".".join(str(part) for part in loc) or self.tr("The board")
                lines.append(f"{where}: {message}")
        return "\n".join(lines)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def saved(self) -> None:
        """The server took the board."""
        self.accept()


def _number(value: float, low: float, high: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(0)
    box.setValue(value)
    return box


def _count(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(1, 10_000)
    box.setValue(value)
    return box


def _pair(amber: QWidget, red: QWidget) -> QWidget:
    amber.setAccessibleName(QCoreApplication.translate("BoardEditor", "Amber"))
    red.setAccessibleName(QCoreApplication.translate("BoardEditor", "Red"))
    pair = QWidget()
    layout = QHBoxLayout(pair)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(amber)
    layout.addWidget(red)
    return pair
