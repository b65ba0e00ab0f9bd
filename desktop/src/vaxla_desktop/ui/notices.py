"""Two lines of words under a panel's actions: what went wrong (in red, in words, such
as the server's reason for a refusal) and a note of something the app did on its own.
Each is hidden while it has nothing to say."""

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

PROBLEM_COLOUR = "#b00020"


class Notices:
    """For a widget: ``message_label`` and ``note_label``, made by ``_make_notices``."""

    message_label: QLabel
    note_label: QLabel

    def _make_notices(self) -> None:
        self.message_label = QLabel()
        self.message_label.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.message_label.setAccessibleName(QCoreApplication.translate("Notices", "Message"))
        self.note_label = QLabel()
        self.note_label.setAccessibleName(QCoreApplication.translate("Notices", "Note"))
        for label in (self.message_label, self.note_label):
            label.setWordWrap(True)
            label.hide()

    def show_error(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_label.setVisible(bool(message))

    def show_note(self, note: str) -> None:
        """Something the app did on its own that the user should know of (not a fault)."""
        self.note_label.setText(note)
        self.note_label.setVisible(bool(note))
