"""Call-flow rules on the demo server as a process, with SIPp as the outside caller and
as the outside party behind the outside gateway: each test changes the demo's
configuration through the API as an administrator would, places a real call, and reads
the call log (``GET /api/v1/calls``) and the event log (the server's own database)."""

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.media.harness import SCENARIOS
from tests.server_process import ServerProcess
from vaxla_server.media.pool import free_udp_port
from vaxla_server.store.database import create_store_engine, sqlite_url
from vaxla_server.store.event_log import EventLog
from vaxla_server.store.events import Ended, Event, Overflowed

WORKER_READY = re.compile(r"media worker \S+ \(pid \d+\) takes calls at sip:(\S+)")
NUMBER = "0701234567"


class Site:
    def __init__(self, server: ServerProcess, sip: str, tmp: Path, gateway_port: int) -> None:
        self.server = server
        self.sip = sip
        self.tmp = tmp
        self.gateway_port = gateway_port
        self.api = httpx.Client(base_url=server.url + "/api/v1", timeout=10)
        self.log = EventLog(create_store_engine(sqlite_url(tmp / "data")))
        self.admin = self.token("admin1")

    def token(self, user: str) -> str:
        response = self.api.post("/auth/login", json={"username": user, "password": "demo"})
        response.raise_for_status()
        token: str = response.json()["token"]
        return token

    def get(self, path: str, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.admin}"}
        response = self.api.get(path, params=params, headers=headers)
        response.raise_for_status()
        return response.json()

    def put(self, path: str, body: object) -> Any:
        headers = {"Authorization": f"Bearer {self.admin}"}
        response = self.api.put(path, json=body, headers=headers)
        assert response.is_success, response.text
        return response.json()

    def call(self, number: str, *, hold_ms: int, scenario: str = "caller_hangs_up.xml") -> int:
        """SIPp dials ``number`` and hangs up ``hold_ms`` after the answer; its status."""
        return subprocess.run(
            ["sipp", self.sip, "-sf", str(SCENARIOS / scenario), "-s", number, "-m", "1",
             "-d", str(hold_ms), "-i", "127.0.0.1", "-p", str(free_udp_port()),
             "-mp", str(free_udp_port()), "-timeout", "30s", "-timeout_error", "-nostdin"],
            cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=40,
        ).returncode  # fmt: skip

    def outside_party(self, messages: Path) -> subprocess.Popen[bytes]:
        """SIPp's built-in UAS on the gateway's port: answers one call, waits for its BYE."""
        return subprocess.Popen(
            ["sipp", "-sn", "uas", "-i", "127.0.0.1", "-p", str(self.gateway_port),
             "-m", "1", "-nostdin", "-timeout", "30s", "-timeout_error",
             "-trace_msg", "-message_file", str(messages)],
            cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def newest_call(self) -> dict[str, Any]:
        calls: list[dict[str, Any]] = self.get("/calls")
        return calls[0]

    def events(self, contact: int) -> list[Event]:
        return [logged.event for logged in self.log.read(contact=contact)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("flow")
    gateway_port = free_udp_port()
    args = ["--demo", "--sip-port", str(free_udp_port()),
            "--outside-gateway", f"sip:127.0.0.1:{gateway_port}"]  # fmt: skip
    with ServerProcess(tmp / "data", args, timeout=120) as server:
        ready = next(filter(None, map(WORKER_READY.search, server.log_lines)), None)
        assert ready is not None, "".join(server.log_lines)
        site = Site(server, ready.group(1), tmp, gateway_port)
        yield site
        site.api.close()
        server.stop()


@pytest.fixture
def support(site: Site) -> Iterator[dict[str, Any]]:
    """Support's configuration, put back as it was after the test."""
    original = site.get("/config/queues/Support")
    yield site.get("/config/queues/Support")
    site.put("/config/queues/Support", original)


def test_nobody_logged_in_overflows_to_an_outside_number(
    site: Site, support: dict[str, Any]
) -> None:
    support["flow"]["on_nobody_logged_in"] = {"kind": "transfer", "number": NUMBER}
    site.put("/config/queues/Support", support)
    messages = site.tmp / "outside.log"
    outside = site.outside_party(messages)
    try:
        assert site.call("200", hold_ms=4000) == 0
        # The outside party was called, answered, and got the BYE when the caller left.
        assert outside.wait(20) == 0
    finally:
        if outside.poll() is None:
            outside.kill()
            outside.wait()
    assert f"INVITE sip:{NUMBER}@127.0.0.1:{site.gateway_port}" in messages.read_text()
    record = site.newest_call()
    assert (record["entry_point"], record["outcome"], record["agent"]) == (
        "200",
        "overflowed",
        None,
    )
    events = site.events(record["id"])
    overflowed = [e for e in events if isinstance(e, Overflowed)]
    assert [(e.rule, e.target) for e in overflowed] == [("nobody_logged_in", f"number {NUMBER}")]
    ended = [e for e in events if isinstance(e, Ended)]
    assert [(e.by, e.cause) for e in ended] == [("caller", "transferred")]
