"""``kill -9`` of the server mid-traffic, then a start on the same store: callers were
talking to agents and waiting in the queue. Nothing written is lost, no agent is stuck,
and the call log holds every call SIPp placed, closed by the restart at the server's last
sign of life."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_media_plane import Sim, finish, pause_in_support, sipp, wait_for_calls
from tests.faults.site import Site, agent_ids, assert_contiguous, events_of, kill_if_running, until
from vaxla_server.store import open_store
from vaxla_server.store.events import AgentLoggedIn, AgentPaused, Answered, ContactEntered, Ended
from vaxla_server.store.heartbeat import Heartbeat

CALLERS = 3  # two talk to the simulated agents, one waits in Support
HEARTBEAT = timedelta(seconds=5)


def last_alive(data: Path) -> datetime | None:
    with open_store(data_dir=data) as store:
        return Heartbeat(store.engine).last()


def test_a_server_killed_mid_call_loses_nothing_and_closes_its_calls(tmp_path: Path) -> None:
    site = Site(tmp_path, "--media-workers", f"{CALLERS + 1}:8")
    demo = site.start()
    talkers = Sim(demo, 1, 2, talk=60)  # they would talk far longer than the test lasts
    callers = None
    try:
        supervisor = demo.token("supervisor1")
        pause_in_support(demo, "agent5")  # acknowledged: its log-in and pause
        callers = sipp(demo, "caller_waits.xml", "200", calls=CALLERS, rate=20)
        assert site.server is not None
        wait_for_calls(site.server, CALLERS)

        def busy() -> list[dict[str, Any]]:
            agents: list[dict[str, Any]] = demo.get("/agents", supervisor)
            talking = [agent for agent in agents if agent["state"] == "busy"]
            return talking if len(talking) == 2 else []

        seen = until(busy, 30, "both simulated agents talking")
        # A heartbeat after the answers, so that the talk time to be kept is above 0.
        answered_at = max(answer.at for answer in events_of(site.events(), Answered))
        until(
            lambda: (last_alive(site.data) or answered_at) > answered_at,
            2 * HEARTBEAT.total_seconds(),
            "a heartbeat after the answers",
        )
        killed_at = datetime.now(UTC)
        site.kill()
    finally:
        talkers.close()
        if callers is not None:  # no BYE will come to them: their server is gone
            kill_if_running(callers)
    before = site.events()
    last_sign = max(last_alive(site.data) or before[-1].event.at, before[-1].event.at)

    demo = site.start()
    try:
        supervisor = demo.token("supervisor1")
        ids = agent_ids(demo, supervisor)
        # What the clients saw acknowledged is in the log: agent5's log-in and pause,
        # each caller's arrival, the answers of the two agents the API showed busy.
        assert ids["agent5"] in {e.agent_id for e in events_of(before, AgentLoggedIn)}
        assert ids["agent5"] in {e.agent_id for e in events_of(before, AgentPaused)}
        assert len(events_of(before, ContactEntered)) == CALLERS
        assert {e.agent_id for e in events_of(before, Answered)} == {a["agent_id"] for a in seen}
        # The call log is what SIPp placed, each call closed at the last sign of life.
        records: list[dict[str, Any]] = demo.get("/calls", supervisor)
        assert len(records) == CALLERS, records
        for record in records:
            assert record["end_cause"] == "restart", record
            assert datetime.fromisoformat(record["ended_at"]) == last_sign <= killed_at, record
        answered = [r for r in records if r["outcome"] == "answered"]
        assert sorted(r["agent"] for r in answered) == ["agent1", "agent2"], records
        answers = {e.contact_id: e.at for e in events_of(before, Answered)}
        for record in answered:  # talk time up to the last sign of life
            talk = (last_sign - answers[record["id"]]).total_seconds()
            assert record["talk_seconds"] == pytest.approx(talk, abs=0.01) and talk > 0, record
        # No stuck agent: all logged out; the same agents log in, go ready and take a call.
        assert {a["state"] for a in demo.get("/agents", supervisor)} == {"offline"}
        agents = Sim(demo, 1, 2, talk=1)
        try:
            assert finish(sipp(demo, "caller_waits.xml", "200")) == 0
        finally:
            agents.close()
        newest = demo.get("/calls", supervisor)[0]
        assert (newest["outcome"], newest["end_cause"]) == ("answered", None), newest
        site.stop()
    finally:
        site.close()
    after = site.events()
    assert_contiguous(after)
    assert after[: len(before)] == before  # the restart only appended
    assert len([e for e in events_of(after, Ended) if e.cause == "restart"]) == CALLERS
