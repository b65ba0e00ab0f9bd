"""The login window, driven by keyboard and mouse as an agent would."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from vaxla_desktop.api import UnknownCertificate
from vaxla_desktop.discovery import SERVICE_TYPE, server_from_records
from vaxla_desktop.session import LoginForm
from vaxla_desktop.ui.login_window import LoginWindow
from vaxla_desktop.ui.server_model import ServerListModel
from vaxla_protocol import PROTOCOL_VERSION

FINGERPRINT = ":".join(["C3"] * 32)


def login_window(qtbot: QtBot, **kwargs: object) -> LoginWindow:
    window = LoginWindow(ServerListModel(), **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_enter_in_the_password_field_logs_in(qtbot: QtBot) -> None:
    window = login_window(qtbot, server_url="http://127.0.0.1:8780", username="anna")
    QTest.keyClicks(window.password_edit, "secret")
    with qtbot.waitSignal(window.sig_login_requested) as requested:
        QTest.keyClick(window.password_edit, Qt.Key.Key_Return)
    assert requested.args == [
        LoginForm(server_url="http://127.0.0.1:8780", username="anna", password="secret")
    ]
    assert not window.login_button.isEnabled()
    assert window.status_label.text() == "Connecting…"


def test_missing_fields_are_named_and_nothing_is_sent(qtbot: QtBot) -> None:
    window = login_window(qtbot, server_url="http://127.0.0.1:8780")
    with qtbot.assertNotEmitted(window.sig_login_requested):
        QTest.mouseClick(window.login_button, Qt.MouseButton.LeftButton)
    assert window.error_label.isVisible()
    assert window.error_label.text() == "Fill in the user name, password."
    assert window.login_button.isEnabled()


def test_an_error_is_shown_in_the_window_and_the_form_is_usable_again(qtbot: QtBot) -> None:
    window = login_window(qtbot, server_url="http://h:1", username="anna")
    window.password_edit.setText("wrong")
    window.set_busy(True)
    window.show_error("Wrong user name or password.")
    assert window.error_label.isVisible()
    assert window.error_label.text() == "Wrong user name or password."
    assert window.password_edit.isEnabled()
    assert window.focusWidget() is window.password_edit


def test_every_control_has_an_accessible_name(qtbot: QtBot) -> None:
    window = login_window(qtbot)
    window.ask_trust(UnknownCertificate("https://h:8780", FINGERPRINT))
    controls = [
        widget
        for widget in window.findChildren(QWidget)
        if isinstance(widget, QLineEdit | QAbstractButton | QAbstractItemView)
    ]
    assert len(controls) >= 8
    assert [widget for widget in controls if not widget.accessibleName()] == []


def test_picking_a_found_server_fills_its_address_and_fingerprint(qtbot: QtBot) -> None:
    window = login_window(qtbot, username="anna")
    assert window.no_servers_label.isVisible()
    records = {
        "api": "https://10.0.0.9:8780/api/v1",
        "fp": FINGERPRINT,
        "pv": str(PROTOCOL_VERSION),
    }
    window._servers.server_found(server_from_records(f"Växel.{SERVICE_TYPE}", records))
    assert not window.no_servers_label.isVisible()
    index = window._servers.index(0)
    rect = window.server_list.visualRect(index)
    QTest.mouseClick(
        window.server_list.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        rect.center(),
    )
    assert window.server_edit.text() == "https://10.0.0.9:8780"
    assert window.form().advertised_fingerprint == FINGERPRINT
    assert window.focusWidget() is window.password_edit
    # Typing another address drops the advertised fingerprint.
    QTest.keyClicks(window.server_edit, "1")
    assert window.form().advertised_fingerprint is None


def test_a_new_certificate_is_shown_and_trusting_it_is_a_choice(qtbot: QtBot) -> None:
    window = login_window(qtbot)
    window.set_busy(True)
    window.ask_trust(UnknownCertificate("https://h:8780", FINGERPRINT))
    assert window.trust_panel.isVisible()
    assert window.fingerprint_label.text().replace("\n", "") == FINGERPRINT
    assert "https://h:8780" in window.trust_heading.text()
    assert window.focusWidget() is window.trust_button
    with qtbot.waitSignal(window.sig_trust_accepted) as accepted:
        QTest.keyClick(window.trust_button, Qt.Key.Key_Space)
    assert accepted.args == ["https://h:8780", FINGERPRINT]
    assert not window.trust_panel.isVisible()


def test_not_trusting_says_so_and_sends_nothing(qtbot: QtBot) -> None:
    window = login_window(qtbot)
    window.ask_trust(UnknownCertificate("https://h:8780", FINGERPRINT))
    with qtbot.assertNotEmitted(window.sig_trust_accepted):
        QTest.mouseClick(window.distrust_button, Qt.MouseButton.LeftButton)
    assert not window.trust_panel.isVisible()
    assert "did not trust" in window.error_label.text()


def test_without_a_keyring_remember_me_is_off_and_explained(qtbot: QtBot) -> None:
    window = login_window(qtbot, remember_me=True, can_remember=False)
    assert not window.remember_box.isEnabled()
    assert not window.remember_box.isChecked()
    assert "asked each time" in window.remember_box.toolTip()


def test_a_found_server_with_the_remembered_address_is_shown_chosen(qtbot: QtBot) -> None:
    window = login_window(qtbot, server_url="https://10.0.0.9:8780")
    for name, address in (("A", "http://10.0.0.1:8780"), ("B", "https://10.0.0.9:8780")):
        records = {"api": f"{address}/api/v1", "fp": FINGERPRINT}
        window._servers.server_found(server_from_records(f"{name}.{SERVICE_TYPE}", records))
    assert window.server_list.currentIndex().row() == 1
    assert window.server_list.selectionModel().isRowSelected(1)
    assert window.form().advertised_fingerprint == FINGERPRINT
