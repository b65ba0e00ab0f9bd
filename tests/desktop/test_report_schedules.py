"""Scheduled reports in the reports view (R33) against a real server process: a
supervisor adds one (a bad address refused on the recipients, nothing saved), changes
its hour and queue, and deletes it; each read back from the server."""

import asyncio

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.admin_editing import new_item, refused_on, retype, save
from tests.desktop.qt_loop import WAIT_S, eventually, logged_in, on_screen, run_on_qt_loop
from tests.desktop.test_people_editors import fill
from tests.desktop.test_service_editors import pick
from tests.server_process import ServerProcess
from tests.shots import keep_shot
from vaxla_desktop.reports_desk import ReportsDesk
from vaxla_desktop.ui.reports_panel import ReportsPanel


def test_a_supervisor_schedules_a_report(
    qtbot: QtBot, qapp: QApplication, demo_server: ServerProcess
) -> None:
    panel = on_screen(qtbot, ReportsPanel(), 1150, 720)
    editor = panel.schedules

    async def work() -> None:
        async with logged_in(demo_server.url, "supervisor1") as session:
            desk = ReportsDesk(session, panel, "sv")
            api = desk.schedules.api
            try:
                desk.load()
                await asyncio.wait_for(desk.schedules.loaded.wait(), WAIT_S)
                await eventually(lambda: panel.queue_box.count() > 1)
                panel.pages.setCurrentWidget(editor)
                assert await api.items() == []
                new_item(editor, name="daily support")
                pick(editor, "queue", "Support")
                fill(editor, "recipients", [["chef@example"]])
                assert "e-mail address" in await refused_on(editor, desk.schedules, "recipients")
                new_item(editor, name="daily support", hour="7")
                pick(editor, "queue", "Support")
                pick(editor, "format", "xlsx")
                fill(editor, "recipients", [["chef@example.se"], ["rapport@example.se"]])
                await save(editor)
                [schedule] = await api.items()
                assert schedule == {
                    "name": "daily support",
                    "report": "queues",
                    "period": "day",
                    "interval": "1h",
                    "format": "xlsx",
                    "language": "sv",
                    "hour": 7,
                    "queue": "Support",
                    "recipients": ["chef@example.se", "rapport@example.se"],
                }
                keep_shot(panel, "reports-schedules.png")
                # Changed: mailed at 5, of every queue, on Mondays for the week before.
                retype(editor.editors["hour"].widget, "5")
                pick(editor, "period", "week")
                queue = editor.editors["queue"]
                queue.set_value(None)
                queue.changed.emit()
                await save(editor)
                [schedule] = await api.items()
                assert (schedule["hour"], schedule["period"], schedule["queue"]) == (
                    5,
                    "week",
                    None,
                )
                assert not editor.editors["name"].widget.isEnabled()  # a name stays
                editor.delete_button.click()
                await eventually(lambda: not editor.items)
                assert await api.items() == []
            finally:
                await desk.stop()

    run_on_qt_loop(qapp, work())
