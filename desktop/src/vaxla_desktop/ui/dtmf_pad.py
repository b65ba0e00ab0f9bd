"""The DTMF keypad: twelve keys that send tones into the call.

Digits typed on the keyboard while the pad has focus send too, so the pad works
without a mouse.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#")
_LETTERS = {
    "2": "ABC",
    "3": "DEF",
    "4": "GHI",
    "5": "JKL",
    "6": "MNO",
    "7": "PQRS",
    "8": "TUV",
    "9": "WXYZ",
}


class DtmfPad(QWidget):
    sig_digit = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Keypad"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setSpacing(4)
        grid.setContentsMargins(0, 0, 0, 0)
        for position, key in enumerate(KEYS):
            letters = _LETTERS.get(key, "")
            button = QPushButton(f"{key}\n{letters}" if letters else key)
            button.setMinimumSize(48, 40)
            button.setAccessibleName(self.tr("Key {0}").format(key))
            button.setToolTip(self.tr("Send the tone {0} (or type {0})").format(key))
            button.clicked.connect(lambda _checked=False, digit=key: self.sig_digit.emit(digit))
            grid.addWidget(button, position // 3, position % 3)
            self.buttons[key] = button

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if len(text) == 1 and text in KEYS:
            self.buttons[text].animateClick()
            return
        super().keyPressEvent(event)
