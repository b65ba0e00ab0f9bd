"""The call history model (qtmodeltester) and view: newest first, missed counted,
call back."""

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from vaxla_desktop.core.call_state import Direction, HistoryEntry, Outcome
from vaxla_desktop.ui.call_history import (
    MAX_ENTRIES,
    MISSED_COLOUR,
    CallHistoryModel,
    CallHistoryView,
)

START = dt.datetime(2026, 11, 30, 9, 15, 0, tzinfo=dt.UTC)


def entry(party: str, outcome: Outcome, talk_s: float = 0.0, minutes: int = 0) -> HistoryEntry:
    return HistoryEntry(
        started=START + dt.timedelta(minutes=minutes),
        direction=Direction.INCOMING,
        party=party,
        queue="Support",
        talk_s=talk_s,
        outcome=outcome,
    )


def test_the_model_passes_qtmodeltester(qtmodeltester: ModelTester) -> None:
    model = CallHistoryModel()
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    model.add(entry("+46701", Outcome.ANSWERED, 65))
    model.add(entry("+46702", Outcome.MISSED, minutes=1))
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_newest_first_with_outcome_in_text_and_colour() -> None:
    model = CallHistoryModel()
    model.add(entry("+46701", Outcome.ANSWERED, 65))
    model.add(entry("+46702", Outcome.MISSED, minutes=1))
    rows = [
        [model.data(model.index(row, column)) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]
    assert rows == [
        ["09:16:00", "Missed", "+46702", "Support", ""],
        ["09:15:00", "Answered", "+46701", "Support", "01:05"],
    ]
    colour = model.data(model.index(0, model.OUTCOME), Qt.ItemDataRole.ForegroundRole)
    assert colour == QColor(MISSED_COLOUR)


def test_a_hidden_number_is_shown_as_unknown_and_not_called_back(qtbot: QtBot) -> None:
    model = CallHistoryModel()
    view = CallHistoryView(model)
    qtbot.addWidget(view)
    model.add(entry("", Outcome.MISSED))
    assert model.data(model.index(0, model.PARTY)) == "Unknown number"
    dialled: list[str] = []
    view.sig_dial.connect(dialled.append)
    view.call_back_button.click()
    assert dialled == []


def test_missed_calls_are_counted_until_seen(qtbot: QtBot) -> None:
    model = CallHistoryModel()
    with qtbot.waitSignal(model.sig_missed_changed) as changed:
        model.add(entry("+46702", Outcome.MISSED))
    assert changed.args == [1]
    model.add(entry("+46703", Outcome.DECLINED))
    model.add(entry("+46704", Outcome.MISSED))
    assert model.missed_unseen == 2
    with qtbot.waitSignal(model.sig_missed_changed) as seen:
        model.mark_seen()
    assert seen.args == [0]


def test_the_history_is_bounded(qtmodeltester: ModelTester) -> None:
    model = CallHistoryModel()
    for number in range(MAX_ENTRIES + 3):
        model.add(entry(f"+46{number}", Outcome.ANSWERED, 1))
    assert model.rowCount() == MAX_ENTRIES
    assert model.entry(0).party == f"+46{MAX_ENTRIES + 2}"
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_the_view_calls_back_the_chosen_number(qtbot: QtBot) -> None:
    model = CallHistoryModel()
    view = CallHistoryView(model)
    qtbot.addWidget(view)
    view.show()
    assert view.empty_label.isVisible() and not view.call_back_button.isEnabled()
    model.add(entry("+46701", Outcome.ANSWERED, 5))
    model.add(entry("+46702", Outcome.MISSED, minutes=1))
    assert not view.empty_label.isVisible()
    view.table.selectRow(1)
    with qtbot.waitSignal(view.sig_dial) as dial:
        QTest.mouseClick(view.call_back_button, Qt.MouseButton.LeftButton)
    assert dial.args == ["+46701"]
    view.table.setFocus()
    view.table.setCurrentIndex(model.index(0, 0))
    with qtbot.waitSignal(view.sig_dial) as by_key:
        QTest.keyClick(view.table, Qt.Key.Key_Return)
    assert by_key.args == ["+46702"]
