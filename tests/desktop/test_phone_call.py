"""The phone as the agent uses it, on real pjsua2: SIPp plays the server's agent leg,
the panel is clicked and keyed offscreen, and the bridge's QTimer pumps the softphone.

Offers reach the panel as the event socket gives them (``PhoneDesk.server_event``).
"""

import asyncio
import shutil
import socket
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from vaxla_desktop.api.errors import ServerError, ServerUnreachable
from vaxla_desktop.api.outbound import Placement, placement
from vaxla_desktop.core.call_state import Outcome
from vaxla_desktop.core.dial import parse_dial_link
from vaxla_desktop.core.phone_events import (
    Connected,
    Dialling,
    Ended,
    HoldChanged,
    Ringing,
    SoftphoneEvent,
)
from vaxla_desktop.phone import PhoneDesk
from vaxla_desktop.phone_settings import PhoneSettings
from vaxla_desktop.sip.audio import AudioChoice
from vaxla_desktop.sip.bridge import SoftphoneBridge
from vaxla_desktop.ui.audio_settings import AudioSettingsDialog
from vaxla_desktop.ui.phone_panel import PhonePanel
from vaxla_protocol.agent import AgentState, QueueState
from vaxla_protocol.control import TransferChanged, TransferKind, TransferState
from vaxla_protocol.directory import PersonItem
from vaxla_protocol.events import AgentStateChanged, OfferMade, QueueSnapshot
from vaxla_protocol.offers import make_offer_token, session_key
from vaxla_protocol.outbound import AgentPhone, SipCredentials, verify_session_header
from vaxla_server.network import free_media_port

SCENARIOS = Path(__file__).parent / "sipp"
KEY = session_key("the-agent's-bearer-token")
WAIT_MS = 10_000

pytestmark = pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp is not installed")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def bridge(qapp: QApplication) -> Iterator[SoftphoneBridge]:
    bridge = SoftphoneBridge(lambda: KEY, bind="127.0.0.1", audio=False)
    yield bridge
    bridge.close()


class Desk:
    def __init__(self, bridge: SoftphoneBridge, tmp_path: Path, *, auto_answer: bool) -> None:
        self.events: list[SoftphoneEvent] = []
        self.panel = PhonePanel()
        self.desk = PhoneDesk(
            self.panel,
            bridge,
            PhoneSettings(tmp_path / "settings.ini"),
            username="anna",
            spawn=lambda work: work.close(),
            server_url="http://127.0.0.1:8780",
            force_auto_answer=auto_answer,
        )
        bridge.sig_event.connect(self.events.append)

    def of_type(self, kind: type) -> list[SoftphoneEvent]:
        return [event for event in self.events if isinstance(event, kind)]

    def disconnect(self) -> None:
        self.desk.bridge.sig_event.disconnect(self.events.append)
        self.desk.bridge.sig_event.disconnect(self.panel.handle)


@pytest.fixture
def desk(bridge: SoftphoneBridge, qtbot: QtBot, tmp_path: Path) -> Iterator[Desk]:
    desk = Desk(bridge, tmp_path, auto_answer=False)
    qtbot.addWidget(desk.panel)
    desk.panel.show()
    qtbot.waitExposed(desk.panel)
    desk.panel.activateWindow()  # the keys are the window's shortcuts
    qtbot.waitUntil(desk.panel.isActiveWindow)
    yield desk
    desk.disconnect()


def start_sipp(
    scenario: str, bridge: SoftphoneBridge, offer_id: str, tmp_path: Path
) -> subprocess.Popen[bytes]:
    header = make_offer_token(KEY, offer_id).header_value()
    command = [
        *("sipp", bridge.softphone.address, "-sf", str(SCENARIOS / scenario)),
        *("-m", "1", "-i", "127.0.0.1", "-p", str(free_udp_port())),
        *("-mp", str(free_media_port()), "-key", "offer", header),
        *("-timeout", "15s", "-timeout_error", "-nostdin", "-trace_err"),
        *("-error_file", str(tmp_path / "sipp-errors.log")),
    ]
    return subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def offer(offer_id: str) -> OfferMade:
    return OfferMade(
        agent_id=1,
        offer_id=offer_id,
        contact_id=42,
        queue_id=3,
        queue="Support",
        caller="+46701234567",
        entry_point="100",
        wait_s=12.0,
        data={"personnummer": "********-9876"},
    )


def finish(sipp: subprocess.Popen[bytes], qtbot: QtBot, tmp_path: Path) -> None:
    qtbot.waitUntil(lambda: sipp.poll() is not None, timeout=WAIT_MS)
    errors = tmp_path / "sipp-errors.log"
    assert sipp.returncode == 0, errors.read_text() if errors.exists() else sipp.returncode


def test_an_offer_is_answered_held_resumed_and_hung_up(
    desk: Desk, qtbot: QtBot, tmp_path: Path
) -> None:
    panel = desk.panel
    rings: list[bool] = []
    panel.sig_ringing.connect(rings.append)
    desk.desk.server_event(offer("offer-held"))  # the socket's offer may come first
    sipp = start_sipp("offer_held.xml", desk.desk.bridge, "offer-held", tmp_path)
    try:
        qtbot.waitUntil(lambda: bool(desk.of_type(Ringing)), timeout=WAIT_MS)
        assert panel.state_label.text() == "Ringing"
        assert panel.caller_label.text() == "+46701234567"
        assert rings == [True] and desk.desk.bridge.softphone.ringing
        QTest.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(desk.of_type(Connected)), timeout=WAIT_MS)
        assert panel.state_label.text() == "In call"
        assert rings == [True, False] and not desk.desk.bridge.softphone.ringing

        QTest.keyClick(panel, Qt.Key.Key_F7)
        qtbot.waitUntil(lambda: panel.state_label.text() == "On hold", timeout=WAIT_MS)
        QTest.keyClick(panel, Qt.Key.Key_F7)
        qtbot.waitUntil(lambda: panel.state_label.text() == "In call", timeout=WAIT_MS)
        held = [event for event in desk.of_type(HoldChanged) if isinstance(event, HoldChanged)]
        assert [event.on_hold for event in held] == [True, False]

        QTest.mouseClick(panel.mute_button, Qt.MouseButton.LeftButton)
        assert panel.muted_label.isVisible()
        QTest.mouseClick(panel.keypad_button, Qt.MouseButton.LeftButton)
        QTest.mouseClick(panel.dtmf_pad.buttons["1"], Qt.MouseButton.LeftButton)

        QTest.keyClick(panel, Qt.Key.Key_F6)
        qtbot.waitUntil(lambda: bool(desk.of_type(Ended)), timeout=WAIT_MS)
        finish(sipp, qtbot, tmp_path)
    finally:
        sipp.kill()
        sipp.wait()
    assert panel.state_label.text() == "No call"
    entry = panel.history.entry(0)
    assert (entry.party, entry.queue, entry.outcome) == (
        "+46701234567",
        "Support",
        Outcome.ANSWERED,
    )
    assert desk.desk.bridge.softphone.calls == []


def test_an_offer_withdrawn_while_ringing_is_a_missed_call(
    desk: Desk, qtbot: QtBot, tmp_path: Path
) -> None:
    panel = desk.panel
    sipp = start_sipp("offer_cancelled.xml", desk.desk.bridge, "offer-missed", tmp_path)
    try:
        qtbot.waitUntil(lambda: bool(desk.of_type(Ringing)), timeout=WAIT_MS)
        desk.desk.server_event(offer("offer-missed"))  # or the socket's offer comes second
        assert "Support" in panel.queue_label.text()
        qtbot.waitUntil(lambda: bool(desk.of_type(Ended)), timeout=WAIT_MS)
        finish(sipp, qtbot, tmp_path)
    finally:
        sipp.kill()
        sipp.wait()
    assert panel.history.entry(0).outcome is Outcome.MISSED
    assert panel.tabs.tabText(1) == "History (1 missed)"
    assert not desk.desk.bridge.softphone.ringing


def test_auto_answer_takes_the_offer_without_a_click(
    bridge: SoftphoneBridge, qtbot: QtBot, tmp_path: Path
) -> None:
    desk = Desk(bridge, tmp_path, auto_answer=True)
    qtbot.addWidget(desk.panel)
    try:
        sipp = start_sipp("offer_answered.xml", bridge, "offer-auto", tmp_path)
        try:
            qtbot.waitUntil(lambda: bool(desk.of_type(Connected)), timeout=WAIT_MS)
            qtbot.waitUntil(lambda: bool(desk.of_type(Ended)), timeout=WAIT_MS)
            finish(sipp, qtbot, tmp_path)
        finally:
            sipp.kill()
            sipp.wait()
    finally:
        desk.disconnect()
    assert desk.panel.history.entry(0).outcome is Outcome.ANSWERED
    assert not bridge.softphone.ringing


def test_a_transfer_event_from_the_server_reaches_the_panel(desk: Desk) -> None:
    state = TransferState(
        transfer_id="t-1",
        contact_id=42,
        kind=TransferKind.AGENT,
        target="bo",
        attended=True,
        state="consulting",
    )
    desk.desk.server_event(TransferChanged(agent_id=1, transfer=state))  # no call: no change
    assert desk.panel.book.calls == {}


def test_colleagues_and_queues_from_the_socket_are_the_transfer_targets(desk: Desk) -> None:
    def agent(username: str) -> AgentStateChanged:
        return AgentStateChanged(
            agent=AgentState(
                agent_id=len(username),
                username=username,
                state="available",
                queues=[],
                member_of=[],
            )
        )

    queue = QueueState(
        id=1,
        name="Support",
        waiting=0,
        longest_wait_s=0,
        agents_logged_in=1,
        agents_available=1,
        agents_busy=0,
        agents_paused=0,
        agents_wrap_up=0,
        service_goal_percent=80,
        service_goal_s=20,
        offered_today=0,
        answered_today=0,
        abandoned_today=0,
        service_level_today=None,
    )
    for event in (agent("anna"), agent("cecilia"), agent("bo"), QueueSnapshot(queues=[queue])):
        desk.desk.server_event(event)
    assert desk.panel._agents == ["bo", "cecilia"]  # not anna herself
    assert desk.panel._queues == ["Support"]


def test_a_supervisor_taking_calls_keeps_only_its_own_offers(desk: Desk) -> None:
    """A supervisor's socket carries every agent's offers: once its own state has said
    which agent it is, the phone takes only those made to it."""
    me = AgentState(agent_id=7, username="anna", state="available", queues=[], member_of=[])
    desk.desk.server_event(AgentStateChanged(agent=me))
    desk.desk.server_event(offer("offer-to-agent-1"))
    assert "offer-to-agent-1" not in desk.panel.book._pending
    desk.desk.server_event(offer("offer-to-me").model_copy(update={"agent_id": 7}))
    assert "offer-to-me" in desk.panel.book._pending


def test_a_sip_link_dials_and_a_failed_call_is_not_reached(desk: Desk, qtbot: QtBot) -> None:
    port = free_udp_port()  # nobody listens there: the call fails
    desk.desk.dial(parse_dial_link(f"sip:support@127.0.0.1:{port}"))
    qtbot.waitUntil(lambda: bool(desk.of_type(Dialling)), timeout=WAIT_MS)
    assert desk.panel.state_label.text() == "Calling"
    QTest.keyClick(desk.panel, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: bool(desk.of_type(Ended)), timeout=WAIT_MS)
    assert desk.panel.history.entry(0).outcome is Outcome.NOT_REACHED


def test_numbers_are_dialled_through_the_servers_worker_with_the_session_header() -> None:
    number = parse_dial_link("tel:+46-8-123 45 67").target
    credentials = SipCredentials(
        realm="vaxla", username="1800000000:7", password="pw", expires_at=datetime.now(UTC)
    )
    phone = AgentPhone(sip_uri="sip:10.0.0.5:5080", outside_calls=True, credentials=credentials)
    place = placement(phone, KEY, 7, number)
    assert place is not None and place.uri == "sip:+4681234567@10.0.0.5:5080"
    assert verify_session_header(KEY, place.headers["X-Vaxla-Session"], number) == 7
    assert place.credentials == credentials
    assert placement(AgentPhone(sip_uri=None, outside_calls=False), KEY, 7, number) is None
    assert isinstance(place, Placement)
    # A phone registered over TLS calls over TLS too; without TLS at the server, as before.
    tls = phone.model_copy(update={"tls_uri": "sip:10.0.0.5:5081;transport=tls"})
    over_tls = placement(tls, KEY, 7, number, tls=True)
    assert over_tls is not None
    assert over_tls.uri == "sip:+4681234567@10.0.0.5:5081;transport=tls"
    assert placement(phone, KEY, 7, number, tls=True) == place


@pytest.mark.parametrize(
    ("link", "words"),
    [
        ("tel:*12#", "*12# cannot be called"),  # a service code: not an outside number
        ("tel:+46701234567", "log in first"),  # no session: no server to call through
    ],
)
def test_a_number_the_server_cannot_call_is_refused_in_the_panel(
    desk: Desk, link: str, words: str
) -> None:
    desk.desk.dial(parse_dial_link(link))
    assert words in desk.panel.notice_label.text()
    assert not desk.of_type(Dialling)


def test_a_malformed_number_typed_in_the_panel_is_refused_with_the_reason(desk: Desk) -> None:
    desk.panel.sig_dial.emit("12ab")
    assert "cannot dial 'tel:12ab': a number has only digits" in desk.panel.notice_label.text()
    assert not desk.of_type(Dialling)


def test_a_control_the_call_cannot_take_yet_says_so(
    desk: Desk, qtbot: QtBot, tmp_path: Path
) -> None:
    sipp = start_sipp("offer_answered.xml", desk.desk.bridge, "offer-early", tmp_path)
    try:
        qtbot.waitUntil(lambda: bool(desk.of_type(Ringing)), timeout=WAIT_MS)
        (ringing,) = desk.of_type(Ringing)
        assert isinstance(ringing, Ringing)
        desk.desk.bridge.set_held(ringing.call, True)  # not answered: pjsip refuses
        assert desk.panel.notice_label.text().startswith("The phone could not do that: call")
        assert desk.panel.state_label.text() == "Ringing"
        QTest.keyClick(desk.panel, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: bool(desk.of_type(Ended)), timeout=WAIT_MS)
        finish(sipp, qtbot, tmp_path)
    finally:
        sipp.kill()
        sipp.wait()


def test_the_sound_dialog_keeps_the_choice_and_turns_auto_answer_on(
    desk: Desk, qtbot: QtBot, tmp_path: Path
) -> None:
    shown: list[AudioSettingsDialog] = []

    def accept() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AudioSettingsDialog)
        shown.append(dialog)
        dialog.auto_answer_check.setChecked(True)
        dialog.accept()

    QTimer.singleShot(0, accept)
    QTest.mouseClick(desk.panel.sound_button, Qt.MouseButton.LeftButton)
    (dialog,) = shown
    assert dialog.no_devices_label.isVisibleTo(dialog)  # this machine has none
    assert desk.panel.auto_answer and desk.panel.auto_answer_label.isVisible()
    settings = PhoneSettings(tmp_path / "settings.ini")
    assert settings.auto_answer("anna") and not settings.auto_answer("bo")
    assert settings.audio == AudioChoice()


class DirectoryDouble:
    """The directory's API as the desk sees it: the people, or a server out of reach."""

    def __init__(self, people: list[PersonItem]) -> None:
        self.answer: list[PersonItem] | ServerError = people
        self.asked = 0

    async def people(self, query: str = "") -> list[PersonItem]:
        self.asked += 1
        if isinstance(self.answer, ServerError):
            raise self.answer
        return self.answer


def test_the_transfer_dialog_offers_the_directory_as_it_is_when_it_opens(
    bridge: SoftphoneBridge, qtbot: QtBot, tmp_path: Path
) -> None:
    anna = PersonItem(name="Anna Lindqvist", extension="agent1")
    directory = DirectoryDouble([anna])
    panel = PhonePanel()
    qtbot.addWidget(panel)
    desk = PhoneDesk(
        panel, bridge, PhoneSettings(tmp_path / "settings.ini"), username="bo",
        spawn=asyncio.run, directory=directory,  # type: ignore[arg-type]
    )  # fmt: skip
    assert desk.directory is not None
    panel.sig_transfer_opened.emit()
    assert directory.asked == 1 and panel._people == [anna]
    directory.answer = ServerUnreachable("http://127.0.0.1:1", "refused")
    panel.sig_transfer_opened.emit()  # the last list is kept when the server is away
    assert directory.asked == 2 and panel._people == [anna]
    bridge.sig_event.disconnect(panel.handle)
