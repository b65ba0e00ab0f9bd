"""The store stops taking writes mid-traffic — its disk fills up, or its files turn
read-only — under a real running server with a caller waiting in the queue: each change
is refused with a clear 503 and nothing half-applied, ``/health`` says degraded, the
server keeps running, and once the store writes again everything works with no event
lost.

The data directory is a small tmpfs of its own, so that it can be filled without
filling the machine's disk; a read-only file is the immutable flag (``chattr +i``), since
root writes through a file's mode. Both need root, which CI has."""

import contextlib
import errno
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_media_plane import finish, pause_in_support, sipp, wait_for_calls
from tests.faults.site import Site, agent_ids, assert_contiguous, events_of, logged, until
from vaxla_server.store.database import SQLITE_FILE_NAME
from vaxla_server.store.event_log import LoggedEvent
from vaxla_server.store.events import (
    Abandoned,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    ContactEntered,
    Ended,
    Overflowed,
)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="mounting a tmpfs and setting the immutable flag need root"
)
Fault = Callable[[Path], contextlib.AbstractContextManager[None]]


@contextlib.contextmanager
def disk_full(data: Path) -> Iterator[None]:
    """Every free byte of the data directory's file system taken by one file."""
    filler = data / "filler"
    with open(filler, "wb", buffering=0) as file:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    file.write(b"\0" * size)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
    try:
        yield
    finally:
        filler.unlink()


@contextlib.contextmanager
def read_only(data: Path) -> Iterator[None]:
    """The database and its write-ahead log immutable (the shared-memory index stays
    writable: it is mapped, and a write to it would be a SIGBUS, not an error)."""
    files = [str(data / SQLITE_FILE_NAME), str(data / f"{SQLITE_FILE_NAME}-wal")]
    subprocess.run(["chattr", "+i", *files], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *files], check=True)


@pytest.fixture(params=["disk full", "read-only"])
def store_fault(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, Fault]]:
    """Where the store is and what befalls it: a disk of its own to fill (a 48 MB tmpfs),
    or the test's own folder (ext4 here: its immutable flag refuses writes even through
    files already open, which tmpfs's does not)."""
    if request.param == "read-only":
        probe = tmp_path / "probe"
        probe.touch()
        if subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode:
            pytest.skip("the file system of the test's folder has no immutable flag")
        subprocess.run(["chattr", "-i", str(probe)], check=True)
        yield tmp_path / "data", read_only
        return
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(disk)], check=True)
    try:
        yield disk / "data", disk_full
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_store_that_refuses_writes_changes_nothing_and_recovers(
    tmp_path: Path, store_fault: tuple[Path, Fault]
) -> None:
    data, fault = store_fault
    site = Site(tmp_path, "--media-workers", "2:4")
    site.data = data
    with site.running() as demo, contextlib.ExitStack() as stack:
        supervisor = demo.token("supervisor1")
        ids = agent_ids(demo, supervisor)
        pause_in_support(demo, "agent5")  # acknowledged: logged in and paused
        agent = demo.token("agent5")
        waiting = sipp(demo, "caller_waits.xml", "200")  # waits in Support
        stack.callback(finish, waiting, 0)  # if the test fails before its end
        assert site.server is not None
        wait_for_calls(site.server, 1)
        until(lambda: demo.api.get("/health").status_code == 200, 5, "a healthy store first")
        before = logged(site.data)

        with fault(site.data):
            health = until(
                lambda: (h := demo.api.get("/health")).status_code == 503 and h, 10, "degraded"
            )
            (problem,) = health.json()["problems"]
            assert health.json()["status"] == "degraded"
            assert problem.startswith("the store cannot write: "), problem
            refused = demo.api.post(
                "/agent/ready", json={}, headers={"Authorization": f"Bearer {agent}"}
            )
            assert refused.status_code == 503, refused.text
            assert "nothing was changed" in refused.json()["detail"], refused.text
            login = demo.api.post("/auth/login", json={"username": "agent6", "password": "demo"})
            assert login.status_code == 503, login.text
            assert demo.get("/agent", agent)["state"] == "paused"  # as the log says
            assert site.server.process.poll() is None  # still running
            assert logged(site.data) == before  # read as it is: nothing half-written

        until(lambda: demo.api.get("/health").status_code == 200, 10, "healthy again")
        # It works again: agent5 logs out, and the waiting caller, with nobody left in
        # Support, hears so and is let go (its BYE ends SIPp cleanly).
        demo.post("/agent/logout", agent, {})
        assert finish(waiting, 30) == 0
        records: list[dict[str, Any]] = demo.get("/calls", supervisor)
        assert [r["outcome"] for r in records] == ["overflowed"], records
        site.stop()
    after = logged(site.data)
    assert_contiguous(after)
    assert after[: len(before)] == before
    agent5 = ids["agent5"]
    assert agent5 in {e.agent_id for e in events_of(after, AgentLoggedIn)}
    assert agent5 in {e.agent_id for e in events_of(after, AgentPaused)}
    assert agent5 in {e.agent_id for e in events_of(after, AgentLoggedOut)}

    def readies(events: list[LoggedEvent]) -> list[AgentReady]:
        return [e for e in events_of(events, AgentReady) if e.agent_id == agent5]

    assert readies(after) == readies(before)  # the refused one was never logged
    assert len(events_of(after, ContactEntered)) == 1
    assert len(events_of(after, Overflowed)) == 1 and len(events_of(after, Ended)) == 1
    assert not events_of(after, Abandoned)
