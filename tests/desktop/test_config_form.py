"""The admin mode's editor framework offscreen: a form from fields, the dirty state,
Ctrl+S and Esc, a refusal placed on the field the server named (a 422's places and a
400's sentence), what names no field shown under the form, values without a field kept."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTabWidget
from pytestqt.qtbot import QtBot

from tests.shots import keep_shot
from vaxla_desktop.ui.config_form import (
    ChoiceEditor,
    Field,
    FlagEditor,
    ItemEditor,
    JsonEditor,
    NumberEditor,
    TextEditor,
    place_problems,
)

FIELDS = [
    Field("name", "Name", TextEditor),
    Field(
        "strategy",
        "Strategy",
        lambda: ChoiceEditor([("ring_all", "Ring all"), ("longest_idle", "Longest idle")]),
    ),
    Field("wrap_up_s", "Wrap-up", lambda: NumberEditor(decimals=1, high=3600), words=("wrap-up",)),
    Field("service_goal.percent", "Service goal", lambda: NumberEditor(decimals=1, high=1000)),
    Field("max_penalty", "Max penalty", lambda: NumberEditor(optional=True)),
    Field("autopause", "Pause after a missed call", FlagEditor),
    Field("expansion", "Expansion", JsonEditor),
]
SUPPORT = {
    "name": "Support",
    "strategy": "longest_idle",
    "wrap_up_s": 10.0,
    "service_goal": {"percent": 80.0, "within_s": 20.0},
    "max_penalty": None,
    "autopause": True,
    "expansion": [{"after_s": 30.0, "relax": 1, "max_penalty": None}],
    "flow": {"schedule": "office"},
}


def editor(qtbot: QtBot) -> ItemEditor:
    widget = ItemEditor(FIELDS, template={"name": "", "strategy": "longest_idle"})
    qtbot.addWidget(widget)
    widget.resize(800, 500)
    widget.show_items([SUPPORT, {**SUPPORT, "name": "Sales"}])
    widget.show()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    return widget


def test_a_loaded_item_is_shown_edited_saved_by_keyboard_and_reverted(qtbot: QtBot) -> None:
    widget = editor(qtbot)
    assert widget.loaded_key == "Support" and not widget.dirty
    assert widget.state_label.text() == "As saved on the server"
    assert not widget.save_button.isEnabled() and not widget.revert_button.isEnabled()
    assert widget.form_item() == SUPPORT  # the flow, without a field, is kept
    spin = widget.editors["wrap_up_s"].widget
    spin.setFocus()
    spin.selectAll()  # type: ignore[attr-defined]
    QTest.keyClicks(spin, "25")
    assert widget.dirty and widget.state_label.text() == "Changed, not saved"
    with qtbot.waitSignal(widget.sig_save) as save:
        QTest.keyClick(spin, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    key, item = save.args
    assert key == "Support" and item["wrap_up_s"] == 25.0
    assert item["flow"] == {"schedule": "office"} and item["service_goal"]["within_s"] == 20.0
    QTest.keyClick(spin, Qt.Key.Key_Escape)
    assert not widget.dirty and widget.form_item() == SUPPORT


def test_a_refusal_is_shown_on_the_field_it_names(qtbot: QtBot) -> None:
    widget = editor(qtbot)
    widget.show_refusal(
        "detail", [("service_goal.percent", "Input should be less than or equal to 100")]
    )
    label = widget.problem_labels["service_goal.percent"]
    assert label.isVisibleTo(widget) and "less than or equal to 100" in label.text()
    assert widget.message_label.text() == "The server refused the change; nothing was saved."
    widget.show_refusal("unknown strategy 'fastest'; strategies: ring_all, longest_idle")
    assert not label.isVisibleTo(widget)
    assert "unknown strategy" in widget.problem_labels["strategy"].text()
    widget.show_refusal("a queue named 'Sales' exists already")
    assert widget.message_label.text() == "a queue named 'Sales' exists already"
    assert not any(label.isVisibleTo(widget) for label in widget.problem_labels.values())


def test_problems_by_place_and_by_the_words_of_a_sentence() -> None:
    assert place_problems(FIELDS, "", [("expansion.0.after_s", "too small"), ("x", "y")]) == (
        {"expansion": ["too small"]},
        ["x: y"],
    )
    assert place_problems(FIELDS, "queue 'S': wrap-up must be 0 or more", []) == (
        {"wrap_up_s": ["queue 'S': wrap-up must be 0 or more"]},
        [],
    )


def test_a_new_item_starts_from_the_template_and_optional_numbers_are_none(qtbot: QtBot) -> None:
    widget = editor(qtbot)
    QTest.keyClick(widget.list, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert widget.loaded_key is None and widget.state_label.text() == "New, not saved"
    assert widget.form_item()["max_penalty"] is None
    assert widget.form_item()["wrap_up_s"] == 0.0  # a number without a value: 0
    assert widget.save_button.isEnabled() and not widget.delete_button.isEnabled()
    keep_shot(widget, "admin-form.png")


def test_an_unsaved_edit_is_kept_when_another_item_is_chosen(qtbot: QtBot) -> None:
    widget = editor(qtbot)
    name = widget.editors["name"].widget
    name.setFocus()
    QTest.keyClicks(name, " AB")
    widget.list.setCurrentRow(1)  # Sales
    assert widget.loaded_key == "Support" and widget.form_item()["name"] == "Support AB"
    assert widget.message_label.text() == "Save (Ctrl+S) or revert (Esc) the changes first."
    QTest.keyClick(name, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert widget.loaded_key == "Support" and widget.dirty
    QTest.keyClick(name, Qt.Key.Key_Escape)
    widget.list.setCurrentRow(1)
    assert widget.loaded_key == "Sales" and not widget.dirty


def test_an_editor_on_a_hidden_tab_takes_no_focus_when_its_list_comes(qtbot: QtBot) -> None:
    tabs = QTabWidget()
    shown, hidden = ItemEditor(FIELDS), ItemEditor(FIELDS)
    tabs.addTab(shown, "shown")
    tabs.addTab(hidden, "hidden")
    qtbot.addWidget(tabs)
    tabs.show()
    with qtbot.waitActive(tabs):
        tabs.activateWindow()
    typing = shown.editors["wrap_up_s"].widget
    typing.setFocus()
    hidden.show_items([])  # a reload of the other tab: nothing there, a new item
    assert hidden.loaded_key is None and QApplication.focusWidget() is typing
