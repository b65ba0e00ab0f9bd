"""The call flow's editors in the admin mode (R31) against a real server process: a
queue's wrap-up, service goal and overflow saved by keyboard and read back (what has no
field kept); a refused service goal shown on its field with nothing saved; a menu's keys
as a tree (a key into another menu opens into its keys, each with the prompt it plays),
a key added and saved, a key to a missing queue refused on the keys; an entry point, an
announcement set and a digit collection each saved and refused; the texts in Swedish."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.admin_editing import in_the_admin_mode, refused_on, retype, save
from tests.desktop.qt_loop import on_screen
from tests.desktop.test_translations import untranslated_texts, visible_texts
from tests.server_process import ServerProcess
from tests.shots import keep_shot
from vaxla_desktop.admin_desk import AdminDesk
from vaxla_desktop.ui.admin_view import AdminView
from vaxla_desktop.ui.flow_editors import ActionEditor

CTRL = Qt.KeyboardModifier.ControlModifier


def test_the_call_flow_is_edited_and_refusals_shown(
    qtbot: QtBot, qapp: QApplication, demo_server: ServerProcess
) -> None:
    in_the_admin_mode(qtbot, qapp, demo_server.url, queue_round_trip, menu_tree, the_others)


async def queue_round_trip(view: AdminView, admin: AdminDesk) -> None:
    desk = admin.desks["queues"]
    queues = view.queues
    view.setCurrentWidget(queues)
    queues.choose("Support")
    before = next(q for q in await desk.api.items() if q["name"] == "Support")
    retype(queues.editors["wrap_up_s"].widget, "45")
    retype(queues.editors["service_goal.percent"].widget, "90")
    overflow = queues.editors["flow.on_max_wait"]
    assert isinstance(overflow, ActionEditor)
    assert overflow.target_box.currentText() == "Sales"  # as the demo has it
    overflow.target_box.setEditText("Support")
    keep_shot(queues, "admin-queue.png")
    assert "a queue cannot overflow into itself" in await refused_on(
        queues, desk, "flow.on_max_wait"
    )
    retype(queues.editors["wrap_up_s"].widget, "45")
    retype(queues.editors["service_goal.percent"].widget, "150")
    assert "less than or equal to 100" in await refused_on(queues, desk, "service_goal.percent")
    retype(queues.editors["wrap_up_s"].widget, "45")
    retype(queues.editors["service_goal.percent"].widget, "90")
    await save(queues)
    after = next(q for q in await desk.api.items() if q["name"] == "Support")
    assert after["wrap_up_s"] == 45.0 and after["service_goal"]["percent"] == 90.0
    changed = {"wrap_up_s", "service_goal"}
    assert {k: v for k, v in after.items() if k not in changed} == {
        k: v for k, v in before.items() if k not in changed
    }  # the flow, the requirements and the rest as they were


async def menu_tree(view: AdminView, admin: AdminDesk) -> None:
    desk = admin.desks["menus"]
    menus = view.menus
    view.setCurrentWidget(menus)
    menus.choose("main_sv")
    tree = menus.keys_editor.tree
    rows = {}
    for index in range(tree.topLevelItemCount()):
        row = tree.topLevelItem(index)
        assert row is not None
        rows[row.text(0)] = row
    language_key = next(key for key, row in rows.items() if "main_en" in row.text(1))
    into = rows[language_key]
    assert into.childCount() >= 1  # the English menu's keys, under the key that goes there
    english = next(m for m in await desk.api.items() if m["name"] == "main_en")
    assert into.text(2) == english["prompt"]
    nested = into.child(into.childCount() - 1)
    assert nested is not None and nested.childCount() == 0  # main_sv is not opened again
    menus.keys_editor.key_box.setCurrentText("8")
    menus.keys_editor.add_button.click()
    action = menus.keys_editor.action
    action.kind_box.setCurrentIndex(action.kind_box.findData("queue"))
    action.kind_box.activated.emit(action.kind_box.currentIndex())
    action.target_box.setEditText("Nowhere")
    assert "Nowhere" in await refused_on(menus, desk, "keys")
    menus.keys_editor.key_box.setCurrentText("8")
    menus.keys_editor.add_button.click()
    action.kind_box.setCurrentIndex(action.kind_box.findData("queue"))
    action.kind_box.activated.emit(action.kind_box.currentIndex())
    action.target_box.setEditText("Sales")
    assert menus.keys_editor.tree.currentItem().text(1) == "to the queue Sales"  # type: ignore[union-attr]
    keep_shot(menus, "admin-menu.png")
    await save(menus)
    stored = next(m for m in await desk.api.items() if m["name"] == "main_sv")
    assert stored["keys"]["8"]["kind"] == "queue" and stored["keys"]["8"]["queue"] == "Sales"


async def the_others(view: AdminView, desk: AdminDesk) -> None:
    entry = view.entry_points
    view.setCurrentWidget(entry)
    entry.choose("200")
    retype(entry.editors["name"].widget, "Support, direkt")
    await save(entry)
    assert {e["address"]: e["name"] for e in await desk.desks["entry_points"].api.items()}[
        "200"
    ] == "Support, direkt"
    retype(entry.editors["address"].widget, "2 0 0")
    assert "pattern" in await refused_on(entry, desk.desks["entry_points"], "address")

    sets = view.announcement_sets
    view.setCurrentWidget(sets)
    sets.choose("standard")
    retype(sets.editors["periodic_interval_s"].widget, "60")
    await save(sets)
    stored = (await desk.desks["announcement_sets"].api.items())[0]
    assert stored["periodic_interval_s"] == 60.0 and len(stored["periodic"]) == 3
    retype(sets.editors["periodic_interval_s"].widget, "2")
    assert "greater than or equal to 5" in await refused_on(
        sets, desk.desks["announcement_sets"], "periodic_interval_s"
    )

    digits = view.digit_collections
    view.setCurrentWidget(digits)
    digits.choose("customer_number")
    retype(digits.editors["min_length"].widget, "12")
    assert "min_length 12 is more than max_length 10" in await refused_on(
        digits, desk.desks["digit_collections"], "min_length"
    )
    keep_shot(view, "admin-digits.png")


def test_every_tab_s_texts_are_in_swedish(qtbot: QtBot, qapp: QApplication) -> None:
    def shown() -> list[str]:
        texts: list[str] = []
        view = on_screen(qtbot, AdminView(), 2400, 900)  # no tab scroll buttons
        for index in range(view.count()):
            view.setCurrentIndex(index)
            texts += visible_texts(view)
        return texts

    english, swedish = untranslated_texts(qapp, shown, {"sv", "en", "—"})
    assert english == [], english
    for text in ("Öppettider", "Efterarbete", "Knappar", "Visningsnamn", "Läs in den"):
        assert text in swedish
