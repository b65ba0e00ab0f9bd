"""What the fault cases share: a demo server with its SIP front on free loopback ports
that can be killed and started again on the same store, the event log as the server
left it, and waiting on a condition with a deadline.

The server, SIPp and the simulated agents are the e2e tests' own (``tests/e2e``); this
module only adds what a fault needs on top: the same data directory across a restart,
and checks of the log that every case makes."""

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from tests.e2e.test_demo_calls import Demo
from tests.e2e.test_media_plane import demo_of
from tests.media.harness import sip_tester_pcaps
from tests.server_process import ServerProcess, assert_workers_gone
from vaxla_server.network import free_sip_port
from vaxla_server.store import open_store
from vaxla_server.store.event_log import LoggedEvent

T = TypeVar("T")
TRUNK_ARGS = ("--demo", "--trunk", "127.0.0.1/32")


def until(condition: Callable[[], T | None], timeout: float, what: str, every: float = 0.05) -> T:
    """Poll ``condition()`` until it returns something true (returned), or fail naming
    ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(every)
    return value


def kill_if_running(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


class Site:
    """A demo server (Kamailio in front, the media pool behind) whose store outlives it:
    ``start`` again after ``kill`` opens the same data directory (or database)."""

    def __init__(
        self, tmp: Path, *options: str, sip: bool = True, database: str | None = None
    ) -> None:
        self.tmp = tmp
        self.data = tmp / "data"
        self.database = database
        self.options = (*options, *(["--database", database] if database else []))
        self.sip = sip
        if sip:
            (tmp / "pcap").symlink_to(sip_tester_pcaps())
        self.server: ServerProcess | None = None
        self.demo: Demo | None = None

    def start(self) -> Demo:
        sip = ["--sip-port", str(free_sip_port())] if self.sip else []
        # The demo hashes its users' passwords (argon2id) on a first start: slow when busy.
        server = ServerProcess(self.data, [*TRUNK_ARGS, *sip, *self.options], timeout=120)
        self.server = server
        self.demo = demo_of(server, self.tmp) if self.sip else Demo(server, "", self.tmp, 0)
        return self.demo

    def kill(self) -> None:
        """SIGKILL to the server: no clean-up of its own. Its front and workers follow it
        (their parent-death signal), which is checked here."""
        assert self.server is not None and self.demo is not None
        os.kill(self.server.process.pid, signal.SIGKILL)
        self.server.process.wait(30)
        self.close()

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it."""
        assert self.server is not None
        assert self.server.stop() == -signal.SIGTERM
        self.close()

    def close(self) -> None:
        if self.server is None:
            return
        server, self.server = self.server, None
        if self.demo is not None:
            self.demo.api.close()
        server.close()
        if self.sip:
            assert_workers_gone(server.log_lines, timeout=10)

    def events(self) -> list[LoggedEvent]:
        """Every event in the store, in order."""
        where = {"url": self.database} if self.database else {"data_dir": self.data}
        with open_store(**where) as store:
            return list(store.events.read(limit=10_000_000))

    @contextlib.contextmanager
    def running(self) -> Iterator[Demo]:
        try:
            yield self.start()
        finally:
            self.close()


def assert_contiguous(events: list[LoggedEvent]) -> None:
    """The event log's ids run 1, 2, 3, ... with no gap: nothing written was lost."""
    ids = [logged.id for logged in events]
    assert ids == list(range(1, len(ids) + 1)), f"gaps in the event log's ids: {ids}"


def events_of(events: list[LoggedEvent], kind: type[T]) -> list[T]:
    return [logged.event for logged in events if isinstance(logged.event, kind)]


def agent_ids(demo: Demo, token: str) -> dict[str, int]:
    """Each agent's id by user name (from the supervisor's agent list)."""
    agents: list[dict[str, Any]] = demo.get("/agents", token)
    return {agent["username"]: agent["agent_id"] for agent in agents}
