"""The transfer dialog: what it asks the server, what it refuses to ask, and how it
shows the answer."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from vaxla_desktop.ui.transfer_dialog import TransferDialog
from vaxla_protocol.control import TransferKind, TransferRequest, TransferState
from vaxla_protocol.directory import PersonItem


@pytest.fixture
def dialog(qtbot: QtBot) -> TransferDialog:
    dialog = TransferDialog(42, agents=["bo", "cecilia"], queues=["Sales", "Support"])
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def state(name: str, detail: str = "") -> TransferState:
    return TransferState(
        transfer_id="t-1",
        contact_id=42,
        kind=TransferKind.QUEUE,
        target="Sales",
        attended=False,
        state=name,
        detail=detail,
    )


def test_a_blind_transfer_to_a_queue(dialog: TransferDialog, qtbot: QtBot) -> None:
    dialog.queue_radio.click()
    assert [dialog.target_box.itemText(i) for i in range(dialog.target_box.count())] == [
        "Sales",
        "Support",
    ]
    with qtbot.waitSignal(dialog.sig_start) as asked:
        QTest.mouseClick(dialog.blind_button, Qt.MouseButton.LeftButton)
    assert asked.args == [
        TransferRequest(contact_id=42, kind=TransferKind.QUEUE, target="Sales", attended=False)
    ]
    assert not dialog.blind_button.isEnabled()  # until the server answers
    dialog.show_state(state("completed"))
    assert not dialog.isVisible()


def test_a_number_is_cleaned_and_checked(dialog: TransferDialog, qtbot: QtBot) -> None:
    dialog.number_radio.click()
    dialog.target_box.setEditText("+46 8-123 45 67")
    request = dialog.request(attended=False)
    assert request is not None and request.target == "+4681234567"
    asked: list[object] = []
    dialog.sig_start.connect(asked.append)
    dialog.target_box.setEditText("call bo")
    QTest.mouseClick(dialog.blind_button, Qt.MouseButton.LeftButton)
    assert asked == []
    assert "digits only" in dialog.message_label.text()
    dialog.target_box.setEditText("")
    QTest.mouseClick(dialog.attended_button, Qt.MouseButton.LeftButton)
    assert asked == []
    assert "Say where to" in dialog.message_label.text()


def test_a_failed_transfer_says_why_and_can_be_tried_again(dialog: TransferDialog) -> None:
    dialog.show_state(state("failed", "bo is busy"))
    assert dialog.message_label.text() == "Transfer failed: bo is busy"
    assert dialog.isVisible() and dialog.blind_button.isEnabled()


def test_a_refusal_from_the_server_is_shown(dialog: TransferDialog) -> None:
    dialog.show_error("There is no agent called bob.")
    assert dialog.message_label.text() == "There is no agent called bob."
    assert dialog.blind_button.isEnabled()


def test_an_attended_transfer_is_completed_or_cancelled(
    dialog: TransferDialog, qtbot: QtBot
) -> None:
    assert not dialog.complete_button.isVisible()
    dialog.show_state(state("consulting"))
    assert dialog.complete_button.isVisible() and dialog.cancel_transfer_button.isVisible()
    assert not dialog.blind_button.isEnabled()
    assert "Talking with Sales" in dialog.message_label.text()
    with qtbot.waitSignal(dialog.sig_cancel) as cancel:
        QTest.mouseClick(dialog.cancel_transfer_button, Qt.MouseButton.LeftButton)
    assert cancel.args == ["t-1"]
    dialog.show_state(state("cancelled"))
    assert not dialog.isVisible()


def test_another_contacts_transfer_is_ignored(dialog: TransferDialog) -> None:
    dialog.show_state(state("consulting").model_copy(update={"contact_id": 7}))
    assert dialog.state is None


PEOPLE = [
    PersonItem(name="Anna Lindqvist", extension="agent1", department="Kundtjänst"),
    PersonItem(name="Fredrik Nilsson", mobile="+46701740607", department="Ekonomi"),
    PersonItem(name="Gunilla Sjöberg", other_numbers=["+4681234567"]),
    PersonItem(name="Ingen Nummer", department="Ledning"),  # nothing to transfer to
]


def test_a_person_of_the_directory_is_reached_on_the_softphone_else_the_mobile(
    dialog: TransferDialog, qtbot: QtBot
) -> None:
    dialog.person_radio.click()
    assert dialog.target_box.count() == 0
    assert dialog.request(attended=False) is None
    assert "has nobody" in dialog.message_label.text()
    dialog.set_people(PEOPLE)
    assert [dialog.target_box.itemText(i) for i in range(dialog.target_box.count())] == [
        "Anna Lindqvist, Kundtjänst — softphone agent1",
        "Fredrik Nilsson, Ekonomi — mobile +46701740607",
        "Gunilla Sjöberg — number +4681234567",
    ]
    with qtbot.waitSignal(dialog.sig_start) as asked:
        QTest.mouseClick(dialog.attended_button, Qt.MouseButton.LeftButton)
    assert asked.args == [
        TransferRequest(contact_id=42, kind=TransferKind.AGENT, target="agent1", attended=True)
    ]
    dialog.show_state(state("failed", "agent1 did not answer"))
    dialog.target_box.setCurrentIndex(1)
    assert dialog.request(attended=False) == TransferRequest(
        contact_id=42, kind=TransferKind.NUMBER, target="+46701740607", attended=False
    )
    dialog.target_box.setCurrentIndex(2)
    assert dialog.request(attended=False) == TransferRequest(
        contact_id=42, kind=TransferKind.NUMBER, target="+4681234567", attended=False
    )
    # Typed text that names nobody on the list is refused, not guessed at.
    dialog.target_box.setEditText("Ingen Nummer")
    assert dialog.request(attended=False) is None
    assert "Choose a person from the list" in dialog.message_label.text()
    # Back to agents: the agent list, untouched by the people.
    dialog.agent_radio.click()
    assert [dialog.target_box.itemText(i) for i in range(dialog.target_box.count())] == [
        "bo",
        "cecilia",
    ]


def test_the_person_list_completes_a_part_of_a_name(dialog: TransferDialog, qtbot: QtBot) -> None:
    dialog.set_people(PEOPLE)
    dialog.person_radio.click()
    completer = dialog.target_box.completer()
    assert completer is not None
    completer.setCompletionPrefix("nilsson")
    assert completer.completionCount() == 1
    assert completer.currentCompletion().startswith("Fredrik Nilsson")
