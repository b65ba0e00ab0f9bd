"""Driving an admin-mode editor as a user does, and waiting for the server's answer."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.desktop.qt_loop import WAIT_S, eventually, logged_in, on_screen, run_on_qt_loop
from vaxla_desktop.admin_desk import AdminDesk
from vaxla_desktop.config_desk import ConfigDesk
from vaxla_desktop.ui.admin_view import AdminView
from vaxla_desktop.ui.config_form import ItemEditor

CTRL = Qt.KeyboardModifier.ControlModifier


def retype(widget: QWidget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()  # type: ignore[attr-defined]
    QTest.keyClicks(widget, text)


async def save(editor: ItemEditor) -> None:
    """Ctrl+S, and wait for the server's answer: saved, or refused."""
    editor.show_note("")
    QTest.keyClick(editor.list, Qt.Key.Key_S, CTRL)
    await eventually(
        lambda: editor.note_label.text() == "Saved." or editor.message_label.isVisibleTo(editor)
    )


async def refused_on(editor: ItemEditor, desk: ConfigDesk, key: str) -> str:
    """Save what the form has; the server refuses it on the field ``key``; nothing
    changed on the server. The problem's words."""
    stored = await desk.api.items()
    await save(editor)
    problem = editor.problem_labels[key]
    assert problem.isVisibleTo(editor), (editor.message_label.text(), key)
    words = problem.text()
    assert editor.dirty and await desk.api.items() == stored
    QTest.keyClick(editor.list, Qt.Key.Key_Escape)
    assert not editor.dirty and not problem.isVisibleTo(editor)
    return words


def new_item(editor: ItemEditor, **texts: str) -> None:
    """A new item in the form, each field typed in as the user would."""
    editor.start_new()
    for key, text in texts.items():
        retype(editor.editors[key].widget, text)


@asynccontextmanager
async def admin_desk(server_url: str, view: AdminView) -> AsyncIterator[AdminDesk]:
    """The admin mode's desk over ``view``, logged in as ``admin1``, every kind loaded."""
    async with logged_in(server_url) as session:
        desk = AdminDesk(session, view)
        try:
            desk.load()
            for one in desk.desks.values():
                await asyncio.wait_for(one.loaded.wait(), WAIT_S)
            await asyncio.wait_for(desk.prompts_loaded.wait(), WAIT_S)
            yield desk
        finally:
            await desk.stop()


Step = Callable[[AdminView, AdminDesk], Awaitable[None]]


def in_the_admin_mode(qtbot: QtBot, qapp: QApplication, server_url: str, *steps: Step) -> None:
    """Each step on an admin view shown on the screen, its desk on the server."""
    view = on_screen(qtbot, AdminView(), 1150, 820)

    async def work() -> None:
        async with admin_desk(server_url, view) as desk:
            for step in steps:
                await step(view, desk)

    run_on_qt_loop(qapp, work())
