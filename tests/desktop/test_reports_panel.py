"""The reports view (R33) against a real server process: a supervisor picks the queue
report for today per hour and sees a row per queue and hour, switches to staffing, and
saves the server's XLSX (opened with openpyxl) and PDF; the model passes qtmodeltester;
every text is in Swedish; an operator's view has no reports."""

import asyncio
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.desktop.qt_loop import WAIT_S, run_on_qt_loop
from tests.desktop.test_translations import untranslated_texts, visible_texts
from tests.server_process import ServerProcess
from tests.shots import keep_shot
from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.reports_desk import ReportsDesk
from vaxla_desktop.session import Session
from vaxla_desktop.ui.reports_panel import ReportsPanel
from vaxla_protocol.stats import QueueReportRow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path_factory.mktemp("reports") / "data", ["--demo"], timeout=120) as s:
        yield s


def shoot(panel: ReportsPanel, name: str) -> None:
    keep_shot(panel, f"reports-{name}.png")


def test_a_supervisor_shows_and_saves_reports(
    qtbot: QtBot,
    qapp: QApplication,
    server: ServerProcess,
    tmp_path: Path,
    qtmodeltester: ModelTester,
) -> None:
    panel = ReportsPanel()
    qtbot.addWidget(panel)
    panel.resize(1200, 650)
    panel.show()
    # Attached from here on: every change of the model below is checked as it happens.
    qtmodeltester.check(panel.model)  # type: ignore[no-untyped-call]

    async def work() -> None:
        client = ServerClient(server.url)
        user = await client.login("supervisor1", "demo")
        desk = ReportsDesk(Session(server.url, client, user), panel, "en")
        try:
            desk.load()
            for _ in range(int(WAIT_S / 0.02)):
                if panel.queue_box.count() > 1:
                    break
                await asyncio.sleep(0.02)
            queues = [panel.queue_box.itemText(i) for i in range(1, panel.queue_box.count())]
            assert "Support" in queues
            # Ctrl+R shows the queue report of today per hour: a row per queue and hour.
            QTest.keyClick(panel, Qt.Key.Key_R, CTRL)
            await asyncio.wait_for(desk.shown.wait(), WAIT_S)
            rows = panel.model.rowCount()
            assert rows in {len(queues) * hours for hours in (23, 24, 25)}, rows
            assert panel.model.headerData(2, Qt.Orientation.Horizontal) == "Offered"
            assert panel.chart.isVisibleTo(panel) and panel.error_label.text() == ""
            shoot(panel, "queues-en")
            # Staffing of Support only.
            desk.shown.clear()
            panel.report_box.setCurrentIndex(panel.report_box.findData("staffing"))
            panel.queue_box.setCurrentIndex(panel.queue_box.findText("Support"))
            panel.show_button.click()
            await asyncio.wait_for(desk.shown.wait(), WAIT_S)
            assert {panel.model.rows[i]["queue"] for i in range(panel.model.rowCount())} == {
                "Support"
            }
            assert not panel.chart.isVisibleTo(panel)
            # Saved as XLSX where the user chose (the dialog answered here).
            target = tmp_path / "staffing.xlsx"
            panel.ask_path = lambda suggested: str(target)  # type: ignore[method-assign]
            panel.format_box.setCurrentIndex(panel.format_box.findData("xlsx"))
            QTest.keyClick(panel, Qt.Key.Key_E, CTRL)
            await asyncio.wait_for(desk.saved.wait(), WAIT_S)
            sheet = load_workbook(io.BytesIO(target.read_bytes())).active
            assert sheet is not None
            header = next(sheet.iter_rows(values_only=True))
            assert header[:4] == ("From", "To", "Queue", "Logged in")
            assert "Saved" in panel.status_label.text()
            # A PDF of the queue report; an impossible period is refused here.
            desk.saved.clear()
            pdf = tmp_path / "queues.pdf"
            panel.ask_path = lambda suggested: str(pdf)  # type: ignore[method-assign]
            panel.report_box.setCurrentIndex(panel.report_box.findData("queues"))
            panel.format_box.setCurrentIndex(panel.format_box.findData("pdf"))
            panel.export_button.click()
            await asyncio.wait_for(desk.saved.wait(), WAIT_S)
            assert pdf.read_bytes().startswith(b"%PDF")
            panel.end_edit.setDate(panel.start_edit.date().addDays(-1))
            panel.show_button.click()
            assert panel.error_label.text() == "The period must not end before it starts."
        finally:
            await desk.stop()
            await client.aclose()

    run_on_qt_loop(qapp, work())


def sample_row(hour: int, **figures: Any) -> dict[str, Any]:
    """A queue report's row for Support at ``hour`` UTC, as the server's JSON has it."""
    start = datetime(2026, 12, 5, hour, tzinfo=UTC)
    defaults: dict[str, Any] = {
        "queue_id": 1,
        "queue": "Support",
        "start": start,
        "end": start + timedelta(hours=1),
        "answered_within_goal": figures.get("answered", 0),
        "abandoned_short": 0,
        "overflowed": 0,
        "average_wait_s": 12.0,
        "max_wait_s": 40.0,
        "average_speed_of_answer_s": 12.0,
        "average_handle_s": 150.0,
    }
    return QueueReportRow(**(defaults | figures)).model_dump(mode="json")


def test_every_text_is_in_swedish(qtbot: QtBot, qapp: QApplication) -> None:
    def shown() -> list[str]:
        panel = ReportsPanel()
        qtbot.addWidget(panel)
        panel.resize(1200, 650)
        # Rows as the server sends them (every figure, zeros too): a sample of hand-made
        # dicts without ``abandoned`` once showed those cells blank.
        panel.show_report(
            "queues",
            [
                sample_row(8, offered=12, answered=10, abandoned=2, service_level=72.7),
                sample_row(9, offered=7, answered=7, abandoned=0, service_level=100.0),
            ],
        )
        abandoned = [key for key, _ in panel.model.columns].index("abandoned")
        assert [panel.model.data(panel.model.index(row, abandoned)) for row in range(2)] == [
            "2",
            "0",
        ]
        texts = visible_texts(panel)
        texts += [
            str(panel.model.headerData(c, Qt.Orientation.Horizontal))
            for c in range(panel.model.columnCount())
        ]
        texts += [panel.report_box.itemText(i) for i in range(panel.report_box.count())]
        shoot(
            panel,
            "queues-sv"
            if panel.model.headerData(2, Qt.Orientation.Horizontal) == "Erbjudna"
            else "sample-en",
        )
        return texts

    english, swedish = untranslated_texts(
        qapp, shown, {"PDF", "2 rows", "09:00", "19 calls offered"}
    )
    assert english == []
    assert "Erbjudna" in swedish and "Bemanning" in swedish and "&Visa" in swedish
