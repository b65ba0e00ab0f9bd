from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from vaxla_desktop.ui.main_window import MainWindow
from vaxla_protocol import PROTOCOL_VERSION, Health


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
