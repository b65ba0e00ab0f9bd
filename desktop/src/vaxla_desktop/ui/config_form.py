"""The admin mode's editors (R31) share this: a list of one kind's items beside a form
made from field descriptions, with save (Ctrl+S), revert (Esc), new and delete, the form's
dirty state, and the server's refusal shown on the field it is about, in words.

The editor never talks to the server and never checks a value itself: it asks with
``sig_save`` / ``sig_delete`` and shows what the server answered (:meth:`ItemEditor.show_items`,
:meth:`ItemEditor.show_refusal`), so nothing the server refuses is ever shown as saved.

A field is a ``Field``: where its value is in the item (``service_goal.percent`` for a
nested one), its label, and a ``FieldEditor`` made for it. An item keeps every value the
form has no field for, so an editor may show a part of a kind and lose nothing.
"""

import copy
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.ui.notices import PROBLEM_COLOUR, Notices

SAVE_KEY = "Ctrl+S"
REVERT_KEY = "Esc"
NEW_KEY = "Ctrl+N"

Item = dict[str, Any]


def in_a_row(*widgets: QWidget) -> QHBoxLayout:
    """Widgets side by side from the left (buttons under a table)."""
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row


def stacked(page: QWidget, *parts: QWidget | QHBoxLayout) -> QVBoxLayout:
    """``page``'s parts one under the other, without margins (a field's editor)."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, QWidget):
            layout.addWidget(part)
        else:
            layout.addLayout(part)
    return layout


class FieldEditor(QObject):
    """One value of an item in a widget: ``value`` reads it, ``set_value`` shows it,
    ``changed`` fires on every edit the user makes."""

    changed = Signal()

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class TextEditor(FieldEditor):
    """A line of text; ``optional`` makes an empty line ``None`` (no schedule, ...)."""

    def __init__(self, *, optional: bool = False) -> None:
        line = QLineEdit()
        super().__init__(line)
        self.line = line
        self.optional = optional
        self.line.textEdited.connect(self.changed)

    def value(self) -> Any:
        text = self.line.text()
        return None if self.optional and not text.strip() else text

    def set_value(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))


class SecretEditor(TextEditor):
    """A password: never shown, and ``None`` (the stored one stays) unless one is typed.
    ``show_stored`` says in the empty line whether the server keeps one."""

    def __init__(self) -> None:
        super().__init__(optional=True)
        self.line.setEchoMode(QLineEdit.EchoMode.Password)

    def show_stored(self, stored: bool) -> None:
        self.line.setPlaceholderText(
            self.tr("unchanged (one is stored)") if stored else self.tr("none stored")
        )


class NumberEditor(FieldEditor):
    """A whole number or a decimal one, as the spin box allows; ``optional`` adds a first
    step that means no value (shown as ``none_text``)."""

    def __init__(
        self,
        *,
        decimals: int = 0,
        low: float = 0,
        high: float = 1_000_000,
        suffix: str = "",
        optional: bool = False,
        none_text: str = "—",
    ) -> None:
        # The range is the widget's, wide enough for what the server may refuse: the
        # server says what is allowed, the form does not decide.
        box: QSpinBox | QDoubleSpinBox
        bottom = low - 1 if optional else low  # one step below: "no value"
        if decimals:
            box = QDoubleSpinBox()
            box.setDecimals(decimals)
            box.setRange(bottom, high)
        else:
            box = QSpinBox()
            box.setRange(int(bottom), int(high))
        super().__init__(box)
        self.box = box
        self.optional = optional
        if optional:
            self.box.setSpecialValueText(none_text)
        if suffix:
            self.box.setSuffix(suffix)
        self.box.setKeyboardTracking(True)
        self.box.valueChanged.connect(lambda _value: self.changed.emit())

    def value(self) -> Any:
        value = self.box.value()
        if self.optional and value == self.box.minimum():
            return None
        return value

    def set_value(self, value: Any) -> None:
        self.box.blockSignals(True)
        # No value: "none" where that is allowed, else 0 (a new item's number).
        empty = self.box.minimum() if self.optional else max(0, self.box.minimum())
        shown: Any = empty if value is None else value
        self.box.setValue(shown)
        self.box.blockSignals(False)


class FlagEditor(FieldEditor):
    def __init__(self, text: str = "") -> None:
        check = QCheckBox(text)
        super().__init__(check)
        self.check = check
        self.check.toggled.connect(lambda _on: self.changed.emit())

    def value(self) -> Any:
        return self.check.isChecked()

    def set_value(self, value: Any) -> None:
        self.check.blockSignals(True)
        self.check.setChecked(bool(value))
        self.check.blockSignals(False)


class ChoiceEditor(FieldEditor):
    """One of ``choices`` (value, shown text); ``optional`` adds "none" first. The choices
    can change after the form is made (the queues one may point to, loaded later)."""

    def __init__(
        self,
        choices: Sequence[tuple[str, str]] = (),
        *,
        optional: bool = False,
        none_text: str = "—",
    ) -> None:
        combo = QComboBox()
        super().__init__(combo)
        self.combo = combo
        self.optional = optional
        self.none_text = none_text
        self._value: Any = None
        self.set_choices(choices)
        self.combo.activated.connect(self._on_chosen)

    def set_choices(self, choices: Sequence[tuple[str, str]]) -> None:
        kept = self._value
        self.combo.blockSignals(True)
        self.combo.clear()
        if self.optional:
            self.combo.addItem(self.none_text, None)
        for value, text in choices:
            self.combo.addItem(text, value)
        self.combo.blockSignals(False)
        self.set_value(kept)

    def _on_chosen(self, index: int) -> None:
        self._value = self.combo.itemData(index)
        self.changed.emit()

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        self._value = value
        index = self.combo.findData(value)
        if index < 0 and value is not None:
            # A value the list does not know (yet): shown as it is, kept as it is.
            self.combo.addItem(str(value), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(max(index, 0))


class JsonEditor(FieldEditor):
    """Any value as JSON text, for the parts of a kind without a form of their own (an
    action, the expansion steps). Text that is not JSON is sent as the text itself, so
    the server's refusal says what is wrong with it."""

    def __init__(self, *, lines: int = 4) -> None:
        text = QPlainTextEdit()
        super().__init__(text)
        self.text = text
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(22 * lines)
        self.text.textChanged.connect(self.changed)

    def value(self) -> Any:
        text = self.text.toPlainText().strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return text

    def set_value(self, value: Any) -> None:
        self.text.blockSignals(True)
        self.text.setPlainText("" if value is None else json.dumps(value, ensure_ascii=False))
        self.text.blockSignals(False)


@dataclass(frozen=True)
class Column:
    """A column of a ``TableEditor``: the key in each row, its heading, and ``number``
    for a value sent as a number when it reads as one (else as the text, for the server
    to refuse). An empty cell leaves the key out: the server's default."""

    key: str
    label: str
    number: bool = False


class TableEditor(FieldEditor):
    """A list of small items as table rows (a queue's expansion steps, an agent's
    memberships); ``mapping`` makes the two columns a mapping (skills to levels),
    ``plain`` the one column a list of its values (prompt names). Rows are added and
    removed with the buttons under it."""

    def __init__(
        self, columns: Sequence[Column], *, mapping: bool = False, plain: bool = False
    ) -> None:
        page = QWidget()
        super().__init__(page)
        self.columns = list(columns)
        self.mapping = mapping
        self.plain = plain
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels([column.label for column in self.columns])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setTabKeyNavigation(False)
        self.table.setMaximumHeight(140)
        self.add_button = QPushButton(self.tr("Add a row"))
        self.remove_button = QPushButton(self.tr("Remove the row"))
        stacked(page, self.table, in_a_row(self.add_button, self.remove_button))
        self.add_button.clicked.connect(self._on_add)
        self.remove_button.clicked.connect(self._on_remove)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())

    def _on_add(self) -> None:
        self.table.blockSignals(True)
        self.table.insertRow(self.table.rowCount())
        for column in range(len(self.columns)):
            self.table.setItem(self.table.rowCount() - 1, column, QTableWidgetItem(""))
        self.table.blockSignals(False)
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        self.table.setFocus()
        self.changed.emit()

    def _on_remove(self) -> None:
        if self.table.currentRow() >= 0:
            self.table.removeRow(self.table.currentRow())
            self.changed.emit()

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for row in range(self.table.rowCount()):
            values: dict[str, Any] = {}
            for index, column in enumerate(self.columns):
                cell = self.table.item(row, index)
                text = "" if cell is None else cell.text().strip()
                if text:
                    values[column.key] = _number(text) if column.number else text
            rows.append(values)
        return rows

    def value(self) -> Any:
        if self.plain:
            return [row.get(self.columns[0].key, "") for row in self.rows()]
        if not self.mapping:
            return self.rows()
        first, second = self.columns[0].key, self.columns[1].key
        return {str(row.get(first, "")): row.get(second) for row in self.rows()}

    def set_value(self, value: Any) -> None:
        if self.mapping:
            first, second = self.columns[0].key, self.columns[1].key
            rows = [{first: key, second: level} for key, level in (value or {}).items()]
        elif self.plain:
            rows = [{self.columns[0].key: one} for one in value or []]
        else:
            rows = list(value or [])
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for values in rows:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for index, column in enumerate(self.columns):
                shown = values.get(column.key)
                self.table.setItem(
                    row, index, QTableWidgetItem("" if shown is None else str(shown))
                )
        self.table.blockSignals(False)


def _number(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


@dataclass(frozen=True)
class Field:
    """Where a value is in the item (dots for a nested one), its label, its editor, and
    other words the server's sentences use for it (``wrap-up``)."""

    key: str
    label: str
    make: Callable[[], FieldEditor]
    words: tuple[str, ...] = ()

    def names(self) -> list[str]:
        """How a server's sentence may name this field, longest first."""
        last = self.key.rsplit(".", 1)[-1]
        names = {
            self.key,
            self.key.replace(".", " ").replace("_", " "),
            last,
            last.replace("_", " "),
            *self.words,
        }
        return sorted(names, key=len, reverse=True)


def read_value(item: Item, key: str) -> Any:
    value: Any = item
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _has(item: Item, key: str) -> bool:
    holder: Any = item
    for part in key.split("."):
        if not isinstance(holder, dict) or part not in holder:
            return False
        holder = holder[part]
    return True


def write_value(item: Item, key: str, value: Any) -> None:
    parts = key.split(".")
    holder = item
    for part in parts[:-1]:
        if not isinstance(holder.get(part), dict):
            holder[part] = {}
        holder = holder[part]
    holder[parts[-1]] = value


def place_problems(
    fields: Sequence[Field], detail: str, problems: Sequence[tuple[str, str]]
) -> tuple[dict[str, list[str]], list[str]]:
    """The server's refusal by field: a 422's problems by their place in the body, a
    400's sentence on the field it names first; what names no field goes to the form."""
    by_field: dict[str, list[str]] = {}
    rest: list[str] = []
    keys = sorted((field.key for field in fields), key=len, reverse=True)
    for where, message in problems:
        key = next((k for k in keys if where == k or where.startswith(k + ".")), None)
        if key is None:
            rest.append(f"{where}: {message}" if where else message)
        else:
            by_field.setdefault(key, []).append(message)
    if not problems and detail:
        found = _named_field(fields, detail)
        if found is None:
            rest.append(detail)
        else:
            by_field.setdefault(found, []).append(detail)
    return by_field, rest


def _named_field(fields: Sequence[Field], sentence: str) -> str | None:
    """The field the sentence names earliest (the longest of its names at that place)."""
    best: tuple[int, int, str] | None = None
    for field in fields:
        for name in field.names():
            match = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", sentence, re.IGNORECASE)
            if match is not None:
                candidate = (match.start(), -len(name), field.key)
                if best is None or candidate < best:
                    best = candidate
    return None if best is None else best[2]


class ItemEditor(QWidget, Notices):
    """One kind's items, listed by ``key``, and the form for the chosen one.

    ``sig_save`` carries the key the item was loaded under (``""`` for a new one) and the
    item as the form has it; ``sig_delete`` the key; ``sig_reload`` asks for the list."""

    sig_save = Signal(str, dict)
    sig_delete = Signal(str)
    sig_reload = Signal()

    def __init__(
        self,
        fields: Sequence[Field] | None = None,
        *,
        key: str = "name",
        template: Item | None = None,
        title: Callable[[Item], str] | None = None,
        may_add: bool = True,
        may_delete: bool = True,
        fixed_on_existing: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._make_notices()
        self.fields = list(fields if fields is not None else self.make_fields())
        self.key = key
        self.template: Item = template if template is not None else {key: ""}
        self.title = title or (lambda item: str(item.get(key, "")))
        self.fixed_on_existing = set(fixed_on_existing)
        self.items: dict[str, Item] = {}
        self.loaded_key: str | None = None  # None: a new item
        self.base: Item = copy.deepcopy(self.template)
        self.editors: dict[str, FieldEditor] = {}
        self.problem_labels: dict[str, QLabel] = {}

        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Items"))
        self.list.currentItemChanged.connect(self._on_chosen)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field in self.fields:
            editor = field.make()
            editor.widget.setAccessibleName(field.label)
            editor.changed.connect(self._on_edited)
            problem = QLabel()
            problem.setStyleSheet(f"color: {PROBLEM_COLOUR};")
            problem.setWordWrap(True)
            problem.setTextFormat(Qt.TextFormat.PlainText)
            problem.hide()
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.setSpacing(2)
            cell_layout.addWidget(editor.widget)
            cell_layout.addWidget(problem)
            label = QLabel(field.label)
            label.setBuddy(editor.widget)
            form.addRow(label, cell)
            self.editors[field.key] = editor
            self.problem_labels[field.key] = problem

        self.new_button = QPushButton(self.tr("New"))
        self.new_button.setToolTip(self.tr("A new item ({0})").format(NEW_KEY))
        self.new_button.setVisible(may_add)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setToolTip(self.tr("Send to the server ({0})").format(SAVE_KEY))
        self.revert_button = QPushButton(self.tr("Revert"))
        self.revert_button.setToolTip(
            self.tr("Back to what the server has ({0})").format(REVERT_KEY)
        )
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setVisible(may_delete)
        self.state_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.state_label, 1)
        for button in (self.new_button, self.delete_button, self.revert_button, self.save_button):
            buttons.addWidget(button)

        form_page = QWidget()
        form_layout = QVBoxLayout(form_page)
        form_layout.addLayout(form)
        form_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_page)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(scroll, 1)
        right_layout.addWidget(self.message_label)
        right_layout.addWidget(self.note_label)
        right_layout.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.new_button.clicked.connect(self._on_new)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.delete_button.clicked.connect(self._on_delete)
        for sequence, act in (
            (SAVE_KEY, self.save),
            (REVERT_KEY, self.revert),
            (NEW_KEY, self._on_new),
        ):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(act)
        self.start_new()

    def make_fields(self) -> list[Field]:
        """The form's fields, for an editor of one kind that makes its own (with its
        texts translated: the widget exists when this is called)."""
        raise NotImplementedError

    # What the server has

    def show_items(self, items: Sequence[Item], *, choose: str | None = None) -> None:
        """The kind's items as the server has them; the form keeps an unsaved edit, else
        shows ``choose`` (or the item it showed, or the first)."""
        self.items = {str(item[self.key]): item for item in items}
        wanted = choose if choose is not None else self.loaded_key
        self.list.blockSignals(True)
        self.list.clear()
        for key, item in self.items.items():
            entry = QListWidgetItem(self.title(item))
            entry.setData(Qt.ItemDataRole.UserRole, key)
            self.list.addItem(entry)
        self.list.blockSignals(False)
        if self.dirty and choose is None:
            return
        if wanted not in self.items:
            wanted = next(iter(self.items), None)
        if wanted is None:
            self.start_new()
        else:
            self.choose(wanted)

    def choose(self, key: str) -> None:
        self.loaded_key = key
        self.base = copy.deepcopy(self.items[key])
        for field in self.fields:  # what the server does not answer (a password): unset
            if not _has(self.base, field.key):
                write_value(self.base, field.key, None)
        self._select(key)
        self._show(self.base)

    def show_refusal(self, detail: str, problems: Sequence[tuple[str, str]] = ()) -> None:
        """The server said no: each problem under its field, the rest under the form."""
        self._clear_problems()
        by_field, rest = place_problems(self.fields, detail, problems)
        for key, messages in by_field.items():
            label = self.problem_labels[key]
            label.setText("\n".join(messages))
            label.show()
        first = next((self.editors[f.key].widget for f in self.fields if f.key in by_field), None)
        if first is not None:
            first.setFocus()
        self.show_error(
            "\n".join(rest)
            if rest
            else self.tr("The server refused the change; nothing was saved.")
        )

    # The form

    @property
    def dirty(self) -> bool:
        return self.form_item() != self.base

    def form_item(self) -> Item:
        """The item as the form has it: the loaded one with every field's value."""
        item = copy.deepcopy(self.base)
        for field in self.fields:
            write_value(item, field.key, self.editors[field.key].value())
        return item

    def save(self) -> None:
        if self.save_button.isEnabled():
            self.show_note(self.tr("Saving…"))
            self.sig_save.emit(self.loaded_key or "", self.form_item())

    def revert(self) -> None:
        self._show(self.base)

    def start_new(self) -> None:
        self.loaded_key = None
        self.base = copy.deepcopy(self.template)
        self.list.clearSelection()
        self._show(self.base)
        self.base = self.form_item()  # the template as the form holds it: not an edit
        self._show_state()
        if self.fields and self.isVisible():  # a tab not shown takes no focus from the one shown
            self.editors[self.fields[0].key].widget.setFocus()

    def saved(self, key: str) -> None:
        """The server took the item: it is what the form shows now, not an edit."""
        self.loaded_key = key
        self.base = self.form_item()
        self._show(self.base)

    def _show(self, item: Item) -> None:
        for field in self.fields:
            editor = self.editors[field.key]
            editor.blockSignals(True)
            editor.set_value(copy.deepcopy(read_value(item, field.key)))
            editor.blockSignals(False)
            editor.widget.setEnabled(
                not (self.loaded_key is not None and field.key in self.fixed_on_existing)
            )
        self._clear_problems()
        self.show_error("")
        self.show_note("")
        self._show_state()
        self.shown(item)

    def shown(self, item: Item) -> None:
        """``item`` is in the form now (an editor whose widgets need more of it)."""

    def _clear_problems(self) -> None:
        for label in self.problem_labels.values():
            label.clear()
            label.hide()

    def _on_edited(self) -> None:
        self.show_note("")
        self._show_state()

    def _show_state(self) -> None:
        dirty = self.dirty
        self.save_button.setEnabled(dirty or self.loaded_key is None)
        self.revert_button.setEnabled(dirty)
        self.delete_button.setEnabled(self.loaded_key is not None)
        if self.loaded_key is None:
            self.state_label.setText(self.tr("New, not saved"))
        elif dirty:
            self.state_label.setText(self.tr("Changed, not saved"))
        else:
            self.state_label.setText(self.tr("As saved on the server"))

    def _on_chosen(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is None:
            return
        if self._keeping_edits():
            self._select(self.loaded_key)
            return
        self.choose(current.data(Qt.ItemDataRole.UserRole))

    def _on_new(self) -> None:
        if not self._keeping_edits():
            self.start_new()

    def _keeping_edits(self) -> bool:
        """An unsaved edit is not dropped by choosing another item: said, and kept."""
        if not self.dirty:
            return False
        self.show_error(
            self.tr("Save ({0}) or revert ({1}) the changes first.").format(SAVE_KEY, REVERT_KEY)
        )
        return True

    def _select(self, key: str | None) -> None:
        self.list.blockSignals(True)
        self.list.clearSelection()
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.list.setCurrentRow(row)
        self.list.blockSignals(False)

    def _on_delete(self) -> None:
        if self.loaded_key is not None:
            self.sig_delete.emit(self.loaded_key)
