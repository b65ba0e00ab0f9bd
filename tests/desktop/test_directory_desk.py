"""The directory panel wired to the real server app (in-process, on a real store, R29):
an operator's desk reads the people at the socket's welcome, searches as typed, sets a
colleague's hänvisning on the server, and shows the server's reason for a refusal."""

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.qt_loop import WAIT_S, eventually, run_on_qt_loop
from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.directory_desk import DirectoryDesk
from vaxla_desktop.session import Session
from vaxla_desktop.ui.directory_panel import DirectoryPanel
from vaxla_protocol import PROTOCOL_VERSION, Role
from vaxla_protocol.directory import PresenceReason
from vaxla_protocol.events import Welcome
from vaxla_server.app import create_app
from vaxla_server.store import open_store

SERVER = "http://vaxla.test"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    clock = FakeClock()
    with open_store(data_dir=tmp_path / "data") as store:
        app = create_app(store, auth_settings=CHEAP_SETTINGS, clock=clock)
        auth = app.state.services.auth
        for name, role in (("admin1", Role.ADMIN), ("operator1", Role.OPERATOR),
                           ("agent1", Role.AGENT), ("agent2", Role.AGENT)):  # fmt: skip
            auth.users.create(name, PASSWORD, role, now=clock())
        yield app


def test_an_operator_finds_a_colleague_and_sets_its_presence(
    qtbot: QtBot, qapp: QApplication, app: FastAPI
) -> None:
    panel = DirectoryPanel(may_set_others=True)
    qtbot.addWidget(panel)
    panel.show()

    async def work() -> None:
        admin = ServerClient(SERVER, transport=httpx.ASGITransport(app=app))
        await admin.login("admin1", PASSWORD)
        csv = ("name,extension,mobile,department\nÅsa Öberg,agent1,070-123 45 67,Ekonomi\n"
               "Zlatan Ås,,,Lager\nAnders Ek,agent2,,Support\n")  # fmt: skip
        done = await admin.call("POST", "/directory/import/csv", json={"text": csv})
        assert done == {"added": 3, "replaced": 0}
        await admin.aclose()
        client = ServerClient(SERVER, transport=httpx.ASGITransport(app=app))
        user = await client.login("operator1", PASSWORD)
        desk = DirectoryDesk(Session(SERVER, client, user), panel)
        names: Callable[[], list[str]] = lambda: [p.name for p in panel.model.people]  # noqa: E731
        try:
            desk.on_event(Welcome(protocol_version=PROTOCOL_VERSION, username="operator1",
                                  role=Role.OPERATOR))  # fmt: skip
            await eventually(lambda: names() == ["Anders Ek", "Zlatan Ås", "Åsa Öberg"])
            panel.search.setText("ås")
            await eventually(lambda: names() == ["Zlatan Ås", "Åsa Öberg"])
            panel.search.setText("0701")  # a national number finds the E.164 one
            await eventually(lambda: names() == ["Åsa Öberg"])
            panel.view.selectRow(0)
            assert panel.for_box.currentData() == "agent1"
            panel.reason_box.setCurrentIndex(panel.reason_box.findData(PresenceReason.LUNCH))
            panel.set_button.click()
            api = desk.api
            for _ in range(int(WAIT_S / 0.05)):
                if await client.call("GET", "/presence"):
                    break
                await asyncio.sleep(0.05)
            presences = await client.call("GET", "/presence")
            assert isinstance(presences, list)
            assert [(p["username"], p["reason"], p["set_by"]) for p in presences] == [
                ("agent1", "lunch", "operator1"),
            ]  # fmt: skip
            await api.end_presence("agent1")
            panel.end_button.click()  # none is set now: the server says so
            await eventually(lambda: "agent1 has no presence set" in panel.message_label.text())
        finally:
            await desk.stop()
            await client.logout()
            await client.aclose()

    run_on_qt_loop(qapp, work())
