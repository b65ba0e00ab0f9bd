import datetime as dt
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from vaxla_desktop.api import ServerUnreachable, SessionEnded
from vaxla_desktop.core.connection import ConnectionPhase, ConnectionStatus
from vaxla_desktop.ui.main_window import MainWindow
from vaxla_protocol import PROTOCOL_VERSION, CurrentUser, Health, Role


def distinct_colours(image: QImage) -> int:
    return len(
        {image.pixel(x, y) for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}
    )


def test_main_window_shows_target_user_and_health(qtbot: QtBot, tmp_path: Path) -> None:
    window = MainWindow(server_url="http://127.0.0.1:8780", user="anna")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    window.show_health(Health(status="ok", version="0.1.0", protocol_version=PROTOCOL_VERSION))

    assert window.server_label.text() == "http://127.0.0.1:8780"
    assert window.user_label.text() == "anna"
    assert window.health_label.text() == f"ok — server 0.1.0, protocol {PROTOCOL_VERSION}"
    screenshot = tmp_path / "main_window.png"
    assert window.grab().save(str(screenshot))
    image = QImage(str(screenshot))
    assert not image.isNull()
    # Rendered text gives many shades (anti-aliasing); a blank window gives one or two.
    assert distinct_colours(image) > 10


def test_main_window_shows_a_problem(qtbot: QtBot) -> None:
    window = MainWindow(server_url="http://127.0.0.1:1", user="anna")
    qtbot.addWidget(window)
    window.show_problem("http://127.0.0.1:1: connection refused")
    assert window.health_label.text() == "http://127.0.0.1:1: connection refused"


def test_the_banner_shows_a_loss_with_the_next_try_and_goes_when_connected(
    qtbot: QtBot,
) -> None:
    window = MainWindow(server_url="http://127.0.0.1:8780", user="anna")
    qtbot.addWidget(window)
    window.show()
    assert not window.banner.isVisible()
    unreachable = ServerUnreachable("http://127.0.0.1:8780", "connection refused")
    lost = ConnectionStatus(ConnectionPhase.LOST, attempt=2, next_retry_at=12.0, reason="x")
    window.banner.show_status(
        lost, unreachable, retry_in_s=4.0, now=dt.datetime(2026, 11, 22, 9, 15, 0)
    )
    assert window.banner.isVisible()
    assert window.banner.message_label.text() == (
        "Connection to the server lost. Cannot reach the server at http://127.0.0.1:8780. "
        "Next try at 09:15:04 (try 2)."
    )
    window.banner.show_status(ConnectionStatus(ConnectionPhase.RECONNECTING, attempt=2), None)
    assert "Reconnecting now (try 2)" in window.banner.message_label.text()
    window.banner.show_status(ConnectionStatus(ConnectionPhase.CONNECTED), None)
    assert not window.banner.isVisible()


def test_a_given_up_connection_says_why(qtbot: QtBot) -> None:
    window = MainWindow(server_url="http://127.0.0.1:8780", user="anna")
    qtbot.addWidget(window)
    window.show()
    window.banner.show_status(ConnectionStatus(ConnectionPhase.GIVEN_UP), SessionEnded())
    assert window.banner.isVisible()
    assert window.banner.message_label.text() == (
        "Disconnected from the server. Your session on the server has ended. Log in again."
    )


def test_the_main_window_shows_who_is_logged_in(qtbot: QtBot) -> None:
    window = MainWindow(server_url="http://127.0.0.1:8780", user="anna")
    qtbot.addWidget(window)
    window.show_user(CurrentUser(username="anna", display_name="Anna Berg", role=Role.AGENT))
    assert window.user_label.text() == "Anna Berg (anna), agent"
    assert window.windowTitle() == "Vaxla — Anna Berg"


def test_the_agent_panel_goes_left_and_the_phone_right_whatever_comes_first(
    qtbot: QtBot,
) -> None:
    window = MainWindow(server_url="http://127.0.0.1:8780", user="anna")
    qtbot.addWidget(window)
    phone, agent, new_phone = QLabel("phone"), QLabel("agent"), QLabel("new phone")
    window.set_phone_panel(phone)
    window.set_agent_panel(agent)
    area = window.panel_area
    assert [area.widget(i) for i in range(area.count())] == [agent, phone]
    window.set_phone_panel(new_phone)
    assert [area.widget(i) for i in range(area.count())] == [agent, new_phone]
    assert window.phone_panel is new_phone and window.agent_panel is agent
