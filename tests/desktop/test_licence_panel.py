"""The licence and its use in the admin mode (R34) against a real server process: an
agent logged in shows as today's peak, read from the event log; a new limit set through
the server and shown (the demo site has none before)."""

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.admin_editing import in_the_admin_mode
from tests.desktop.qt_loop import eventually, logged_in
from tests.server_process import ServerProcess
from tests.shots import keep_shot
from vaxla_desktop.admin_desk import AdminDesk
from vaxla_desktop.api.agent import AgentApi
from vaxla_desktop.api.config import licence_use
from vaxla_desktop.ui.admin_view import AdminView


def test_the_peak_of_the_day_and_a_new_limit(
    qtbot: QtBot, qapp: QApplication, demo_server: ServerProcess
) -> None:
    async def use_and_limit(view: AdminView, desk: AdminDesk) -> None:
        panel = view.licence
        view.setCurrentWidget(panel)
        async with logged_in(demo_server.url, "agent1") as agent:
            agents = AgentApi(agent.client)
            await agents.log_in(None, None)
            try:
                panel.reload_button.click()
                await eventually(
                    lambda: "The most in the last 31 days: 1" in panel.summary_label.text()
                )
                assert panel.chart.use is not None and panel.chart.use.days[-1].peak_agents == 1
                assert panel.limit_label.text().startswith("No licence is set")  # the demo's
                panel.limit_box.setValue(30)
                panel.save_button.click()
                await eventually(lambda: "allows 30 agents" in panel.limit_label.text())
                assert (await licence_use(desk.document._client)).max_logged_in_agents == 30
                keep_shot(view, "admin-licence.png")
            finally:
                await agents.log_out(None)

    in_the_admin_mode(qtbot, qapp, demo_server.url, use_and_limit)
