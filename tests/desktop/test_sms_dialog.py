"""The SMS dialog (R25): the templates filled in for the caller, previewed in Swedish or
English, sent by keyboard; what it refuses to ask and how it shows the answer; opened
from the phone panel by its button and by Ctrl+Shift+S. Screenshots in both languages
(``build/shots/sms-*.png``)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.shots import keep_shot
from vaxla_desktop.i18n import Language, install_translation
from vaxla_desktop.ui.phone_panel import PhonePanel
from vaxla_desktop.ui.sms_dialog import SmsDialog
from vaxla_protocol.sms import AgentSmsOptions, AgentSmsRequest, AgentSmsTemplate, SmsQueued

OPTIONS = AgentSmsOptions(
    to="+46701234567",
    contact_id=42,
    queue="Support",
    sender="Kommunen",
    templates=[
        AgentSmsTemplate(
            name="callback",
            text_sv="Hej! Vi i Support ringer upp dig i dag. /Kommunen",
            text_en="Hi! We in Support will call you back today. /Kommunen",
        ),
        AgentSmsTemplate(
            name="closed",
            text_sv="Support har stängt. Välkommen åter i morgon 08-17.",
            text_en="Support is closed. Welcome back tomorrow 8-17.",
        ),
    ],
    may_send_to_any_number=False,
)


@pytest.fixture
def dialog(qtbot: QtBot) -> SmsDialog:
    dialog = SmsDialog(OPTIONS)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_preview_follows_the_template_and_the_language(dialog: SmsDialog) -> None:
    assert dialog.template_list.count() == 2
    assert dialog.to_edit.text() == "+46701234567" and dialog.to_edit.isReadOnly()
    assert dialog.sender_label.text() == "Kommunen"
    assert dialog.preview.toPlainText() == OPTIONS.templates[0].text_sv
    dialog.english_radio.click()
    assert dialog.preview.toPlainText() == OPTIONS.templates[0].text_en
    dialog.template_list.setCurrentRow(1)
    assert dialog.preview.toPlainText() == OPTIONS.templates[1].text_en
    assert dialog.count_label.text() == f"{len(OPTIONS.templates[1].text_en)} characters"


def test_sent_by_keyboard_and_the_answer_shown(dialog: SmsDialog, qtbot: QtBot) -> None:
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    dialog.template_list.setFocus()
    QTest.keyClick(dialog.template_list, Qt.Key.Key_Down)
    QTest.keyClick(dialog.template_list, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.english_radio.isChecked)  # a mnemonic clicks as an animation
    with qtbot.waitSignal(dialog.sig_send) as asked:
        QTest.keyClick(dialog.template_list, Qt.Key.Key_Return)
    assert asked.args == [AgentSmsRequest(template="closed", language="en")]
    assert not dialog.send_button.isEnabled()  # until the server answers
    dialog.show_sent(
        SmsQueued(id=7, to="+46701234567", sender="Kommunen", text=OPTIONS.templates[1].text_en)
    )
    assert "The SMS to +46701234567 is on its way (from Kommunen)" in dialog.message_label.text()
    assert dialog.send_button.isEnabled()


def test_no_caller_no_sending(qtbot: QtBot) -> None:
    dialog = SmsDialog(OPTIONS.model_copy(update={"to": None, "why_not": "a hidden number"}))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.send_button.isEnabled()
    assert dialog.message_label.text() == "No SMS can go to the caller: a hidden number"
    dialog.show_error("the SMS gateway is down")  # a server's refusal, shown as it is
    assert dialog.message_label.text() == "the SMS gateway is down"


def test_another_number_only_where_allowed(qtbot: QtBot) -> None:
    dialog = SmsDialog(OPTIONS.model_copy(update={"may_send_to_any_number": True}))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.to_edit.isReadOnly()
    dialog.to_edit.setText("070-999 99 99")
    with qtbot.waitSignal(dialog.sig_send) as asked:
        dialog.send_button.click()
    assert asked.args[0].to == "070-999 99 99"  # the server normalises it, or says why not


def test_the_phone_panel_asks_for_the_dialog(qtbot: QtBot) -> None:
    panel = PhonePanel()
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.sig_sms):
        panel.sms_button.click()
    with qtbot.waitActive(panel):
        panel.activateWindow()
    with qtbot.waitSignal(panel.sig_sms):
        QTest.keyClick(
            panel,
            Qt.Key.Key_S,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    opened = panel.open_sms(OPTIONS)
    assert opened.isVisible() and panel.sms_dialog is opened


def test_screenshots_in_both_languages(qtbot: QtBot, qapp: QApplication) -> None:
    for language in (Language.ENGLISH, Language.SWEDISH):
        translators = install_translation(qapp, language)
        try:
            dialog = SmsDialog(OPTIONS)
            qtbot.addWidget(dialog)
            dialog.show()
            dialog.resize(460, 480)
            qtbot.waitExposed(dialog)
            keep_shot(dialog, f"sms-dialog-{language.value}.png")
            panel = PhonePanel()
            qtbot.addWidget(panel)
            panel.show()
            panel.resize(620, 420)
            qtbot.waitExposed(panel)
            keep_shot(panel, f"sms-phone-panel-{language.value}.png")
            if language is Language.SWEDISH:
                assert dialog.send_button.text() == "S&kicka"
                assert dialog.windowTitle() == "Skicka sms till den som ringde"
        finally:
            for translator in translators:
                qapp.removeTranslator(translator)
