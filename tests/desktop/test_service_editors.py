"""Alarm rules, SIP trunks, the mail server and the SMS gateway in the admin mode (R31,
R24, R25) against a real server process: each refused on its field with nothing saved,
then saved and read back; a test mail taken by a real SMTP server (aiosmtpd), and one
to where nothing listens refused in words; a trunk's password sent once, never shown,
kept when the form leaves it empty, and the trunk's registration state shown; what each
test adds is deleted again (the demo server is shared)."""

import asyncio
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.admin_editing import in_the_admin_mode, new_item, refused_on, retype, save
from tests.desktop.qt_loop import WAIT_S, eventually
from tests.desktop.test_people_editors import fill
from tests.server.alarms.smtp import SmtpServer, free_tcp_port, smtp_server
from tests.server_process import ServerProcess
from tests.shots import keep_shot
from vaxla_desktop.admin_desk import AdminDesk
from vaxla_desktop.config_desk import MailServerDesk, TrunkDesk
from vaxla_desktop.ui.admin_view import AdminView
from vaxla_desktop.ui.config_form import ChoiceEditor, FlagEditor, ItemEditor, SecretEditor
from vaxla_protocol.config import TrunkRegistration
from vaxla_protocol.events import TrunkRegistrationChanged


def pick(editor: ItemEditor, key: str, value: str) -> None:
    """Choose ``value`` in the field's list as the user does."""
    choice = editor.editors[key]
    assert isinstance(choice, ChoiceEditor)
    index = choice.combo.findData(value)
    assert index >= 0, (key, value)
    choice.combo.setCurrentIndex(index)
    choice.combo.activated.emit(index)


def test_alarm_rules_and_trunks_are_edited_and_refusals_shown(
    qtbot: QtBot, qapp: QApplication, demo_server: ServerProcess
) -> None:
    in_the_admin_mode(qtbot, qapp, demo_server.url, alarm_rules, trunks)


def test_the_mail_server_and_sms_gateway_are_edited_and_refusals_shown(
    qtbot: QtBot, qapp: QApplication, demo_server: ServerProcess, tmp_path: Path
) -> None:
    with smtp_server(tmp_path) as smtp:
        in_the_admin_mode(qtbot, qapp, demo_server.url, partial(mail_server, smtp), sms_gateway)


async def alarm_rules(view: AdminView, admin: AdminDesk) -> None:
    rules, desk = view.alarm_rules, admin.desks["alarm_rules"]
    view.setCurrentWidget(rules)
    new_item(rules, name="long queue", threshold="10", clear_at="12")
    pick(rules, "queue", "Support")
    assert "at or below the threshold 10" in await refused_on(rules, desk, "clear_at")
    new_item(rules, name="long queue", threshold="10", clear_at="6", quiet_s="600")
    pick(rules, "queue", "Support")
    pick(rules, "severity", "critical")
    fill(rules, "recipients", [["larm@example"]])
    assert "e-mail address" in await refused_on(rules, desk, "recipients")
    new_item(rules, name="long queue", threshold="10", clear_at="6", quiet_s="600")
    pick(rules, "queue", "Support")
    fill(rules, "recipients", [["larm@example.se"], ["070-123 45 67"]])
    await save(rules)
    rule = next(r for r in await desk.api.items() if r["name"] == "long queue")
    assert rule["queue"] == "Support" and rule["comparison"] == ">="
    assert (rule["threshold"], rule["clear_at"], rule["quiet_s"]) == (10, 6, 600)
    assert rule["recipients"] == ["larm@example.se", "+46701234567"]
    keep_shot(view, "admin-alarm-rules.png")
    rules.delete_button.click()
    await eventually(lambda: "long queue" not in rules.items)
    assert await desk.api.items() == []


async def trunks(view: AdminView, admin: AdminDesk) -> None:
    editor, desk = view.trunks, admin.desks["trunks"]
    assert isinstance(desk, TrunkDesk)
    view.setCurrentWidget(editor)
    new_item(editor, name="operator", username="vaxla", password="hemligt-2026")
    assert "needs its registrar" in await refused_on(editor, desk, "registrar")
    typed = {
        "name": "operator",
        "registrar": "sip.operator.example:5060",
        "username": "vaxla",
        "password": "hemligt-2026",
    }
    new_item(editor, **typed)
    pick(editor, "srtp", "mandatory")
    assert "needs transport tls" in await refused_on(editor, desk, "srtp")
    new_item(editor, **typed, caller_id="+4686001000")
    desk.states_loaded.clear()
    await save(editor)
    [trunk] = await desk.api.items()
    assert trunk["password_set"] and "password" not in trunk
    assert (trunk["registrar"], trunk["username"], trunk["caller_id"]) == (
        "sip.operator.example:5060",
        "vaxla",
        "+4686001000",
    )
    # Never shown: the line is empty, and says one is stored.
    secret = editor.editors["password"]
    assert isinstance(secret, SecretEditor)
    await eventually(lambda: editor.loaded_key == "operator" and not editor.dirty)
    assert secret.line.text() == "" and secret.line.placeholderText() == "unchanged (one is stored)"
    # The registration's state: this demo server takes no calls, so it does not register.
    await desk.states_loaded.wait()
    assert "not registered" in editor.registration_label.text()
    assert "takes no calls" in editor.registration_label.text()
    assert editor.list.item(0).text() == "operator — not registered"
    # The socket's news of a registration is shown at once, title and line (no reading).
    since = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
    failed = TrunkRegistration(trunk="operator", state="failed", reason="403 Forbidden",
                               since=since, retry_at=since + timedelta(seconds=30))  # fmt: skip
    admin.on_event(TrunkRegistrationChanged(registration=failed))
    assert editor.list.item(0).text() == "operator — failed"
    assert "failed since" in editor.registration_label.text()
    assert "403 Forbidden" in editor.registration_label.text()
    admin.on_event(TrunkRegistrationChanged(registration=failed.model_copy(
        update={"state": "registered", "reason": None, "retry_at": None}
    )))  # fmt: skip
    assert editor.list.item(0).text() == "operator — registered"
    assert "403" not in editor.registration_label.text()
    keep_shot(view, "admin-trunks.png")
    # Changed without typing a password: the stored one stays.
    retype(editor.editors["caller_id"].widget, "+4686001001")
    outbound = editor.editors["outbound"]
    assert isinstance(outbound, FlagEditor)
    await save(editor)
    [trunk] = await desk.api.items()
    assert trunk["caller_id"] == "+4686001001" and trunk["password_set"]
    editor.delete_button.click()
    await eventually(lambda: "operator" not in editor.items)
    assert await desk.api.items() == []


async def mail_server(smtp: SmtpServer, view: AdminView, admin: AdminDesk) -> None:
    editor, desk = view.mail_server, admin.desks["mail_server"]
    assert isinstance(desk, MailServerDesk)
    view.setCurrentWidget(editor)
    assert await desk.api.items() == [] and editor.loaded_key is None
    typed = {"host": "smtp.example.se", "sender": "vaxla@example.se", "password": "hemligt-2026"}
    new_item(editor, **{**typed, "sender": "vaxla.example.se"})
    assert "not an e-mail address" in await refused_on(editor, desk, "sender")
    new_item(editor, **typed)
    assert "needs a username" in await refused_on(editor, desk, "password")
    new_item(editor, **typed, port="465", username="vaxla")
    pick(editor, "tls", "implicit")
    await save(editor)
    [mail] = await desk.api.items()
    assert mail == {
        "host": "smtp.example.se",
        "port": 465,
        "tls": "implicit",
        "username": "vaxla",
        "sender": "vaxla@example.se",
        "password_set": True,
    }
    # Through a real SMTP server (aiosmtpd, without a log-in): a test mail sent and taken.
    retype(editor.editors["host"].widget, smtp.host)
    retype(editor.editors["port"].widget, str(smtp.port))
    retype(editor.editors["username"].widget, "")
    QTest.keyClick(editor.editors["username"].widget, Qt.Key.Key_Delete)  # no log-in
    pick(editor, "tls", "off")
    await save(editor)
    retype(editor.test_address, "chef@example.se")
    editor.test_button.click()
    await asyncio.wait_for(desk.tested.wait(), WAIT_S)
    [message] = await asyncio.to_thread(smtp.inbox.wait_for, 1)
    assert message["To"] == "chef@example.se" and message["From"] == "vaxla@example.se"
    assert editor.note_label.text() == (
        f"The mail server {smtp.host}:{smtp.port} took a test mail to chef@example.se."
    )
    keep_shot(view, "admin-mail-server.png")
    # Where nothing listens: said in words, on the form.
    retype(editor.editors["port"].widget, str(free_tcp_port()))
    await save(editor)
    desk.tested.clear()
    editor.test_button.click()
    await asyncio.wait_for(desk.tested.wait(), WAIT_S)
    assert "refused the connection" in editor.message_label.text()
    editor.delete_button.click()
    await eventually(lambda: editor.loaded_key is None and not editor.items)
    assert await desk.api.items() == []


async def sms_gateway(view: AdminView, admin: AdminDesk) -> None:
    editor, desk = view.sms_gateway, admin.desks["sms_gateway"]
    view.setCurrentWidget(editor)
    assert await desk.api.items() == []
    typed = {"host": "sms.example.se", "username": "vaxla", "default_sender": "Vaxla"}
    new_item(editor, **typed)
    fill(editor, "queue_senders", [["Nowhere", "Kundtjanst"]])
    assert "Nowhere" in await refused_on(editor, desk, "queue_senders")
    new_item(editor, **typed, port="13013", password="hemligt-2026")
    fill(editor, "queue_senders", [["Support", "Support"]])
    fill(editor, "templates", [["late", "Vi ringer strax.", "We will call soon."]])
    await save(editor)
    [gateway] = await desk.api.items()
    assert gateway["queue_senders"] == {"Support": "Support"} and gateway["password_set"]
    assert gateway["templates"] == [
        {"name": "late", "text_sv": "Vi ringer strax.", "text_en": "We will call soon."}
    ]
    keep_shot(view, "admin-sms-gateway.png")
    editor.delete_button.click()
    await eventually(lambda: editor.loaded_key is None and not editor.items)
    assert await desk.api.items() == []
