"""A stand-by agent's panel (R23): the Stand by button only for a stand-by agent, set by
the server's word, and the notice when the server logs it in or out, in English and
Swedish, with screenshots."""

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.test_agent_panel import busy_state, panel
from tests.desktop.test_agent_panel_state import SALES, SUPPORT, Clock, agent
from tests.desktop.test_translations import untranslated_texts
from tests.shots import keep_shot
from vaxla_desktop.core.agent_panel import Changed
from vaxla_desktop.i18n import Language, install_translation


def test_only_a_stand_by_agent_has_the_button_and_the_server_sets_it(qtbot: QtBot) -> None:
    state = busy_state(Clock())
    widget = panel(qtbot, state)
    assert not widget.standby_button.isVisible()
    state.apply(agent(7, "anna", "offline", member_of=(SUPPORT, SALES), standby=True))
    widget.show_state(Changed.ME)
    assert widget.standby_button.isVisible() and not widget.standby_button.isChecked()
    with qtbot.waitSignal(widget.sig_standby_requested) as asked:
        widget.standby_button.click()
    assert asked.args == [True]
    assert not widget.standby_button.isChecked()  # until the server says so
    state.apply(
        agent(7, "anna", "offline", member_of=(SUPPORT, SALES), standby=True, standing_by=True)
    )
    widget.show_state(Changed.ME)
    assert widget.standby_button.isChecked()
    with qtbot.waitSignal(widget.sig_standby_requested) as asked:
        widget.standby_button.click()
    assert asked.args == [False]


def test_the_notice_of_a_move_in_both_languages(qtbot: QtBot, qapp: QApplication) -> None:
    def shown() -> list[str]:
        state = busy_state(Clock())
        state.apply(agent(7, "anna", member_of=(SUPPORT, SALES), standby=True, standing_by=True))
        widget = panel(qtbot, state)
        widget.show_standby_move("Support", logged_in=True)
        texts = [widget.note_label.text(), widget.standby_button.text()]
        widget.show_standby_move("Support", logged_in=False)
        return [*texts, widget.note_label.text(), widget.standby_button.toolTip()]

    untranslated, swedish = untranslated_texts(qapp, shown, {"Support"})
    assert untranslated == []
    assert swedish[0] == "Beredskap: servern loggade in dig i Support, där uppringare behöver dig."
    english = shown()
    assert english[2] == "Stand-by: the server logged you out of Support; it is calm again."
    for language in (Language.ENGLISH, Language.SWEDISH):
        translators = install_translation(qapp, language) if language is Language.SWEDISH else []
        try:
            state = busy_state(Clock())
            state.apply(
                agent(7, "anna", member_of=(SUPPORT, SALES), standby=True, standing_by=True)
            )
            widget = panel(qtbot, state)
            widget.show_standby_move("Support", logged_in=True)
            QApplication.processEvents()
            keep_shot(widget, f"alarms-standby-agent-{language.value}.png")
        finally:
            for translator in translators:
                qapp.removeTranslator(translator)
