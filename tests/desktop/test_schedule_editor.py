"""Opening hours in the admin mode (R31) against a real server process: a schedule made
on the week grid by mouse and keyboard, a dated exception added from the calendar, saved
with Ctrl+S and read back from the server as sent; the server's holidays on the calendar;
a refusal shown on its field with nothing saved."""

import asyncio
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.qt_loop import WAIT_S, eventually, logged_in, on_screen, run_on_qt_loop
from tests.server_process import ServerProcess
from tests.shots import keep_shot
from vaxla_desktop.config_desk import ScheduleDesk
from vaxla_desktop.ui.schedule_editor import ScheduleEditor

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_a_schedule_is_drawn_saved_and_a_refusal_shown_on_its_field(
    qtbot: QtBot, qapp: QApplication, demo_server: ServerProcess
) -> None:
    editor = on_screen(qtbot, ScheduleEditor(), 1100, 760)
    calendar = editor.exceptions.calendar
    calendar.setCurrentPage(2026, 12)

    async def work() -> None:
        async with logged_in(demo_server.url) as session:
            await drawn_saved_and_refused(editor, ScheduleDesk(session, editor))

    run_on_qt_loop(qapp, work())


async def drawn_saved_and_refused(editor: ScheduleEditor, desk: ScheduleDesk) -> None:
    calendar = editor.exceptions.calendar
    try:
        desk.load()
        await asyncio.wait_for(desk.loaded.wait(), WAIT_S)
        await eventually(lambda: "Julafton (eve)" in editor.exceptions.holiday_label.text())
        assert "25 Juldagen" in editor.exceptions.holiday_label.text()
        before = await desk.api.items()
        QTest.keyClick(editor.list, Qt.Key.Key_N, CTRL)
        QTest.keyClicks(editor.editors["name"].widget, "Kontor")
        grid = editor.week.grid
        # Monday 08:00 to Friday 16:45 in one drag.
        QTest.mousePress(grid, Qt.MouseButton.LeftButton, pos=grid.cell_centre(0, 32))
        QTest.mouseMove(grid, grid.cell_centre(4, 67))
        QTest.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=grid.cell_centre(4, 67))
        # Saturday 10:00-12:00 by keyboard: to Saturday 10:00, switch it, paint on.
        grid.setFocus()
        grid.place = (5, 40)
        QTest.keyClick(grid, Qt.Key.Key_Space)
        for _ in range(7):
            QTest.keyClick(grid, Qt.Key.Key_Right, SHIFT)
        # Closed from 12:00 on 23 December.
        calendar.setSelectedDate(QDate(2026, 12, 23))
        editor.exceptions.add_button.click()
        table = editor.exceptions.table
        for column, text in ((2, "12:00"), (4, "Lillejulafton")):
            cell = table.item(0, column)
            assert cell is not None
            cell.setText(text)
        assert editor.state_label.text() == "New, not saved"
        QTest.keyClick(editor.list, Qt.Key.Key_S, CTRL)
        await eventually(lambda: "Kontor" in editor.items and not editor.dirty)
        kontor = next(s for s in await desk.api.items() if s["name"] == "Kontor")
        weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday")
        assert {day: kontor["weekly"][day] for day in weekdays} == {
            day: [{"start": "08:00:00", "end": "17:00:00", "crosses_midnight": False}]
            for day in weekdays
        }
        assert kontor["weekly"]["saturday"] == [
            {"start": "10:00:00", "end": "12:00:00", "crosses_midnight": False}
        ]
        assert "sunday" not in kontor["weekly"] or kontor["weekly"]["sunday"] == []
        assert kontor["exceptions"] == [
                {"day": "2026-12-23", "open": False, "start": "12:00:00", "end": None,
                 "label": "Lillejulafton"}
            ]  # fmt: skip
        assert editor.state_label.text() == "As saved on the server"
        keep_shot(editor, "admin-schedule.png")

        # A time zone the server does not know: said on the field, nothing saved.
        zone = editor.editors["time_zone"].widget
        zone.setFocus()
        zone.selectAll()  # type: ignore[attr-defined]
        QTest.keyClicks(zone, "Mars/Olympus")
        stored = await desk.api.items()
        QTest.keyClick(zone, Qt.Key.Key_S, CTRL)
        problem = editor.problem_labels["time_zone"]
        await eventually(problem.isVisible)
        assert "Mars/Olympus" in problem.text()
        assert editor.dirty and editor.state_label.text() == "Changed, not saved"
        assert await desk.api.items() == stored
        keep_shot(editor, "admin-schedule-refused.png")
        QTest.keyClick(zone, Qt.Key.Key_Escape)
        assert not editor.dirty and not problem.isVisible()
        await desk.api.delete("Kontor")
        assert await desk.api.items() == before
    finally:
        await desk.stop()


def test_the_grid_by_keyboard_and_hours_past_midnight(qtbot: QtBot, qapp: QApplication) -> None:
    editor = ScheduleEditor()
    qtbot.addWidget(editor)
    editor.show_items(
        [{"name": "Natt", "time_zone": "Europe/Stockholm", "holiday_policy": "closed",
          "include_holiday_eves": True, "holiday_hours": [], "exceptions": [],
          "weekly": {"friday": [{"start": "22:00:00", "end": "02:00:00",
                                 "crosses_midnight": True}]}}]
    )  # fmt: skip
    cells: list[list[bool]] = editor.week.grid.cells
    assert cells[4][88:] == [True] * 8 and cells[5][:8] == [True] * 8
    assert not editor.dirty  # shown, not changed: the interval past midnight kept as it is
    grid = editor.week.grid
    grid.place = (6, 0)
    grid.setFocus()
    QTest.keyClick(grid, Qt.Key.Key_End)
    QTest.keyClick(grid, Qt.Key.Key_Space)
    weekly: dict[str, Any] = editor.form_item()["weekly"]
    assert weekly["sunday"] == [{"start": "23:45:00", "end": "00:00:00", "crosses_midnight": False}]
    assert weekly["friday"] == [{"start": "22:00:00", "end": "00:00:00", "crosses_midnight": False}]
