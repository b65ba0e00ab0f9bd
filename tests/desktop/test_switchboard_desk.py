"""The switchboard panel wired to the real server app (in-process, on a real store, R29):
a receptionist (operator1, an operator with an agent profile) gets the directory at the
socket's welcome; its own offer, call, connection and callers held follow the socket's
messages (another agent's are ignored); Enter asks the server for a blind connection
with the come-back time, and a refusal (this in-process server takes no calls) shows the
server's reason and changes nothing on the panel."""

import json
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.qt_loop import eventually, run_on_qt_loop
from tests.desktop.test_directory_desk import app as app
from tests.desktop.test_directory_panel import PEOPLE
from tests.desktop.test_switchboard_panel import consulting, held
from tests.server.auth.conftest import PASSWORD
from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.session import Session
from vaxla_desktop.switchboard_desk import SwitchboardDesk
from vaxla_desktop.ui.switchboard_panel import SwitchboardPanel
from vaxla_protocol import PROTOCOL_VERSION, CurrentUser, Role
from vaxla_protocol.agent import AgentCall, AgentState
from vaxla_protocol.control import ParkedChanged, TransferChanged
from vaxla_protocol.events import AgentStateChanged, OfferMade, Welcome

SERVER = "http://vaxla.test"
NOW = datetime.now(UTC)


def state(agent_id: int, username: str, *, busy_with: int | None = None) -> AgentStateChanged:
    call = None
    if busy_with is not None:
        call = AgentCall(contact_id=busy_with, queue=None, direction="inbound", since=NOW)
    return AgentStateChanged(agent=AgentState(
        agent_id=agent_id, username=username, state="busy" if call else "available",
        queues=[], member_of=[], call=call))  # fmt: skip


def test_a_receptionist_desk_follows_its_calls_and_shows_refusals(
    qtbot: QtBot, qapp: QApplication, app: FastAPI
) -> None:
    panel = SwitchboardPanel()
    qtbot.addWidget(panel)
    panel.show()

    async def work() -> None:
        admin = ServerClient(SERVER, transport=httpx.ASGITransport(app=app))
        await admin.login("admin1", PASSWORD)
        await admin.call("PUT", "/config/agents/operator1", json={})  # a receptionist
        csv = "name,extension,department\nAnders Ek,agent1,Support\n"
        await admin.call("POST", "/directory/import/csv", json={"text": csv})
        await admin.aclose()
        client = ServerClient(SERVER, transport=httpx.ASGITransport(app=app))
        user = await client.login("operator1", PASSWORD)
        desk = SwitchboardDesk(Session(SERVER, client, user), panel)
        try:
            desk.on_event(Welcome(protocol_version=PROTOCOL_VERSION, username="operator1",
                                  role=Role.OPERATOR))  # fmt: skip
            await eventually(lambda: [p.name for p in panel.people.people] == ["Anders Ek"])
            await eventually(lambda: desk.me is not None)  # its own agent id, from GET /agent
            me = desk.me
            assert me is not None
            other = me + 100
            # Its personal queue asked at the welcome: this server takes no calls.
            await eventually(lambda: "takes no calls" in panel.message_label.text())
            desk.on_event(OfferMade(agent_id=me, offer_id="o1", contact_id=7, queue_id=1,
                                    queue="Växeln", caller="+46701112233", entry_point="100",
                                    wait_s=2, data={}))  # fmt: skip
            desk.on_event(state(other, "agent1", busy_with=9))  # not mine
            assert panel.call_contact is None
            desk.on_event(state(me, "operator1", busy_with=7))
            assert panel.call_contact == 7
            assert panel.call_label.text().startswith("+46701112233")
            desk.on_event(ParkedChanged(agent_id=other, contacts=[held(3, "+4631", 5)]))
            assert panel.held_model.held == []
            desk.on_event(ParkedChanged(agent_id=me, contacts=[held(4, "+4640", 5)]))
            assert [c.contact_id for c in panel.held_model.held] == [4]
            panel.show_error("")
            panel.view.selectRow(0)
            QTest.keyClick(panel.view, Qt.Key.Key_Return)  # blind to agent1, comes back
            await eventually(lambda: "takes no calls" in panel.message_label.text())
            assert panel.call_contact == 7 and panel.transfer_label.text() == ""
            desk.on_event(TransferChanged(agent_id=me, transfer=consulting()))
            assert desk._transfer is not None and panel.complete_button.isEnabled()
            desk.on_event(state(me, "operator1"))  # the call is over
            assert panel.call_contact is None and panel.call_label.text() == "No call"
        finally:
            await desk.stop()
            await client.logout()
            await client.aclose()

    run_on_qt_loop(qapp, work())


def test_enter_asks_for_a_blind_connection_that_comes_back(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """The requests the desk sends, seen at a transport that answers as the server."""
    sent: list[dict[str, object]] = []
    me = CurrentUser(username="operator1", display_name="O", role=Role.OPERATOR)

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/agent/transfer"):
            body = json.loads(request.content)
            sent.append(body)
            return httpx.Response(200, json={
                "transfer_id": "t9", "contact_id": body["contact_id"], "kind": body["kind"],
                "target": body["target"], "attended": body["attended"],
                "state": "consulting" if body["attended"] else "completed",
                "detail": ""})  # fmt: skip
        if request.url.path.endswith("/health"):
            return httpx.Response(200, json={"status": "ok", "version": "test",
                                             "protocol_version": PROTOCOL_VERSION})  # fmt: skip
        if request.url.path.endswith("/auth/login"):
            return httpx.Response(200, json={"token": "a-token"})
        if request.url.path.endswith("/auth/me"):
            return httpx.Response(200, json=me.model_dump(mode="json"))
        return httpx.Response(404, json={"detail": "not here"})

    panel = SwitchboardPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_people(PEOPLE)

    async def work() -> None:
        client = ServerClient(SERVER, transport=httpx.MockTransport(answer))
        user = await client.login("operator1", PASSWORD)
        desk = SwitchboardDesk(Session(SERVER, client, user), panel, come_back_s=25)
        try:
            panel.show_call(7, "+46701112233", NOW - timedelta(seconds=3))
            panel.view.selectRow(0)
            QTest.keyClick(panel.view, Qt.Key.Key_Return)  # blind to anders: comes back
            await eventually(lambda: len(sent) == 1)
            panel.search.setText("070-123 45 67")
            QTest.keyClick(panel.search, Qt.Key.Key_Return)  # a number: no come-back
            await eventually(lambda: len(sent) == 2)
            panel.search.setText("")
            QTest.keyClick(panel.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
            await eventually(lambda: len(sent) == 3)
            await eventually(lambda: "Talking with anders" in panel.transfer_label.text())
        finally:
            await desk.stop()
            await client.aclose()
        assert [(b["kind"], b["target"], b["attended"], b["come_back_after_s"]) for b in sent] == [
            ("agent", "anders", False, 25),
            ("number", "0701234567", False, None),
            ("agent", "anders", True, None),
        ]

    run_on_qt_loop(qapp, work())
