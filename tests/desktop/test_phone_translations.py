"""The softphone's windows speak Swedish: every visible text, name and tooltip of the
phone panel (ringing, in a call, with history), the transfer and the sound dialogs."""

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.desktop.test_translations import data_free, same_in_both_languages, visible_texts
from vaxla_desktop.core.call_state import CallBook
from vaxla_desktop.core.phone_events import (
    AudioRouteChanged,
    Connected,
    Ended,
    FrontChanged,
    Ringing,
)
from vaxla_desktop.i18n import Language, install_translation
from vaxla_desktop.sip.audio import AudioChoice, AudioDevice
from vaxla_desktop.ui.audio_settings import AudioSettingsDialog
from vaxla_desktop.ui.phone_panel import PhonePanel
from vaxla_desktop.ui.transfer_dialog import TransferDialog
from vaxla_protocol.control import TransferKind, TransferState
from vaxla_protocol.events import OfferMade

OFFER = OfferMade(
    agent_id=1,
    offer_id="offer-1",
    contact_id=42,
    queue_id=3,
    queue="Support",
    caller="+46701234567",
    entry_point="100",
    wait_s=83.0,
    data={},
)
DATA = ("Support", "+46701234567", "Jabra Evolve", "bo")


def phone_windows(qtbot: QtBot) -> list[QWidget]:
    ringing = PhonePanel(CallBook(clock=lambda: 10.0))
    ringing.show_offer(OFFER)
    ringing.handle(Ringing(1, "offer-1", "sip:q@h"))
    in_call = PhonePanel(CallBook(clock=lambda: 10.0))
    in_call.set_auto_answer(True)
    in_call.handle(Ringing(2, "offer-2", "sip:q@h"))
    in_call.handle(Ended(2, "remote", 487, ""))
    in_call.show_offer(OFFER)
    in_call.handle(Ringing(1, "offer-1", "sip:q@h"))
    in_call.handle(Connected(1))
    in_call.handle(AudioRouteChanged(None, None, None, ("ALSA/Jabra Evolve",), False))
    in_call.mute_button.click()
    callback = PhonePanel(CallBook(clock=lambda: 10.0))
    callback.show_offer(
        OFFER.model_copy(update={"offer_id": "offer-3", "callback_number": "+46701234567"})
    )
    callback.handle(Ringing(3, "offer-3", "sip:q@h"))
    callback.handle(Ringing(4, "offer-1", "sip:q@h"))
    callback.show_offer(OFFER)
    history = PhonePanel()
    history.handle(Ringing(1, "offer-9", "sip:q@h"))
    history.handle(Ended(1, "remote", 487, ""))
    history.tabs.setCurrentIndex(1)
    transfer = TransferDialog(42, agents=["bo"], queues=["Support"])
    transfer.show_state(
        TransferState(
            transfer_id="t",
            contact_id=42,
            kind=TransferKind.AGENT,
            target="bo",
            attended=True,
            state="consulting",
        )
    )
    sound = AudioSettingsDialog(
        [AudioDevice(0, "HDMI", "ALSA", 0, 2)],
        AudioChoice(speaker="ALSA/Jabra Evolve"),
        auto_answer=False,
    )
    no_sound = AudioSettingsDialog([], AudioChoice(), auto_answer=True)
    pinned_elsewhere = PhonePanel()
    pinned_elsewhere.handle(FrontChanged(False, "another certificate", certificate=True))
    refused = PhonePanel()
    refused.handle(FrontChanged(False, "403 Forbidden"))
    windows: list[QWidget] = [
        ringing, in_call, callback, history, transfer, sound, no_sound, pinned_elsewhere, refused,
    ]  # fmt: skip
    for window in windows:
        qtbot.addWidget(window)
        window.show()
    callback.resize(560, 460)
    callback._refresh_times()
    return windows


def test_every_visible_text_of_the_phone_is_swedish(qtbot: QtBot, qapp: QApplication) -> None:
    english = [visible_texts(window) for window in phone_windows(qtbot)]
    translators = install_translation(qapp, Language.SWEDISH)
    try:
        swedish = [visible_texts(window) for window in phone_windows(qtbot)]
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
    allowed = same_in_both_languages() | {""}

    def without_data(text: str) -> str:
        for data in DATA:
            text = text.replace(data, "")
        return data_free(text)

    untranslated = [
        en
        for en_texts, sv_texts in zip(english, swedish, strict=True)
        for en, sv in zip(en_texts, sv_texts, strict=True)
        if en == sv and without_data(en) not in allowed
    ]
    assert untranslated == []
    assert "Ringer" in swedish[0] and "I samtal" in swedish[1]
