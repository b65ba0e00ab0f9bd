"""One running app: later starts hand it their tel: links, and macOS's open events reach
it too."""

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QFileOpenEvent
from pytestqt.qtbot import QtBot

from vaxla_desktop.core.dial import DialRequest, DialScheme
from vaxla_desktop.single_instance import LinkReceiver, hand_over, instance_name

NUMBER = DialRequest(DialScheme.TEL, "+4681234567")


@pytest.fixture
def receiver() -> Iterator[LinkReceiver]:
    links = LinkReceiver(f"vaxla-test-{uuid.uuid4().hex}")
    assert links.listen()
    yield links
    links.close()


def test_a_later_start_hands_its_link_to_the_running_app(
    qtbot: QtBot, receiver: LinkReceiver
) -> None:
    with qtbot.waitSignal(receiver.sig_link, timeout=5000) as link:
        assert hand_over(receiver.name, "tel:+46-8-123 45 67")
    assert link.args == [NUMBER]


def test_a_later_start_from_another_process(qtbot: QtBot, receiver: LinkReceiver) -> None:
    later = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from vaxla_desktop.single_instance import hand_over; "
            "sys.exit(0 if hand_over(sys.argv[1], sys.argv[2]) else 1)",
            receiver.name,
            "sip:1001@pbx.example.se",
        ]
    )
    try:
        with qtbot.waitSignal(receiver.sig_link, timeout=20000) as link:
            pass
        assert later.wait(timeout=20) == 0
    finally:
        if later.poll() is None:
            later.kill()
            later.wait()
    assert link.args == [DialRequest(DialScheme.SIP, "1001@pbx.example.se")]


@pytest.mark.parametrize("text", [None, "mailto:anna@example.se"])
def test_a_later_start_without_a_number_brings_the_app_to_the_front(
    qtbot: QtBot, receiver: LinkReceiver, text: str | None
) -> None:
    with qtbot.assertNotEmitted(receiver.sig_link), qtbot.waitSignal(receiver.sig_to_front):
        assert hand_over(receiver.name, text)


def test_no_app_running_means_no_hand_over() -> None:
    assert not hand_over(f"vaxla-test-{uuid.uuid4().hex}", "tel:112")


def test_a_second_receiver_does_not_take_the_first_ones_links(receiver: LinkReceiver) -> None:
    second = LinkReceiver(receiver.name)
    try:
        assert not second.listen()
    finally:
        second.close()


def test_macos_open_events_are_dialled(qtbot: QtBot, receiver: LinkReceiver) -> None:
    app = QCoreApplication.instance()
    assert app is not None
    app.installEventFilter(receiver)
    try:
        with qtbot.waitSignal(receiver.sig_link, timeout=1000) as link:
            QCoreApplication.sendEvent(app, QFileOpenEvent(QUrl("tel:+4681234567")))
    finally:
        app.removeEventFilter(receiver)
    assert link.args == [NUMBER]


def test_each_user_and_settings_place_has_its_own_instance(tmp_path: Path) -> None:
    assert instance_name(None) == instance_name(None)
    assert instance_name(tmp_path / "a.ini") != instance_name(tmp_path / "b.ini")
    assert instance_name(tmp_path / "a.ini") != instance_name(None)
