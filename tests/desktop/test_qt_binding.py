"""The Qt binding itself: a fault in it that would bring the app down mid-shift."""

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication


class Emitter(QObject):
    sig_value = Signal(object)


def test_emitting_a_signal_keeps_the_reference_counts_whole(qapp: QApplication) -> None:
    # PySide6 6.12.0's emit() returns True without a reference of its own: each emit whose
    # result is dropped takes one of True's, and after enough the app aborts with
    # "deallocating True or False". desktop/pyproject.toml excludes that version.
    emitter = Emitter()
    received: list[object] = []
    emitter.sig_value.connect(received.append)
    # The broken binding loses one reference per emit: 1,000 here. Other threads of the
    # test process (sound streams, pjsua2's) take and give back a few meanwhile.
    before = sys.getrefcount(True), sys.getrefcount(None)
    for number in range(1000):
        emitter.sig_value.emit(number)
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert abs(after[0] - before[0]) < 100 and abs(after[1] - before[1]) < 100, (before, after)
    assert received == list(range(1000))
