"""The configuration document in the admin mode (R31) against a real server process:
exported to a file by keyboard; the file, edited, checked by the server and its changes
shown item by item with nothing stored yet; loaded, and the editors read again; a file
the server refuses and a file that is not JSON each said in words, nothing loaded. (The
texts in Swedish: ``test_flow_editors``, which shows every tab.)"""

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.admin_editing import in_the_admin_mode
from tests.desktop.qt_loop import eventually
from tests.server_process import ServerProcess
from tests.shots import keep_shot
from vaxla_desktop.admin_desk import AdminDesk
from vaxla_desktop.api.config import export_document, load_document
from vaxla_desktop.ui.admin_view import AdminView
from vaxla_desktop.ui.document_panel import DocumentPanel

CTRL = Qt.KeyboardModifier.ControlModifier


def rows(panel: DocumentPanel) -> list[tuple[str, ...]]:
    table = panel.table
    return [
        tuple(table.item(row, column).text() for column in range(4))  # type: ignore[union-attr]
        for row in range(table.rowCount())
    ]


def test_a_file_is_exported_checked_and_loaded(
    qtbot: QtBot, qapp: QApplication, demo_server: ServerProcess, tmp_path: Path
) -> None:
    async def export_check_load(view: AdminView, desk: AdminDesk) -> None:
        panel, client = view.document, desk.document._client
        original = await export_document(client)
        view.setCurrentWidget(panel)
        file = tmp_path / "vaxla.json"
        panel.choose_save_file = lambda: str(file)  # type: ignore[method-assign]
        panel.choose_open_file = lambda: str(file)  # type: ignore[method-assign]
        QTest.keyClick(panel, Qt.Key.Key_E, CTRL)
        await eventually(lambda: "Exported to" in panel.note_label.text())
        document = json.loads(file.read_text("utf-8"))
        assert document == original
        support = next(q for q in document["queues"] if q["name"] == "Support")
        support["wrap_up_s"] = 33.0
        document["skills"].append({"name": "tyska"})
        file.write_text(json.dumps(document), "utf-8")

        QTest.keyClick(panel, Qt.Key.Key_I, CTRL)
        await eventually(panel.load_button.isEnabled)
        assert ("queues", "Support", "changed", "wrap_up_s") in rows(panel)
        assert ("skills", "tyska", "added", "") in rows(panel)
        assert panel.summary_label.text() == "Loading the file makes 2 changes:"
        assert await export_document(client) == original  # checked, not stored
        keep_shot(view, "admin-import.png")
        panel.load_button.click()
        await eventually(lambda: "Loaded" in panel.note_label.text())
        assert (
            next(q for q in (await export_document(client))["queues"] if q["name"] == "Support")[
                "wrap_up_s"
            ]
            == 33.0
        )
        await eventually(lambda: view.queues.items.get("Support", {}).get("wrap_up_s") == 33.0)
        assert not panel.load_button.isEnabled() and rows(panel) == []

        support["flow"]["schedule"] = "Nowhere"
        file.write_text(json.dumps(document), "utf-8")
        stored = await export_document(client)
        panel.import_button.click()
        await eventually(lambda: "Nowhere" in panel.message_label.text())
        assert not panel.load_button.isEnabled() and rows(panel) == []
        assert panel.summary_label.text().startswith("Importing a file replaces")
        file.write_text("{ not json", "utf-8")
        panel.import_button.click()
        await eventually(lambda: "is not a configuration document" in panel.message_label.text())
        assert await export_document(client) == stored
        keep_shot(view, "admin-import-refused.png")
        await load_document(client, original)

    in_the_admin_mode(qtbot, qapp, demo_server.url, export_check_load)
