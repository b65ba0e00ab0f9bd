"""``kill -9`` of one media worker while two calls are talking, each on its own worker:
the dead worker's call ends for both far ends and is logged ``worker_died``; the other
worker's call goes on to its own end; a new call is taken."""

import os
import signal
from pathlib import Path
from typing import Any

from tests.e2e.test_demo_calls import CALL_IN_WORKER
from tests.e2e.test_media_plane import Sim, finish, sipp, wait_for_calls
from tests.faults.site import Site, assert_contiguous, events_of, until
from tests.server_process import worker_pids
from vaxla_server.store.events import Ended

TALK_S = 6.0  # the simulated agents hang up after this


def test_a_worker_killed_mid_call_ends_its_call_only(tmp_path: Path) -> None:
    site = Site(tmp_path, "--media-workers", "3:8")
    with site.running() as demo:
        server = site.server
        assert server is not None
        agents = Sim(demo, 1, 2, talk=TALK_S)
        try:
            supervisor = demo.token("supervisor1")
            doomed = sipp(demo, "caller_waits.xml", "200")  # ends cleanly on a BYE only
            wait_for_calls(server, 1)
            spared = sipp(demo, "caller_waits.xml", "200")
            wait_for_calls(server, 2)

            def talking() -> list[dict[str, Any]]:
                agents: list[dict[str, Any]] = demo.get("/agents", supervisor)
                return [a for a in agents if a["state"] == "busy"]

            until(lambda: len(talking()) == 2, 20, "both calls answered")
            lines = server.read_available()
            first, second = [m.group(1) for m in map(CALL_IN_WORKER.search, lines) if m]
            assert first != second  # one caller per worker
            workers = worker_pids(lines)
            os.kill(workers[first], signal.SIGKILL)
            assert finish(doomed, 5) == 0  # the caller got its BYE
            # The agent's phone got its BYE too: one agent is free, the other still talks.
            until(lambda: len(talking()) == 1, 5, "the dead worker's agent freed")
            assert spared.poll() is None
            assert finish(spared, TALK_S + 10) == 0  # ended by its agent, as it would be
            for worker, pid in worker_pids(server.read_available()).items():
                if worker != first:
                    os.kill(pid, 0)  # the others are alive
            # A new call is taken by a worker and answered.
            assert finish(sipp(demo, "caller_waits.xml", "200")) == 0
        finally:
            agents.close()
        records: list[dict[str, Any]] = demo.get("/calls", supervisor)
        assert len(records) == 3, records
        newest, other, lost = records  # newest first
        assert (lost["outcome"], lost["end_cause"]) == ("answered", "worker_died"), lost
        assert (other["outcome"], other["end_cause"]) == ("answered", None), other
        assert other["talk_seconds"] >= TALK_S - 1, other
        assert (newest["outcome"], newest["end_cause"]) == ("answered", None), newest
        site.stop()
    events = site.events()
    assert_contiguous(events)
    assert [e.contact_id for e in events_of(events, Ended) if e.cause == "worker_died"] == [
        lost["id"]
    ]
