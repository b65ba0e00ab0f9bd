"""The voicemail task in the agent's panel (R7): the offer from the event socket shown
once the agent's state names it (who called, when, the box, the length), taken and
declined by keyboard, the message played, called back and marked handled; a task that
went elsewhere or was handled in the Voicemail tab clears with a word; the texts in
Swedish; screenshots. The server's side has its own tests in tests/server/voicemail,
against the real app."""

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.qt_loop import eventually, run_on_qt_loop
from tests.desktop.test_translations import untranslated_texts, visible_texts
from tests.shots import keep_shot
from vaxla_desktop.core.agent_panel import PanelState
from vaxla_desktop.core.dial import DialRequest
from vaxla_desktop.i18n import Language
from vaxla_desktop.ui.agent_panel import AgentPanel
from vaxla_desktop.ui.voicemail_task_panel import VoicemailTaskPanel
from vaxla_desktop.voicemail_task_desk import VoicemailTaskDesk
from vaxla_protocol import PROTOCOL_VERSION, Role
from vaxla_protocol.agent import AgentCall, AgentState, AgentStateName
from vaxla_protocol.events import AgentStateChanged, OfferMade, Welcome
from vaxla_protocol.voicemail import VoicemailMessageView, VoicemailTask, VoicemailTaskHeld

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
AT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
ME = 4
TASK = VoicemailTask(message_id=7, box="Kansliet", caller="+46701234567", received_at=AT,
                     seconds=12.4)  # fmt: skip


def offer(contact_id: int = 31, agent_id: int = ME) -> OfferMade:
    return OfferMade(
        agent_id=agent_id, offer_id=f"c{contact_id}a{agent_id}n1", contact_id=contact_id,
        queue_id=1, queue="Support", caller=TASK.caller, entry_point="voicemail:Kansliet",
        wait_s=3.0, data={}, voicemail=TASK,
    )  # fmt: skip


def state(name: AgentStateName, contact_id: int | None = None) -> AgentStateChanged:
    call = None
    if contact_id is not None:
        call = AgentCall(contact_id=contact_id, queue=None, direction="inbound", since=AT)
    agent = AgentState(agent_id=ME, username="anna", state=name, queues=[], member_of=[], call=call)
    return AgentStateChanged(agent=agent)


class User:
    username = "anna"


class Session:
    client = None
    user = User()


class Server:
    """The voicemail task API as the desk uses it (a unit test's)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, int]] = []

    async def take(self, contact_id: int) -> VoicemailMessageView:
        self.asked.append(("take", contact_id))
        return VoicemailMessageView(id=7, box="Kansliet", caller=TASK.caller, received_at=AT,
                                    seconds=12.4, short=False, silent=False, handled_by=None,
                                    handled_at=None)  # fmt: skip

    async def my_tasks(self) -> list[VoicemailTaskHeld]:
        self.asked.append(("mine", 0))
        return [VoicemailTaskHeld(contact_id=31, taken=True, task=TASK)]

    async def decline(self, contact_id: int) -> None:
        self.asked.append(("decline", contact_id))

    async def handled(self, message_id: int) -> VoicemailMessageView:
        self.asked.append(("handled", message_id))
        message = await self.take(0)
        self.asked.pop()
        return message.model_copy(update={"handled_by": "anna", "handled_at": AT})


def wired(
    panel: VoicemailTaskPanel, dialled: list[DialRequest]
) -> tuple[VoicemailTaskDesk, Server]:
    desk = VoicemailTaskDesk(Session(), panel, dialled.append)  # type: ignore[arg-type]
    server = Server()
    desk.api.take_task = server.take  # type: ignore[method-assign]
    desk.api.decline_task = server.decline  # type: ignore[method-assign]
    desk.api.handled = server.handled  # type: ignore[method-assign]
    desk.api.my_tasks = server.my_tasks  # type: ignore[method-assign]
    return desk, server


def test_an_offered_task_is_taken_called_back_and_handled_by_keyboard(
    qtbot: QtBot, qapp: QApplication
) -> None:
    panel = AgentPanel(PanelState(), Language.ENGLISH)
    qtbot.addWidget(panel)
    panel.resize(560, 720)
    tasks = panel.voicemail_task_panel
    dialled: list[DialRequest] = []
    desk, server = wired(tasks, dialled)

    async def work() -> None:
        panel.show()
        with qtbot.waitActive(panel):
            panel.activateWindow()
        assert not tasks.isVisible()
        # The offer and the agent's state come in one batch, the offer first; the app
        # gives each event to the panel's state, then to the desk.
        panel.state.apply(Welcome(protocol_version=PROTOCOL_VERSION, username="anna",
                                  role=Role.AGENT))  # fmt: skip
        desk.on_event(offer())
        panel.show_state(panel.state.apply(state("offered", 31)))
        assert panel.state_label.text() == "Ringing"  # as a call's offer, until the desk
        desk.on_event(state("offered", 31))
        assert tasks.isVisible() and tasks.contact_id == 31
        assert panel.state_label.text() == "Voicemail offered"  # no phone rings
        assert panel.detail_label.text() == (
            "A voicemail message is offered to you: take it or decline it"
        )
        local = AT.astimezone().strftime("%Y-%m-%d %H:%M")
        assert tasks.about_label.text() == (
            f"+46701234567 left a message of 12 s in Kansliet at {local}"
        )
        assert tasks.take_button.isVisible() and not tasks.handled_button.isVisible()
        keep_shot(panel, "voicemail-task-offered.png")

        QTest.keyClick(panel, Qt.Key.Key_V, CTRL_SHIFT)
        await eventually(lambda: tasks.taken)
        assert server.asked == [("take", 31)]
        panel.show_state(panel.state.apply(state("busy", 31)))
        desk.on_event(state("busy", 31))  # the server's word: busy with the task
        assert tasks.taken and tasks.handled_button.isVisible()
        assert panel.state_label.text() == "Voicemail task"
        assert not panel.record_button.isVisible()  # no call to record
        assert not tasks.take_button.isVisible()
        QTest.keyClick(panel, Qt.Key.Key_B, CTRL_SHIFT)
        await eventually(lambda: bool(dialled))
        assert [d.target for d in dialled] == ["+46701234567"]
        assert tasks.status_label.text() == "Calling +46701234567 from your phone"
        keep_shot(panel, "voicemail-task-taken.png")

        QTest.keyClick(panel, Qt.Key.Key_H, CTRL_SHIFT)
        await eventually(lambda: tasks.task is None)
        assert server.asked == [("take", 31), ("handled", 7)]
        assert tasks.status_label.text() == "Marked handled: the voicemail task is done"
        panel.show_state(panel.state.apply(state("wrap_up")))
        assert panel.state_label.text() == "Wrap-up"
        desk.on_event(state("wrap_up"))
        assert tasks.status_label.text() == "Marked handled: the voicemail task is done"
        await desk.stop()

    run_on_qt_loop(qapp, work())


def test_declined_or_gone_elsewhere_the_task_clears_with_a_word(
    qtbot: QtBot, qapp: QApplication
) -> None:
    tasks = VoicemailTaskPanel()
    qtbot.addWidget(tasks)
    desk, server = wired(tasks, [])

    async def work() -> None:
        desk.on_event(state("available"))
        desk.on_event(offer(31, agent_id=9))  # a colleague's offer (a supervisor sees it)
        assert tasks.contact_id is None
        desk.on_event(offer(31))  # the agent is known now: shown at once
        assert tasks.contact_id == 31
        tasks.decline_button.click()
        await eventually(lambda: tasks.contact_id is None)
        assert server.asked == [("decline", 31)]
        assert tasks.status_label.text() == "Declined: it goes to a colleague"

        # Rang out: the state names no task any more.
        desk.on_event(offer(32))
        desk.on_event(state("offered", 32))
        desk.on_event(state("paused"))
        assert tasks.contact_id is None
        assert tasks.status_label.text() == "The voicemail task was offered elsewhere"

        # Taken, then handled by a reader in the Voicemail tab: the agent wraps up.
        desk.on_event(offer(33))
        desk.on_event(state("offered", 33))
        tasks.take_button.click()
        await eventually(lambda: tasks.taken)
        desk.on_event(state("busy", 33))
        desk.on_event(state("wrap_up"))
        assert tasks.task is None
        assert tasks.status_label.text() == ("The voicemail task is over: the message was handled")

        # Taken, then the agent logs out: the server puts the task back in its queue.
        desk.on_event(offer(34))
        desk.on_event(state("offered", 34))
        tasks.take_button.click()
        await eventually(lambda: tasks.taken)
        desk.on_event(state("busy", 34))
        desk.on_event(state("offline"))
        assert tasks.task is None
        assert tasks.status_label.text() == (
            "Logged out: the voicemail task went back to its queue"
        )
        await desk.stop()

    run_on_qt_loop(qapp, work())


def test_a_desktop_that_connects_again_shows_the_task_it_holds(
    qtbot: QtBot, qapp: QApplication
) -> None:
    tasks = VoicemailTaskPanel()
    qtbot.addWidget(tasks)
    desk, server = wired(tasks, [])

    async def work() -> None:
        desk.on_event(Welcome(protocol_version=PROTOCOL_VERSION, username="anna", role=Role.AGENT))
        await eventually(lambda: tasks.taken)
        assert server.asked == [("mine", 0)]
        assert (tasks.contact_id, tasks.task) == (31, TASK)
        assert tasks.handled_button.isEnabled()
        desk.on_event(state("busy", 31))  # the state that follows names it: kept
        assert tasks.taken
        await desk.stop()

    run_on_qt_loop(qapp, work())


def test_the_texts_are_translated(qtbot: QtBot, qapp: QApplication) -> None:
    def shown() -> list[str]:
        tasks = VoicemailTaskPanel()
        qtbot.addWidget(tasks)
        tasks.show_offer(31, TASK)
        texts = visible_texts(tasks)
        tasks.show_taken()
        return texts + visible_texts(tasks)

    english, swedish = untranslated_texts(qapp, shown, {"+46701234567", "Kansliet"})
    assert english == [], english
    assert "Ta" in swedish and "Markera hanterat" in swedish
