"""The desktop's own softphone on the whole server in demo mode: SIPp calls 200
(Support), the server rings the desktop's pjsua2 phone with an offer that the event
socket describes, the agent answers in the panel and transfers the caller with the
transfer dialog (``POST /agent/transfer``): blind to an outside number, where SIPp
(``tests/sipp/outside_answers.xml``) answers, and attended to another agent (a pjsua2
phone process), completed or cancelled; and hold and resume on the media worker. The
test waits on the server's call progress on the agent's own event socket (``bridged``,
``target_answered``), not on sleeps.

The Qt widgets and the bridge's pump QTimer run on plain asyncio here: a task turns
Qt's event loop every 10 ms, so the SIPp and HTTP work stay asyncio's own.
"""

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Before any QApplication exists: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from tests.e2e.test_call_control import ControlDemo, agents, demo, outside_party, record_of
from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.api.events import EventStream
from vaxla_desktop.api.transfer import TransferApi
from vaxla_desktop.core.call_state import Outcome
from vaxla_desktop.phone import PhoneDesk
from vaxla_desktop.phone_settings import PhoneSettings
from vaxla_desktop.sip.bridge import SoftphoneBridge
from vaxla_desktop.ui.phone_panel import PhonePanel
from vaxla_desktop.ui.transfer_dialog import TransferDialog
from vaxla_protocol.control import CallProgress, TransferKind
from vaxla_protocol.offers import session_key

__all__ = ["demo"]  # the module's server, as test_call_control starts it

WAIT_S = 20.0


async def until(check: Callable[[], bool], timeout: float = WAIT_S) -> None:
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    assert check()


async def turn_qt(app: QApplication) -> None:
    while True:
        app.processEvents()
        await asyncio.sleep(0.01)


@dataclass
class DesktopAgent:
    client: ServerClient
    panel: PhonePanel
    desk: PhoneDesk
    progress: list[CallProgress] = field(default_factory=list)  # from the event socket

    async def answer_a_caller(self, caller: "asyncio.Task[int]") -> int:
        """Wait for the offer to ring with its details, answer it in the panel; the
        contact id."""
        panel = self.panel

        def offered() -> bool:
            ringing = panel.ringing_call()
            return ringing is not None and ringing.offer is not None

        await until(offered)
        ringing = panel.ringing_call()
        assert ringing is not None and ringing.offer is not None
        assert ringing.offer.queue == "Support"
        assert panel.state_label.text() == "Ringing"
        panel.answer_button.click()
        await until(lambda: panel.state_label.text() == "In call")
        contact = ringing.offer.contact_id
        # Bridged: the call flow has handed the call to the call control, which takes
        # the agent's transfers from now on.
        await until(lambda: self.said("bridged", contact=contact))
        assert not caller.done()
        return contact

    def said(self, state: str, *, contact: int | None = None, transfer: str | None = None) -> bool:
        """Whether the server has said ``state`` of the contact's call or the transfer."""
        return any(
            p.state == state
            and (contact is None or p.contact_id == contact)
            and (transfer is None or p.transfer_id == transfer)
            for p in self.progress
        )

    async def target_answered(self, dialog: TransferDialog) -> None:
        """Until the server knows the dialog's consultation target answered: the
        transfer can be completed (or cancelled back to the caller) now."""
        assert dialog.state is not None
        transfer = dialog.state.transfer_id
        await until(lambda: self.said("target_answered", transfer=transfer))

    def transfer_dialog(self) -> TransferDialog:
        self.panel.transfer_button.click()
        dialog = self.panel.transfer_dialog
        assert dialog is not None and dialog.isVisible()
        return dialog


@contextlib.asynccontextmanager
async def desktop_agent(
    demo: ControlDemo, qapp: QApplication, username: str, tmp_path: Path
) -> AsyncIterator[DesktopAgent]:
    """``username`` logged in with the desktop's phone and event socket, in all queues."""
    client = ServerClient(demo.server.url)
    await client.login(username, "demo")
    bridge = SoftphoneBridge(lambda: session_key(client.token), bind="127.0.0.1", audio=False)
    panel = PhonePanel()
    tasks: set[asyncio.Task[None]] = set()

    def spawn(work: Coroutine[Any, Any, None]) -> None:
        tasks.add(asyncio.ensure_future(work))

    desk = PhoneDesk(
        panel,
        bridge,
        PhoneSettings(tmp_path / "settings.ini"),
        username=username,
        spawn=spawn,
        transfers=TransferApi(client),
        server_url=demo.server.url,
    )
    progress: list[CallProgress] = []

    def on_event(event: object) -> None:
        if isinstance(event, CallProgress):
            progress.append(event)
        desk.server_event(event)

    stream = EventStream(client, on_event, lambda error: None)
    pump = asyncio.create_task(turn_qt(qapp))
    listening = asyncio.create_task(stream.run())
    try:
        await asyncio.wait_for(stream.opened(), WAIT_S)
        await client.call("POST", "/agent/login", json={"sip_contact": bridge.contact})
        yield DesktopAgent(client, panel, desk, progress)
    finally:
        with contextlib.suppress(Exception):
            await client.call("POST", "/agent/logout", json={})
        for task in (pump, listening, *tasks):
            task.cancel()
        await asyncio.gather(pump, listening, *tasks, return_exceptions=True)
        desk.close()
        panel.deleteLater()
        await client.logout()
        await client.aclose()


def test_the_desktop_answers_an_offer_and_transfers_the_caller_to_a_number(
    demo: ControlDemo, qapp: QApplication, tmp_path: Path
) -> None:
    async def scenario() -> int:
        # The outside number answers with outside_answers.xml (see there: not -sn uas).
        async with (
            outside_party(demo, "outside_answers") as outside,
            desktop_agent(demo, qapp, "agent5", tmp_path) as agent,
        ):
            # The caller talks 2.5 s after the answer, then hangs up.
            caller = asyncio.create_task(demo.call("caller_talks.xml", "200"))
            contact = await agent.answer_a_caller(caller)
            dialog = agent.transfer_dialog()
            dialog.number_radio.click()
            dialog.target_box.setEditText("+46 70 123 45 67")
            dialog.blind_button.click()
            # A blind transfer ends the agent's leg: the call goes to the history.
            await until(lambda: agent.panel.history.rowCount() == 1)
            assert dialog.state is not None
            assert (dialog.state.kind, dialog.state.state) == (
                TransferKind.NUMBER,
                "completed",
            )
            assert not dialog.isVisible()
            assert agent.panel.history.entry(0).outcome is Outcome.ANSWERED
            assert agent.panel.book.calls == {}
            assert await asyncio.wait_for(caller, 30) == 0
            # The outside party was called, answered and got the BYE (through the front).
            assert await asyncio.wait_for(outside.wait(), 10) == 0
            return contact

    contact = asyncio.run(scenario())
    record = record_of(demo, contact)
    assert (record["agent"], record["outcome"]) == ("agent5", "answered")


def test_the_desktop_consults_an_agent_and_completes_the_transfer(
    demo: ControlDemo, qapp: QApplication, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with (
            desktop_agent(demo, qapp, "agent6", tmp_path) as agent,
            agents(demo, "agent7") as [(a7, p7)],
        ):
            caller = asyncio.create_task(demo.call("caller_waits.xml", "200"))
            await agent.answer_a_caller(caller)
            # agent7 joins Support only now, so the caller was agent6's.
            demo.post("/agent/login", a7, {"sip_contact": p7.uri})
            dialog = agent.transfer_dialog()
            dialog.agent_radio.click()
            dialog.target_box.setEditText("agent7")
            dialog.attended_button.click()
            await until(lambda: dialog.state is not None and dialog.state.state == "consulting")
            assert dialog.complete_button.isVisible()
            assert "agent7" in dialog.message_label.text()
            assert not agent.panel.transfer_button.isEnabled()  # one transfer at a time
            await p7.expect("answered", timeout=10)
            await agent.target_answered(dialog)  # else completing is refused 409
            dialog.complete_button.click()
            await until(lambda: agent.panel.history.rowCount() == 1)
            assert dialog.state is not None and dialog.state.state == "completed"
            assert not dialog.isVisible()
            assert agent.panel.history.entry(0).outcome is Outcome.ANSWERED
            await until(lambda: demo.get("/agent", a7)["state"] == "busy")
            await p7.command("hangup")
            await p7.expect("ended")
            assert await asyncio.wait_for(caller, 30) == 0

    asyncio.run(scenario())


def test_the_desktop_holds_cancels_a_consultation_and_has_the_caller_again(
    demo: ControlDemo, qapp: QApplication, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with (
            desktop_agent(demo, qapp, "agent8", tmp_path) as agent,
            agents(demo, "agent11") as [(a11, p11)],
        ):
            caller = asyncio.create_task(demo.call("caller_waits.xml", "200"))
            await agent.answer_a_caller(caller)
            # Hold and resume: re-INVITEs the media worker takes (the caller hears music).
            agent.panel.hold_button.click()
            await until(lambda: agent.panel.state_label.text() == "On hold")
            agent.panel.hold_button.click()
            await until(lambda: agent.panel.state_label.text() == "In call")
            demo.post("/agent/login", a11, {"sip_contact": p11.uri})
            dialog = agent.transfer_dialog()
            dialog.target_box.setEditText("agent11")
            dialog.attended_button.click()
            await until(lambda: dialog.state is not None and dialog.state.state == "consulting")
            await p11.expect("answered", timeout=10)
            await agent.target_answered(dialog)
            dialog.cancel_transfer_button.click()
            await until(lambda: not dialog.isVisible())
            assert dialog.state is not None and dialog.state.state == "cancelled"
            assert (await p11.expect("ended"))["by"] == "remote"
            # Back with the caller: the call goes on, and can be transferred again.
            assert agent.panel.state_label.text() == "In call"
            assert agent.panel.transfer_button.isEnabled()
            agent.panel.hang_up_button.click()
            await until(lambda: agent.panel.history.rowCount() == 1)
            assert agent.panel.history.entry(0).outcome is Outcome.ANSWERED
            assert await asyncio.wait_for(caller, 30) == 0

    asyncio.run(scenario())
