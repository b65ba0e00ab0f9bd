"""The call flow in the admin mode (R31): queues, entry points, menus as a tree of keys
and actions with the prompt each node plays, announcement sets and digit collections.

Each is an ``ItemEditor`` of ``config_form``. A reference to another item (a queue's
schedule, a key's menu) is chosen from the names the server has, which the ``NameBook``
holds as the desks load them; a name typed that the server does not know is sent as it
is, and the server's refusal says so on the field.
"""

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from vaxla_desktop.ui.config_form import (
    ChoiceEditor,
    Column,
    Field,
    FieldEditor,
    FlagEditor,
    ItemEditor,
    JsonEditor,
    NumberEditor,
    TableEditor,
    TextEditor,
    in_a_row,
    stacked,
)
from vaxla_protocol.config import DigitKind, Language, Strategy

MENU_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#")


class NameBook(QObject):
    """The items of each kind as the server last listed them, for the editors that
    point at them: ``items["menus"]`` and so on; ``sig_changed`` names the kind."""

    sig_changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: dict[str, list[dict[str, Any]]] = {}

    def set(self, kind: str, items: Sequence[dict[str, Any]]) -> None:
        self.items[kind] = list(items)
        self.sig_changed.emit(kind)

    def names(self, kind: str, key: str = "name") -> list[str]:
        return [str(item.get(key, "")) for item in self.items.get(kind, [])]


class ReferenceEditor(ChoiceEditor):
    """A name of another kind, chosen from the book; ``optional`` allows none."""

    def __init__(self, book: NameBook, kind: str, *, optional: bool = True) -> None:
        super().__init__(optional=optional)
        self.book, self.kind = book, kind
        book.sig_changed.connect(self._on_book)
        self._on_book(kind)

    def _on_book(self, kind: str) -> None:
        if kind == self.kind:
            self.set_choices([(name, name) for name in self.book.names(kind)])


ACTION_TARGETS: dict[str, tuple[str, str] | None] = {
    "menu": ("menu", "menus"),
    "queue": ("queue", "queues"),
    "digits": ("collection", "digit_collections"),
    "message": ("prompt", "prompts"),
    "transfer": ("number", ""),
    "language": ("menu", "menus"),
    "hangup": None,
}
"""What each kind of action points at: its key in the action and the book's kind."""


class ActionEditor(FieldEditor):
    """An action of the call flow: its kind and what it points at (a queue, a menu, a
    prompt, a number). What else the action has (a queue's priority, the action after a
    message) is kept as the server gave it while the kind stays."""

    def __init__(self, book: NameBook, *, optional: bool = True) -> None:
        page = QWidget()
        super().__init__(page)
        self.book = book
        self.optional = optional
        self._original: dict[str, Any] | None = None
        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName(self.tr("What happens"))
        if optional:
            self.kind_box.addItem("—", "")
        for kind, text in (
            ("queue", self.tr("to the queue")),
            ("menu", self.tr("to the menu")),
            ("digits", self.tr("collect digits")),
            ("message", self.tr("play the prompt")),
            ("transfer", self.tr("transfer to the number")),
            ("language", self.tr("switch language to the menu")),
            ("hangup", self.tr("hang up")),
        ):
            self.kind_box.addItem(text, kind)
        self.target_box = QComboBox()
        self.target_box.setEditable(True)
        self.target_box.setAccessibleName(self.tr("To what"))
        layout = QHBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind_box)
        layout.addWidget(self.target_box, 1)
        self.kind_box.activated.connect(self._on_kind)
        self.target_box.currentTextChanged.connect(lambda _text: self.changed.emit())
        book.sig_changed.connect(lambda _kind: self._offer_targets())

    def _kind(self) -> str:
        return str(self.kind_box.currentData() or "")

    def _offer_targets(self) -> None:
        target = ACTION_TARGETS.get(self._kind())
        text = self.target_box.currentText()
        self.target_box.blockSignals(True)
        self.target_box.clear()
        if target is not None and target[1]:
            self.target_box.addItems(self.book.names(target[1]))
        self.target_box.setEditText(text)
        self.target_box.setEnabled(target is not None)
        self.target_box.blockSignals(False)

    def _on_kind(self, _index: int) -> None:
        self._offer_targets()
        self.changed.emit()

    def value(self) -> Any:
        kind = self._kind()
        if not kind:
            return None
        action: dict[str, Any] = {"kind": kind}
        if self._original is not None and self._original.get("kind") == kind:
            action = dict(self._original)
        target = ACTION_TARGETS.get(kind)
        if target is not None:
            action[target[0]] = self.target_box.currentText().strip()
        return action

    def set_value(self, value: Any) -> None:
        self._original = dict(value) if isinstance(value, dict) else None
        kind = "" if self._original is None else str(self._original.get("kind", ""))
        index = self.kind_box.findData(kind)
        if index < 0 and kind:
            self.kind_box.addItem(kind, kind)  # voicemail, callback: shown as they are
            index = self.kind_box.count() - 1
        self.kind_box.setCurrentIndex(max(index, 0))
        target = ACTION_TARGETS.get(kind)
        self._offer_targets()
        self.target_box.blockSignals(True)
        shown = "" if target is None or self._original is None else self._original.get(target[0])
        self.target_box.setEditText("" if shown is None else str(shown))
        self.target_box.blockSignals(False)


def describe_action(editor: QObject, action: dict[str, Any] | None) -> str:
    """An action in a few words, for the menu tree."""
    if action is None:
        return "—"
    kind = str(action.get("kind", ""))
    target = ACTION_TARGETS.get(kind)
    words = {
        "queue": editor.tr("to the queue {0}"),
        "menu": editor.tr("to the menu {0}"),
        "digits": editor.tr("collect digits: {0}"),
        "message": editor.tr("play {0}"),
        "transfer": editor.tr("transfer to {0}"),
        "language": editor.tr("switch language: {0}"),
        "hangup": editor.tr("hang up"),
    }.get(kind, kind)
    text = words.format(action.get(target[0], "")) if target is not None else words
    then = action.get("then")
    if isinstance(then, dict):
        text += editor.tr(", then {0}").format(describe_action(editor, then))
    return text


class KeysEditor(FieldEditor):
    """A menu's keys as a tree: each key, what it does and the prompt it plays; a key
    that goes to another menu opens into that menu's keys (as the server has them). The
    chosen key's action is edited under the tree."""

    def __init__(self, book: NameBook) -> None:
        page = QWidget()
        super().__init__(page)
        self.book = book
        self.keys: dict[str, Any] = {}
        self.root = ""  # the menu whose keys these are: not opened again below them
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("Key"), self.tr("Does"), self.tr("Plays")])
        self.tree.setAccessibleName(self.tr("Keys"))
        self.tree.setMinimumHeight(180)
        self.action = ActionEditor(book, optional=False)
        self.key_box = QComboBox()
        self.key_box.addItems(list(MENU_KEYS))
        self.key_box.setAccessibleName(self.tr("Key to add"))
        self.add_button = QPushButton(self.tr("Add the key"))
        self.remove_button = QPushButton(self.tr("Remove the key"))
        self.chosen_label = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.chosen_label)
        row.addWidget(self.action.widget, 1)
        buttons = in_a_row(self.key_box, self.add_button, self.remove_button)
        stacked(page, self.tree, row, buttons)
        self.tree.currentItemChanged.connect(lambda _now, _before: self._on_chosen())
        self.action.changed.connect(self._on_action_edited)
        self.add_button.clicked.connect(self._on_add)
        self.remove_button.clicked.connect(self._on_remove)
        book.sig_changed.connect(lambda kind: self._draw() if kind == "menus" else None)

    def _chosen_row(self) -> QTreeWidgetItem | None:
        """The key's row of the item chosen (a row under it is a menu it leads to)."""
        item = self.tree.currentItem()
        while item is not None and (parent := item.parent()) is not None:
            item = parent
        return item

    def chosen_key(self) -> str | None:
        item = self._chosen_row()
        key = None if item is None else item.data(0, Qt.ItemDataRole.UserRole)
        return str(key) if key is not None else None

    def choose(self, key: str) -> None:
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == key:
                self.tree.setCurrentItem(item)

    def _plays(self, action: dict[str, Any] | None) -> str:
        if not isinstance(action, dict):
            return ""
        if action.get("kind") == "message":
            return str(action.get("prompt", ""))
        if action.get("kind") in ("menu", "language"):
            menu = self._menu(str(action.get("menu", "")))
            return "" if menu is None else str(menu.get("prompt", ""))
        return ""

    def _menu(self, name: str) -> dict[str, Any] | None:
        return next((m for m in self.book.items.get("menus", []) if m.get("name") == name), None)

    def _add_children(self, parent: QTreeWidgetItem, action: Any, seen: set[str]) -> None:
        """Under a key that goes to a menu, that menu's keys (once: a loop shows once)."""
        if not isinstance(action, dict) or action.get("kind") not in ("menu", "language"):
            return
        name = str(action.get("menu", ""))
        menu = self._menu(name)
        if menu is None or name in seen:
            return
        for key, sub in sorted(menu.get("keys", {}).items(), key=lambda kv: MENU_KEYS.index(kv[0])):
            child = QTreeWidgetItem(parent, [key, describe_action(self, sub), self._plays(sub)])
            child.setForeground(0, self.tree.palette().placeholderText())
            self._add_children(child, sub, seen | {name})

    def show_root(self, name: str) -> None:
        self.root = name
        self._draw()

    def _draw(self) -> None:
        chosen = self.chosen_key()
        self.tree.blockSignals(True)
        self.tree.clear()
        root = self.tree.invisibleRootItem()
        for key in MENU_KEYS:
            if key in self.keys:
                action = self.keys[key]
                item = QTreeWidgetItem(
                    root, [key, describe_action(self, action), self._plays(action)]
                )
                item.setData(0, Qt.ItemDataRole.UserRole, key)
                self._add_children(item, action, {self.root})
        self.tree.expandAll()
        for column in range(3):
            self.tree.resizeColumnToContents(column)
        self.tree.blockSignals(False)
        if chosen is not None:
            self.choose(chosen)
        self._on_chosen()

    def _on_chosen(self) -> None:
        key = self.chosen_key()
        self.action.widget.setEnabled(key is not None)
        self.remove_button.setEnabled(key is not None)
        self.chosen_label.setText(
            self.tr("Key {0}:").format(key) if key else self.tr("No key chosen")
        )
        self.action.blockSignals(True)
        self.action.set_value(self.keys.get(key) if key else None)
        self.action.blockSignals(False)

    def _on_action_edited(self) -> None:
        key = self.chosen_key()
        if key is not None:
            self.keys[key] = self.action.value()
            item = self._chosen_row()
            if item is not None:
                item.setText(1, describe_action(self, self.keys[key]))
                item.setText(2, self._plays(self.keys[key]))
            self.changed.emit()

    def _on_add(self) -> None:
        key = self.key_box.currentText()
        if key not in self.keys:
            self.keys[key] = {"kind": "hangup"}
            self._draw()
            self.changed.emit()
        self.choose(key)
        self.action.kind_box.setFocus()

    def _on_remove(self) -> None:
        key = self.chosen_key()
        if key is not None:
            del self.keys[key]
            self._draw()
            self.changed.emit()

    def value(self) -> Any:
        return dict(self.keys)

    def set_value(self, value: Any) -> None:
        self.keys = dict(value or {})
        self.tree.clearSelection()
        self.tree.clear()
        self._draw()


def _seconds(high: float = 86400, *, optional: bool = False) -> Callable[[], FieldEditor]:
    return lambda: NumberEditor(decimals=1, high=high, suffix=" s", optional=optional)


class QueueEditor(ItemEditor):
    """The queues (``/config/queues``): distribution, tiers, service goal and the call
    flow in the queue, overflow included."""

    def __init__(self, book: NameBook, parent: QWidget | None = None) -> None:
        self.book = book
        super().__init__(template={"name": "", "strategy": "longest_idle"}, parent=parent)

    def make_fields(self) -> list[Field]:
        book = self.book
        action = lambda: ActionEditor(book)  # noqa: E731
        return [
            Field("name", self.tr("Name"), TextEditor),
            Field(
                "strategy",
                self.tr("Strategy"),
                lambda: ChoiceEditor([(s.value, s.value.replace("_", " ")) for s in Strategy]),
            ),
            Field("requirements", self.tr("Skills required"), self._levels, words=("requirement",)),
            Field(
                "max_penalty",
                self.tr("Tiers that ring"),
                lambda: NumberEditor(optional=True, high=10_000),
                words=("penalty",),
            ),
            Field(
                "expansion",
                self.tr("Widening (tiers added after a wait)"),
                lambda: TableEditor(
                    [
                        Column("after_s", self.tr("After (s)"), number=True),
                        Column("max_penalty", self.tr("Tiers"), number=True),
                        Column("relax", self.tr("Skill levels relaxed"), number=True),
                    ]
                ),
            ),
            Field(
                "service_goal.percent",
                self.tr("Service goal (%)"),
                lambda: NumberEditor(decimals=1, high=1000),
                words=("service goal percent", "percent"),
            ),
            Field(
                "service_goal.within_s", self.tr("Answered within"), _seconds(), words=("within",)
            ),
            Field(
                "ring_timeout_s",
                self.tr("Ring an agent (RONA after)"),
                _seconds(),
                words=("ring timeout",),
            ),
            Field(
                "autopause",
                self.tr("After a missed call"),
                lambda: FlagEditor(self.tr("pause the agent")),
            ),
            Field("wrap_up_s", self.tr("Wrap-up"), _seconds(), words=("wrap-up", "wrap up")),
            Field(
                "sticky_agent_s", self.tr("Same agent again within"), _seconds(), words=("sticky",)
            ),
            Field(
                "exclusion_s",
                self.tr("Not the same agent again for"),
                _seconds(),
                words=("exclusion",),
            ),
            Field("weight", self.tr("Weight"), lambda: NumberEditor(low=-1_000_000)),
            Field(
                "flow.announcements",
                self.tr("Announcements"),
                lambda: ReferenceEditor(book, "announcement_sets"),
                words=("announcement set",),
            ),
            Field(
                "flow.schedule",
                self.tr("Opening hours"),
                lambda: ReferenceEditor(book, "schedules"),
                words=("schedule",),
            ),
            Field("flow.on_closed", self.tr("When closed"), action, words=("on_closed",)),
            Field(
                "flow.on_nobody_logged_in",
                self.tr("When nobody is logged in"),
                action,
                words=("on_nobody_logged_in",),
            ),
            Field(
                "flow.max_wait_s",
                self.tr("Longest wait"),
                _seconds(optional=True),
                words=("max_wait_s",),
            ),
            Field("flow.on_max_wait", self.tr("Then overflow to"), action, words=("on_max_wait",)),
            Field(
                "flow.max_length",
                self.tr("Most callers waiting"),
                lambda: NumberEditor(optional=True, high=100_000),
                words=("max_length",),
            ),
            Field(
                "flow.on_max_length", self.tr("Beyond that, to"), action, words=("on_max_length",)
            ),
            Field("escalation", self.tr("Priority raised while waiting"), JsonEditor),
        ]

    def _levels(self) -> FieldEditor:
        return TableEditor(
            [Column("skill", self.tr("Skill")), Column("level", self.tr("Level"), number=True)],
            mapping=True,
        )


class EntryPointEditor(ItemEditor):
    """The entry points (``/config/entry-points``): the number callers dial and where
    they go, open or closed."""

    def __init__(self, book: NameBook, parent: QWidget | None = None) -> None:
        self.book = book
        template = {"address": "", "name": "", "language": "sv", "first": {"kind": "hangup"}}
        super().__init__(
            key="address",
            template=template,
            title=lambda item: f"{item.get('address')}  {item.get('name')}",
            parent=parent,
        )

    def make_fields(self) -> list[Field]:
        book = self.book
        return [
            Field("address", self.tr("Number"), TextEditor, words=("address",)),
            Field("name", self.tr("Name"), TextEditor),
            Field("language", self.tr("Language"), _languages),
            Field("schedule", self.tr("Opening hours"), lambda: ReferenceEditor(book, "schedules")),
            Field(
                "welcome_prompt",
                self.tr("Welcome"),
                lambda: ReferenceEditor(book, "prompts"),
                words=("welcome",),
            ),
            Field(
                "first",
                self.tr("Then"),
                lambda: ActionEditor(book, optional=False),
                words=("first",),
            ),
            Field(
                "when_closed",
                self.tr("When closed"),
                lambda: ActionEditor(book),
                words=("when closed",),
            ),
            Field(
                "when_nobody_logged_in",
                self.tr("When nobody is logged in"),
                lambda: ActionEditor(book),
            ),
        ]


def _languages() -> FieldEditor:
    return ChoiceEditor([(language.value, language.value) for language in Language])


class MenuEditor(ItemEditor):
    """The menus (``/config/menus``), one per language, each a tree of keys."""

    def __init__(self, book: NameBook, parent: QWidget | None = None) -> None:
        self.book = book
        template = {"name": "", "language": "sv", "prompt": "", "keys": {}}
        super().__init__(
            template=template,
            title=lambda item: f"{item.get('name')} ({item.get('language')})",
            parent=parent,
        )

    def make_fields(self) -> list[Field]:
        book = self.book
        self.keys_editor = KeysEditor(book)
        return [
            Field("name", self.tr("Name"), TextEditor),
            Field("language", self.tr("Language"), _languages),
            Field(
                "prompt",
                self.tr("Plays"),
                lambda: ReferenceEditor(book, "prompts", optional=False),
                words=("prompt",),
            ),
            Field("keys", self.tr("Keys"), lambda: self.keys_editor, words=("key",)),
            Field("timeout_s", self.tr("Wait for a key"), _seconds(60), words=("timeout",)),
            Field("retries", self.tr("Tries again"), lambda: NumberEditor(high=100)),
            Field(
                "invalid_prompt",
                self.tr("On a wrong key, play"),
                lambda: ReferenceEditor(book, "prompts", optional=False),
                words=("invalid_prompt",),
            ),
            Field(
                "on_timeout",
                self.tr("When no key comes"),
                lambda: ActionEditor(book, optional=False),
                words=("on_timeout",),
            ),
        ]

    def shown(self, item: dict[str, Any]) -> None:
        self.keys_editor.show_root(str(item.get("name", "")))


class AnnouncementSetEditor(ItemEditor):
    """The announcement sets (``/config/announcement-sets``) queues play to callers."""

    def __init__(self, book: NameBook, parent: QWidget | None = None) -> None:
        self.book = book
        super().__init__(parent=parent)

    def make_fields(self) -> list[Field]:
        book = self.book
        return [
            Field("name", self.tr("Name"), TextEditor),
            Field("first", self.tr("First"), lambda: ReferenceEditor(book, "prompts")),
            Field(
                "periodic",
                self.tr("Then in turn"),
                lambda: TableEditor([Column("prompt", self.tr("Prompt"))], plain=True),
            ),
            Field("periodic_interval_s", self.tr("Every"), _seconds(), words=("interval",)),
            Field(
                "announce_position",
                self.tr("Position"),
                lambda: FlagEditor(self.tr("tell the caller's place in the queue")),
            ),
            Field(
                "announce_wait",
                self.tr("Wait"),
                lambda: FlagEditor(self.tr("tell the expected wait")),
            ),
            Field(
                "announce_agents_answering",
                self.tr("Agents"),
                lambda: FlagEditor(self.tr("tell how many agents answer")),
            ),
        ]


class DigitCollectionEditor(ItemEditor):
    """The digit collections (``/config/digit-collections``): customer numbers,
    personnummer and the like, collected with a prompt and checked."""

    def __init__(self, book: NameBook, parent: QWidget | None = None) -> None:
        self.book = book
        super().__init__(
            template={"name": "", "kind": "customer_number", "prompt": ""}, parent=parent
        )

    def make_fields(self) -> list[Field]:
        book = self.book
        return [
            Field("name", self.tr("Name"), TextEditor),
            Field(
                "kind",
                self.tr("Digits of"),
                lambda: ChoiceEditor([(k.value, k.value.replace("_", " ")) for k in DigitKind]),
            ),
            Field(
                "prompt",
                self.tr("Asks with"),
                lambda: ReferenceEditor(book, "prompts", optional=False),
                words=("prompt",),
            ),
            Field(
                "min_length",
                self.tr("At least"),
                lambda: NumberEditor(optional=True, high=100),
                words=("min_length",),
            ),
            Field(
                "max_length",
                self.tr("At most"),
                lambda: NumberEditor(optional=True, high=100),
                words=("max_length",),
            ),
            Field(
                "luhn",
                self.tr("Check digit"),
                lambda: FlagEditor(self.tr("the last digit is a Luhn check digit")),
            ),
            Field(
                "allow_samordningsnummer",
                self.tr("Samordningsnummer"),
                lambda: FlagEditor(self.tr("taken as a personnummer")),
            ),
            Field("retries", self.tr("Tries again"), lambda: NumberEditor(high=100)),
            Field(
                "invalid_prompt",
                self.tr("When wrong, play"),
                lambda: ReferenceEditor(book, "prompts", optional=False),
                words=("invalid_prompt",),
            ),
            Field(
                "on_failure_menu",
                self.tr("After the last try, to the menu"),
                lambda: ReferenceEditor(book, "menus"),
                words=("on_failure_menu",),
            ),
        ]
