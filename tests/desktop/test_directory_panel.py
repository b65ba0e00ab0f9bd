"""The directory panel offscreen (R29): search as you type, Down and Enter from the
search to the list to the presence form, line lamps and hänvisning kept up to date from
the socket's messages, presence set for oneself or (operators) for the person chosen,
the model checked by the model tester, Swedish; a screenshot to look at."""

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.desktop.test_translations import untranslated_texts, visible_texts
from tests.shots import keep_shot
from vaxla_desktop.ui.directory_panel import LAMPS, DirectoryModel, DirectoryPanel
from vaxla_protocol.directory import DirectoryPerson, LineStatus, Presence, PresenceReason

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
NOW = datetime.now().astimezone().replace(hour=10, minute=0, second=0, microsecond=0)
"""Ten in the morning, local time: back from lunch an hour later is the same day (a test
run at 23:30 crossed midnight and read "back 6 Dec")."""
LUNCH = Presence(username="asa", reason=PresenceReason.LUNCH, until=NOW + timedelta(hours=1),
                 note="Ring mobilen", set_at=NOW, set_by="asa")  # fmt: skip


def person(id_: int, name: str, extension: str | None = None, **fields: object) -> DirectoryPerson:
    line = None if extension is None else LineStatus(extension=extension, state="free")
    return DirectoryPerson.model_validate(
        {"id": id_, "name": name, "extension": extension, "changed_at": NOW,
         "changed_by": "admin", "line": line, **fields}
    )  # fmt: skip


PEOPLE = [
    person(2, "Anders Ek", "anders", department="Support", mobile="+46701234567"),
    person(3, "Zlatan Ås", department="Lager", other_numbers=["+4681234567"]),
    person(1, "Åsa Öberg", "asa", department="Ekonomi", title="Controller", notes="Fakturor"),
]


def panel(qtbot: QtBot, *, may_set_others: bool = True) -> DirectoryPanel:
    widget = DirectoryPanel(may_set_others=may_set_others)
    qtbot.addWidget(widget)
    widget.resize(900, 520)
    widget.show()
    widget.show_people(PEOPLE)
    return widget


def test_the_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = DirectoryModel()
    model.show_people(PEOPLE)
    model.set_line("anders", "ringing")
    model.set_presence("asa", LUNCH)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_typing_searches_and_the_keyboard_reaches_the_presence_form(qtbot: QtBot) -> None:
    widget = panel(qtbot)
    with qtbot.waitActive(widget):
        widget.activateWindow()
    widget.search.setFocus()
    with qtbot.waitSignal(widget.sig_search) as searched:
        QTest.keyClicks(widget.search, "e")
    assert searched.args == ["e"]
    QTest.keyClick(widget.search, Qt.Key.Key_Down)
    assert widget.view.hasFocus() and widget.chosen() == PEOPLE[0]
    QTest.keyClick(widget.view, Qt.Key.Key_Down)
    QTest.keyClick(widget.view, Qt.Key.Key_Down)
    assert widget.chosen() == PEOPLE[2]
    assert widget.for_box.currentData() == "asa"  # the operator sets it for the chosen
    QTest.keyClick(widget.view, Qt.Key.Key_Return)
    assert widget.reason_box.hasFocus()
    widget.reason_box.setCurrentIndex(widget.reason_box.findData(PresenceReason.MEETING))
    widget.note_edit.setText("Till 15:30")
    with qtbot.waitSignal(widget.sig_set_requested) as set_:
        QTest.keyClick(widget, Qt.Key.Key_P, CTRL_ALT)
    username, reason, until, note = set_.args
    assert (username, reason, note) == ("asa", PresenceReason.MEETING, "Till 15:30")
    assert until is not None and until.tzinfo is not None
    widget.until_check.setChecked(False)
    with qtbot.waitSignal(widget.sig_set_requested) as forever:
        widget.set_button.click()
    assert forever.args[2] is None
    with qtbot.waitSignal(widget.sig_end_requested) as ended:
        QTest.keyClick(widget, Qt.Key.Key_E, CTRL_ALT)
    assert ended.args == ["asa"]


def test_an_agent_sets_only_its_own(qtbot: QtBot) -> None:
    widget = panel(qtbot, may_set_others=False)
    widget.view.selectRow(2)
    assert not widget.for_box.isVisibleTo(widget)
    with qtbot.waitSignal(widget.sig_set_requested) as set_:
        widget.set_button.click()
    assert set_.args[0] is None  # one's own presence


def test_lamps_and_presence_follow_the_socket(qtbot: QtBot) -> None:
    widget = panel(qtbot)
    model = widget.model
    lamp = model.index(2, DirectoryModel.LINE)
    assert model.data(lamp) == "Free"
    with qtbot.waitSignal(model.dataChanged):
        model.set_line("asa", "in_call")
    assert model.data(lamp) == "In a call"
    assert model.data(lamp, Qt.ItemDataRole.DecorationRole) == LAMPS["in_call"]
    assert model.data(model.index(1, DirectoryModel.LINE)) == ""  # no extension, no lamp
    model.now = NOW  # the time the model says "back 11:00" against
    model.set_presence("asa", LUNCH)
    shown = model.data(model.index(2, DirectoryModel.PRESENCE))
    until = LUNCH.until
    assert until is not None
    assert shown == f"Lunch, back {until.astimezone().strftime('%H:%M')}"
    tip = model.data(model.index(2, DirectoryModel.NAME), Qt.ItemDataRole.ToolTipRole)
    assert tip == "Fakturor\nRing mobilen"
    model.set_presence("asa", None)
    assert model.data(model.index(2, DirectoryModel.PRESENCE)) == ""
    model.set_presence("asa", LUNCH.model_copy(update={"until": NOW + timedelta(days=30)}))
    assert "back" in str(model.data(model.index(2, DirectoryModel.PRESENCE)))
    model.set_line("anders", "ringing")
    model.set_line("asa", "on_hold")
    keep_shot(widget, "directory-lamps-en.png")


def test_every_text_is_in_swedish(qtbot: QtBot, qapp: QApplication) -> None:
    data = {"Lunch"}  # the same word in both

    def shown() -> list[str]:
        widget = panel(qtbot)
        widget.model.set_presence("asa", LUNCH)
        texts = visible_texts(widget)
        model = widget.model
        texts += [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(5)]
        texts += [str(model.data(model.index(r, c))) for r in range(3)
                  for c in (DirectoryModel.LINE, DirectoryModel.PRESENCE)]  # fmt: skip
        keep_shot(widget, f"directory-{'sv' if 'Namn' in texts else 'en'}.png")
        return [text for text in texts if text]

    english, swedish = untranslated_texts(qapp, shown, data)
    assert english == [], english
    assert "Hänvisning" in swedish and "Ledig" in swedish
