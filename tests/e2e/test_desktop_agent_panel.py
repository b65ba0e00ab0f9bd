"""The whole desktop app on the demo server: SIPp calls 200, the app (offscreen, auto-answer
on) answers through its own pjsua2 softphone, the agent classifies the call in the
agent panel at wrap-up, and the server's call log shows it."""

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from keyring.backends import fail

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists
from PySide6.QtWidgets import QApplication

from tests.desktop.qt_loop import WAIT_S, run_on_qt_loop
from tests.desktop.test_agent_desk import done, until
from tests.media.harness import SCENARIOS, sip_tester_pcaps
from tests.server_process import ServerProcess
from vaxla_desktop.app import EXIT_OK, AppOptions, DesktopApp
from vaxla_desktop.credentials import CredentialStore
from vaxla_desktop.i18n import Language
from vaxla_desktop.settings import DesktopSettings
from vaxla_server.media.pool import free_udp_port
from vaxla_server.network import free_media_port, free_sip_port


class Site:
    def __init__(self, server: ServerProcess, sip_port: int, tmp: Path) -> None:
        self.server = server
        self.sip = f"127.0.0.1:{sip_port}"
        self.tmp = tmp

    async def call(self, scenario: str, number: str) -> int:
        process = await asyncio.create_subprocess_exec(
            "sipp", self.sip, "-sf", str(SCENARIOS / scenario), "-s", number, "-m", "1",
            "-i", "127.0.0.1", "-p", str(free_udp_port()), "-mp", str(free_media_port()),
            "-timeout", "40s", "-timeout_error", "-nostdin",
            cwd=self.tmp, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            return await asyncio.wait_for(process.wait(), 50)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()

    def newest_call(self) -> dict[str, object]:
        with httpx.Client(base_url=self.server.url + "/api/v1", timeout=10) as http:
            login = {"username": "supervisor1", "password": "demo"}
            token = http.post("/auth/login", json=login).json()["token"]
            calls = http.get("/calls", headers={"Authorization": f"Bearer {token}"}).json()
        newest: dict[str, object] = calls[0]
        return newest


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    (tmp_path / "pcap").symlink_to(sip_tester_pcaps())
    sip_port = free_sip_port()
    args = ["--demo", "--sip-port", str(sip_port)]
    # The demo hashes 23 passwords (argon2id) on its first start: slow on a busy machine.
    with ServerProcess(tmp_path / "data", args, timeout=120) as server:
        yield Site(server, sip_port, tmp_path)


def test_the_app_answers_a_call_and_the_agent_classifies_it_at_wrap_up(
    qapp: QApplication, site: Site, tmp_path: Path
) -> None:
    settings = tmp_path / "settings.ini"
    desktop = DesktopApp(
        AppOptions(
            server_url=site.server.url, username="agent1", password="demo", discovery=False,
            settings_path=settings, language=Language.ENGLISH, auto_answer=True,
        ),
        settings=DesktopSettings(settings),
        credentials=CredentialStore(fail.Keyring()),  # type: ignore[no-untyped-call]
    )  # fmt: skip

    async def scenario() -> None:
        running = asyncio.get_running_loop().create_task(desktop.run())

        async def started() -> None:
            while desktop.agent_desk is None:
                await asyncio.sleep(0.01)

        await asyncio.wait_for(started(), WAIT_S)
        desk = desktop.agent_desk
        assert desk is not None and desktop.phone is not None
        panel = desk.panel
        await asyncio.wait_for(desk.first_picture(), WAIT_S)
        await done(desk, "login", panel.all_queues_button.click)
        await until(desk, lambda: panel.state_label.text() == "Ready")

        caller = asyncio.create_task(site.call("caller_talks.xml", "200"))
        await until(desk, lambda: panel.state_label.text() == "On a call")
        await until(desk, lambda: panel.state_label.text() == "Wrap-up")
        assert await caller == 0
        assert panel.classify_group.isVisible()
        assert panel.detail_label.text().endswith("press Ready now to take calls")
        panel.classification_box.setCurrentIndex(panel.classification_box.findData("support.fault"))
        await done(desk, "classify", panel.classify_button.click)
        assert panel.classified_label.text() == "Recorded"
        await done(desk, "ready", panel.ready_button.click)  # "Ready now"
        await until(desk, lambda: panel.state_label.text() == "Ready")
        desktop.quit()
        assert await asyncio.wait_for(running, WAIT_S) == EXIT_OK

    run_on_qt_loop(qapp, scenario())
    record = site.newest_call()
    assert (record["entry_point"], record["queue"], record["outcome"], record["agent"]) == (
        "200", "Support", "answered", "agent1",
    )  # fmt: skip
    assert record["classification"] == "support.fault"
