"""Users, agents' profiles, skills, pause reasons and classification codes in the admin
mode (R31) against a real server process: a user created with a password and a profile
given skills and queue tiers, read back; a short password, a membership of a missing
queue and a bad code each refused on their field with nothing saved; a pause reason
added and no longer offered; a skill added and deleted. (Their texts in Swedish:
``test_flow_editors``, which shows every tab.)"""

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.admin_editing import in_the_admin_mode, new_item, refused_on, save
from tests.desktop.qt_loop import eventually
from tests.server_process import ServerProcess
from tests.shots import keep_shot
from vaxla_desktop.admin_desk import AdminDesk
from vaxla_desktop.ui.admin_view import AdminView
from vaxla_desktop.ui.config_form import FlagEditor, ItemEditor, TableEditor


def fill(editor: ItemEditor, key: str, rows: list[list[str]]) -> None:
    table = editor.editors[key]
    assert isinstance(table, TableEditor)
    table.set_value([])
    for row in rows:
        table.add_button.click()
        for column, text in enumerate(row):
            cell = table.table.item(table.table.rowCount() - 1, column)
            assert cell is not None
            cell.setText(text)


def test_people_and_codes_are_edited_and_refusals_shown(
    qtbot: QtBot, qapp: QApplication, demo_server: ServerProcess
) -> None:
    in_the_admin_mode(qtbot, qapp, demo_server.url, users_and_agents, codes_and_skills)


async def users_and_agents(view: AdminView, desk: AdminDesk) -> None:
    users, agents = view.users, view.agents
    view.setCurrentWidget(users)
    new_item(users, username="nova", password="kort")
    assert "password" in await refused_on(users, desk.desks["users"], "password")
    new_item(users, username="nova", display_name="Nova Berg", password="ett langt losenord 2026")
    await save(users)
    nova = next(u for u in await desk.desks["users"].api.items() if u["username"] == "nova")
    assert (nova["role"], nova["display_name"], nova["active"]) == ("agent", "Nova Berg", True)
    assert not users.editors["password"].widget.isEnabled()  # shown saved: not sent again

    view.setCurrentWidget(agents)
    new_item(agents, username="nova")
    fill(agents, "skills", [["support", "2"]])
    fill(agents, "memberships", [["Nowhere", "1", "0"]])
    assert "Nowhere" in await refused_on(agents, desk.desks["agents"], "memberships")
    new_item(agents, username="nova")
    fill(agents, "skills", [["support", "2"]])
    fill(agents, "memberships", [["Support", "1", "0"], ["Sales", "2", "1"]])
    await save(agents)
    profile = next(a for a in await desk.desks["agents"].api.items() if a["username"] == "nova")
    assert profile["skills"] == {"support": 2} and profile["personal_weight"] == 0
    assert sorted((m["queue"], m["penalty"], m["order"]) for m in profile["memberships"]) == [
        ("Sales", 2, 1),
        ("Support", 1, 0),
    ]
    keep_shot(view, "admin-agents.png")
    await desk.desks["agents"].api.delete("nova")


async def codes_and_skills(view: AdminView, desk: AdminDesk) -> None:
    reasons = view.pause_reasons
    view.setCurrentWidget(reasons)
    new_item(reasons, code="Fika paus!", label_sv="Fika", label_en="Coffee")
    assert "pattern" in await refused_on(reasons, desk.desks["pause_reasons"], "code")
    new_item(reasons, code="fika", label_sv="Fika", label_en="Coffee")
    await save(reasons)
    await eventually(lambda: reasons.loaded_key == "fika")
    assert not reasons.editors["label_sv"].widget.isEnabled()  # the server keeps labels
    offered = reasons.editors["active"]
    assert isinstance(offered, FlagEditor)
    offered.check.click()
    await save(reasons)
    fika = next(r for r in await desk.desks["pause_reasons"].api.items() if r["code"] == "fika")
    assert fika == {"code": "fika", "label_sv": "Fika", "label_en": "Coffee", "active": False}
    keep_shot(view, "admin-pause-reasons.png")

    skills = view.skills
    view.setCurrentWidget(skills)
    new_item(skills, name="franska")
    await save(skills)
    assert "franska" in [s["name"] for s in await desk.desks["skills"].api.items()]
    skills.delete_button.click()
    await eventually(lambda: "franska" not in skills.items)
    assert "franska" not in [s["name"] for s in await desk.desks["skills"].api.items()]
