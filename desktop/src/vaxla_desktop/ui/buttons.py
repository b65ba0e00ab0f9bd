"""A push button its keyboard shortcut clicks, the shortcut named in its tip."""

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QPushButton


def shortcut_button(text: str, key: str, tip: str) -> QPushButton:
    """A button ``key`` clicks, its tip naming the key."""
    button = QPushButton(text)
    button.setShortcut(QKeySequence(key))
    button.setToolTip(f"{tip} ({key})")
    return button
