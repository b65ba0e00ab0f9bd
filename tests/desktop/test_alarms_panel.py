"""The supervisor's alarms panel (R24) offscreen: its model under the model tester, the
raised alarms in red, acknowledged by button and by keyboard, in English and Swedish,
with screenshots of the real-time view carrying it."""

from datetime import timedelta

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.desktop.test_agent_panel_state import START, SUPPORT, Clock
from tests.desktop.test_realtime_view import centre, model_texts, view
from tests.desktop.test_translations import untranslated_texts, visible_texts
from tests.shots import keep_shot
from vaxla_desktop.core.realtime import RealtimeChanged, RealtimeState
from vaxla_desktop.i18n import Language, install_translation
from vaxla_desktop.ui.alarms_panel import RAISED_COLOUR, SEEN_COLOUR, AlarmTableModel
from vaxla_desktop.ui.realtime_view import RealtimeView
from vaxla_protocol.alarms import AlarmsChanged, AlarmState


def alarm(rule: str, *, seen_by: str | None = None, **fields: object) -> AlarmState:
    values: dict[str, object] = {
        "rule": rule,
        "queue_id": SUPPORT.id,
        "queue": SUPPORT.name,
        "metric": "waiting_count",
        "comparison": ">=",
        "threshold": 2,
        "value": 3,
        "severity": "critical",
        "raised_at": START - timedelta(minutes=2),
        "acknowledged_by": seen_by,
        "acknowledged_at": None if seen_by is None else START - timedelta(minutes=1),
    }
    return AlarmState.model_validate(values | fields)


ALARMS = [
    alarm("support-waiting"),
    alarm(
        "support-slow",
        seen_by="sofia",
        metric="longest_wait_s",
        comparison=">",
        threshold=60,
        value=75,
    ),
]


def with_alarms(state: RealtimeState) -> RealtimeState:
    assert state.apply(AlarmsChanged(alarms=ALARMS)) is RealtimeChanged.ALARMS
    return state


def test_the_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = AlarmTableModel()
    model.refresh(ALARMS)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    model.refresh(ALARMS[1:])
    model.refresh([])
    model.refresh(ALARMS)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_raised_alarms_are_red_until_acknowledged(qtbot: QtBot) -> None:
    widget = view(qtbot, with_alarms(centre(Clock())))
    widget.show_state(RealtimeChanged.ALARMS)
    panel, model = widget.alarms, widget.alarms.model
    assert panel.isVisible() and panel.view.isVisible()
    assert panel.title() == "Alarms: 2 raised, 1 not acknowledged"
    rows = [
        [str(model.index(r, c).data()) for c in range(model.columnCount(QModelIndex()))]
        for r in range(model.rowCount())
    ]
    assert [row[:3] for row in rows] == [
        ["Support", "support-waiting", "calls waiting: 3 (>= 2)"],
        ["Support", "support-slow", "longest wait (s): 75 (> 60)"],
    ]
    assert rows[0][4] == "Not yet" and rows[1][4].startswith("sofia at ")
    brushes = [model.index(r, 0).data(Qt.ItemDataRole.BackgroundRole) for r in range(2)]
    assert all(isinstance(b, QBrush) for b in brushes)
    assert [b.color().name() for b in brushes] == [RAISED_COLOUR.lower(), SEEN_COLOUR.lower()]
    QApplication.processEvents()  # the new layout, as the app's loop would make it
    keep_shot(widget, "alarms-supervisor-en.png")


def test_acknowledged_by_button_and_by_keyboard(qtbot: QtBot) -> None:
    widget = view(qtbot, with_alarms(centre(Clock())))
    widget.show_state(RealtimeChanged.ALARMS)
    panel = widget.alarms
    asked: list[str] = []
    widget.sig_acknowledge_requested.connect(asked.append)
    # Nothing selected: the newest not acknowledged (the rows stay red, not selected).
    assert not panel.view.selectionModel().hasSelection()
    assert panel.selected() == ALARMS[0] and panel.acknowledge_button.isEnabled()
    panel.acknowledge_button.click()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    with qtbot.waitSignal(widget.sig_acknowledge_requested):  # a shortcut's click comes later
        QTest.keyClick(
            widget,
            Qt.Key.Key_A,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert asked == ["support-waiting", "support-waiting"]
    # An acknowledged one cannot be acknowledged again.
    panel.view.selectRow(1)
    assert not panel.acknowledge_button.isEnabled()
    panel._on_acknowledge()
    assert asked == ["support-waiting", "support-waiting"]
    # The server's next word moves the panel: none raised now.
    widget.state.apply(AlarmsChanged(alarms=[]))
    widget.show_state(RealtimeChanged.ALARMS)
    assert panel.title() == "Alarms" and panel.none_label.isVisible()
    assert not panel.view.isVisible() and not panel.acknowledge_button.isEnabled()


def test_the_read_only_view_has_no_alarms(qtbot: QtBot) -> None:
    widget = view(qtbot, with_alarms(centre(Clock())), may_act=False)
    assert not widget.alarms.isVisible()


def test_every_text_of_the_panel_is_swedish(qtbot: QtBot, qapp: QApplication) -> None:
    def shown() -> list[str]:
        widget = view(qtbot, with_alarms(centre(Clock())))
        widget.show_state(RealtimeChanged.ALARMS)
        model = widget.alarms.model
        texts = [*visible_texts(widget.alarms), widget.alarms.title()]
        texts += model_texts(model, (AlarmTableModel.FIGURE, AlarmTableModel.SEEN))
        empty = RealtimeView(RealtimeState(Clock()), Language.ENGLISH, may_act=True)
        qtbot.addWidget(empty)
        return [*texts, empty.alarms.title(), empty.alarms.none_label.text()]

    untranslated, _ = untranslated_texts(qapp, shown, {"Support", "support-waiting"})
    assert untranslated == []
    translators = install_translation(qapp, Language.SWEDISH)
    try:
        widget = view(qtbot, with_alarms(centre(Clock())))
        widget.show_state(RealtimeChanged.ALARMS)
        QApplication.processEvents()
        keep_shot(widget, "alarms-supervisor-sv.png")
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
