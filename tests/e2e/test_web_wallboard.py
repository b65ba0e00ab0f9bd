"""The web wallboard in headless Chromium against the demo server as a process: an
administrator saves a board and makes its link; Chromium opens the page (Swedish, by its
Accept-Language); a SIPp caller dials 200 and waits in Support (its one agent logged in
and paused), and the page's Support tile shows the caller, live over the board socket;
the chart page draws the day; revoking the link closes the open page, which says so.

Chromium is driven over the DevTools protocol (its own WebSocket), and every wait is a
promise in the page that resolves when the page shows the thing awaited."""

import base64
import contextlib
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.media.harness import SCENARIOS
from tests.orphans import end_with_this_process
from tests.server_process import ServerProcess, front_address
from tests.shots import shot_path
from vaxla_server.media.pool import free_udp_port
from vaxla_server.network import free_media_port, free_sip_port

DEVTOOLS = re.compile(r"DevTools listening on (ws://\S+)")
GUARD_S = 30.0
"""Only a guard against a hanging test: each awaited change is due within a second or so."""


class Browser:
    """Headless Chromium (its own profile, killed by pid) and one page of it."""

    def __init__(self, profile: Path, language: str) -> None:
        self.process = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-port=0", "--remote-allow-origins=*",
             f"--user-data-dir={profile}", f"--accept-lang={language}",
             "--window-size=1280,860", "--hide-scrollbars", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, preexec_fn=end_with_this_process(),
        )  # fmt: skip
        assert self.process.stderr is not None
        browser_url = None
        for line in self.process.stderr:
            if found := DEVTOOLS.search(line):
                browser_url = found.group(1)
                break
        assert browser_url is not None, "Chromium never opened its DevTools port"
        port = browser_url.split(":")[2].split("/")[0]
        targets = httpx.get(f"http://127.0.0.1:{port}/json/list").json()
        page = next(t for t in targets if t["type"] == "page")
        self._held = contextlib.ExitStack()
        self.socket: ClientConnection = self._held.enter_context(
            connect(page["webSocketDebuggerUrl"], max_size=None)
        )
        self._ids = count(1)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            answer = json.loads(self.socket.recv(timeout=GUARD_S))
            if answer.get("id") == message_id:
                assert "error" not in answer, answer
                result: dict[str, Any] = answer["result"]
                return result

    def open(self, url: str) -> None:
        self.call("Page.enable")
        self.call("Page.navigate", url=url)

    def until(self, condition: str) -> Any:
        """The value of the JavaScript expression ``condition`` once it is truthy: a
        promise in the page checks it after every change of the document."""
        script = f"""new Promise((resolve) => {{
            const check = () => {{ try {{ return ({condition}); }} catch (e) {{ return null; }} }};
            const found = check();
            if (found) {{ resolve(found); return; }}
            const watcher = new MutationObserver(() => {{
                const value = check();
                if (value) {{ watcher.disconnect(); resolve(value); }}
            }});
            watcher.observe(document, {{subtree: true, childList: true, attributes: true,
                                        characterData: true}});
        }})"""
        result = self.call(
            "Runtime.evaluate", expression=script, awaitPromise=True, returnByValue=True,
            timeout=GUARD_S * 1000,
        )  # fmt: skip
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        self._held.close()
        # SIGTERM: Chromium stops its own helper processes, which otherwise may still
        # write in the profile while it is removed; killed only if it does not stop.
        self.process.terminate()
        try:
            self.process.wait(GUARD_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        assert self.process.stderr is not None
        self.process.stderr.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    if shutil.which("chromium") is None:
        pytest.fail("Chromium is missing: make setup installs it (Debian's chromium)")
    # A helper that outlived the browser by a moment must not fail a passed test.
    with tempfile.TemporaryDirectory(prefix="chromium-", ignore_cleanup_errors=True) as profile:
        browser = Browser(Path(profile), "sv-SE,sv,en")
        try:
            yield browser
        finally:
            browser.close()


def test_the_board_page_shows_a_waiting_caller_live_and_closes_when_revoked(
    tmp_path: Path, browser: Browser
) -> None:
    args = ["--demo", "--sip-port", str(free_sip_port()), "--media-workers", "1:4"]
    with ServerProcess(tmp_path / "data", args, timeout=120) as server:
        api = httpx.Client(base_url=server.url + "/api/v1", timeout=10)

        def token(user: str) -> dict[str, str]:
            login = api.post("/auth/login", json={"username": user, "password": "demo"})
            login.raise_for_status()
            return {"Authorization": f"Bearer {login.json()['token']}"}

        admin = token("admin1")
        queues = api.get("/queues", headers=admin).json()
        support = next(q for q in queues if q["name"] == "Support")
        board = {
            "name": "Kundtjänst",
            "tiles": [{"title": "Support", "queue_ids": [support["id"]]}],
            "thresholds": {"waiting_amber": 1, "waiting_red": 3},
        }
        assert api.post("/boards", json=board, headers=admin).status_code == 201
        link = api.post("/board-links", json={"board": "Kundtjänst"}, headers=admin).json()
        # Support's one agent logged in and paused: a caller waits (nobody answers).
        agent = token("agent1")
        assert api.post("/agent/login", json={}, headers=agent).status_code == 200
        assert api.post("/agent/pause", json={"reason": "lunch"}, headers=agent).is_success

        browser.open(server.url + link["path"])
        assert browser.until("document.documentElement.lang") == "sv"
        before = '.tile[data-title="Support"][data-waiting="0"]'
        assert browser.until(f"document.querySelector('{before}') !== null")
        caller = subprocess.Popen(
            ["sipp", front_address(server.log_lines),
             "-sf", str(SCENARIOS / "caller_hangs_up.xml"), "-s", "200", "-m", "1",
             "-d", "60000", "-i", "127.0.0.1", "-p", str(free_udp_port()),
             "-mp", str(free_media_port()), "-timeout", "90s", "-nostdin"],
            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=end_with_this_process(),
        )  # fmt: skip
        try:
            waiting = '.tile[data-title="Support"][data-waiting="1"]'
            text = browser.until(f"document.querySelector('{waiting}')?.innerText")
            assert "1 väntar" in text
            assert "Många väntar" in text  # amber at one caller, and it says why
            # nobody works Support (its one agent paused): no wait can be promised
            assert "Ny uppringare väntar cirka -" in text
            amber = f"document.querySelector('{waiting}').dataset.alert"
            assert browser.until(amber) in ("1", "2")
            shot = tmp_path / "boards-web.png"
            browser.screenshot(shot)
            # The chart page: the caller waiting now is in the last bar of the day.
            browser.open(server.url + link["path"] + "?page=chart")
            bars = "document.querySelectorAll('#chart-svg rect.bar').length"
            assert browser.until(bars) >= 1
            levels = "document.querySelectorAll('#chart-svg circle.level').length"
            assert browser.until(levels) >= 1  # the service level of this quarter
            assert browser.until("document.querySelector('#chart h2').textContent").startswith(
                "Dagen"
            )
            chart_shot = tmp_path / "boards-web-chart.png"
            browser.screenshot(chart_shot)
            shutil.copy(shot, shot_path(shot.name))
            shutil.copy(chart_shot, shot_path(chart_shot.name))
            # Revoked: the open page is closed at once and says so.
            assert api.delete(f"/board-links/{link['id']}", headers=admin).is_success
            assert browser.until("document.body.dataset.revoked") == "1"
            assert browser.until("document.getElementById('gone').textContent") == (
                "Den här länken till tavlan har återkallats."
            )
        finally:
            caller.kill()
            caller.wait()
            api.close()
        server.stop()
