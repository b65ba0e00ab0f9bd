"""``/queues``, ``/calls``, ``/stats`` and ``/reports`` through HTTP against the real app."""

from datetime import timedelta

from tests.server.api_runtime.conftest import Centre
from vaxla_protocol import API_PREFIX
from vaxla_protocol.agent import QueueState
from vaxla_protocol.calls import CallRecord
from vaxla_server.config import QueueSettings

QUEUES = f"{API_PREFIX}/queues"
CALLS = f"{API_PREFIX}/calls"


def a_day(running: Centre) -> tuple[int, int, int]:
    """anna answers c0 after 5 s and talks 60 s; c1 abandons after 40 s; c2 waits."""
    centre, clock = running.centre, running.clock
    assert (
        running.api.request(
            "POST", f"{API_PREFIX}/agent/login", token=running.token("anna"), json={}
        ).status_code
        == 200
    )
    answered = centre.enter("100", "+46700000001")
    centre.queue(answered, running.ids["support"])
    clock.advance(seconds=5)
    centre.answered(answered, running.ids["anna"])
    abandoned = centre.enter("100", "+46700000002")
    centre.queue(abandoned, running.ids["support"])
    clock.advance(seconds=40)
    centre.abandoned(abandoned)
    waiting = centre.enter("200", None)
    centre.queue(waiting, running.ids["support"])
    clock.advance(seconds=20)
    centre.ended(answered, "caller")
    return answered, abandoned, waiting


def test_queue_states_with_service_level_today(running: Centre) -> None:
    _, _, waiting = a_day(running)
    response = running.api.request("GET", QUEUES, token=running.token("bo"))
    assert response.status_code == 200
    queues = {q["name"]: QueueState.model_validate(q) for q in response.json()}
    support = queues["Support"]
    # anna is in wrap-up (10 s) after c0, so c2 still waits, for 20 s.
    assert (support.waiting, support.longest_wait_s) == (1, 20.0)
    assert (support.agents_logged_in, support.agents_wrap_up) == (1, 1)
    # Offered 3; c0 answered within 20 s; c1 abandoned after the goal: 1 / 3.
    assert (support.offered_today, support.answered_today, support.abandoned_today) == (3, 1, 1)
    assert support.service_level_today is not None
    assert round(support.service_level_today, 2) == 33.33
    assert queues["Sales"].service_level_today is None
    # Only what was logged since is read again: c2 abandons after 25 s.
    running.clock.advance(seconds=5)
    running.centre.abandoned(waiting)
    again = running.api.request("GET", QUEUES, token=running.token("bo")).json()
    support = next(QueueState.model_validate(q) for q in again if q["name"] == "Support")
    assert (support.waiting, support.abandoned_today, support.offered_today) == (0, 2, 3)


def test_a_supervisor_lists_and_moves_a_waiting_contact(running: Centre) -> None:
    _, _, waiting = a_day(running)
    sofia = running.token("sofia")
    support, sales = running.ids["support"], running.ids["sales"]
    listed = running.api.request("GET", f"{QUEUES}/{support}/contacts", token=sofia).json()
    assert [(c["contact_id"], c["position"]) for c in listed] == [(waiting, 1)]
    moved = running.api.request(
        "POST",
        f"{QUEUES}/{support}/contacts/{waiting}/move",
        token=sofia,
        json={"queue_id": sales},
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["queue_id"], moved.json()["wait_s"]) == (sales, 20.0)
    again = running.api.request(
        "POST",
        f"{QUEUES}/{support}/contacts/{waiting}/move",
        token=sofia,
        json={"queue_id": sales},
    )
    assert again.status_code == 404
    assert again.json()["detail"] == f"contact {waiting} is not waiting in queue {support}"
    nowhere = running.api.request(
        "POST", f"{QUEUES}/{sales}/contacts/{waiting}/move", token=sofia, json={"queue_id": 99}
    )
    assert nowhere.status_code == 404
    assert running.api.request("GET", f"{QUEUES}/99/contacts", token=sofia).status_code == 404
    agent = running.token("anna")
    assert (
        running.api.request("GET", f"{QUEUES}/{support}/contacts", token=agent).status_code == 403
    )


def test_the_call_log(running_on_both: Centre) -> None:
    running = running_on_both
    answered, abandoned, waiting = a_day(running)
    response = running.api.request("GET", CALLS, token=running.token("sofia"))
    assert response.status_code == 200
    calls = [CallRecord.model_validate(c) for c in response.json()]
    assert [(c.id, c.outcome) for c in calls] == [
        (waiting, "in_progress"),
        (abandoned, "abandoned"),
        (answered, "answered"),
    ]
    first = calls[-1]
    assert (first.entry_point, first.queue, first.agent, first.wait_seconds) == (
        "100",
        "Support",
        "anna",
        5.0,
    )
    assert first.talk_seconds == 60.0 and first.ended_at is not None
    assert calls[1].wait_seconds == 40.0 and calls[1].agent is None
    # The field names other tools rely on.
    stable = {"id", "entry_point", "queue", "outcome", "wait_seconds", "agent"}
    for record in response.json():
        assert stable | {"started_at", "ended_at"} <= set(record)
    since = (first.started_at + timedelta(seconds=1)).isoformat()
    later = running.api.request(
        "GET", CALLS, token=running.token("olle"), params={"since": since}
    ).json()
    assert [c["id"] for c in later] == [waiting, abandoned]
    # A time without a zone is UTC.
    naive = (first.started_at + timedelta(seconds=1)).replace(tzinfo=None).isoformat()
    later = running.api.request(
        "GET", CALLS, token=running.token("olle"), params={"since": naive}
    ).json()
    assert [c["id"] for c in later] == [waiting, abandoned]
    not_a_time = running.api.request(
        "GET", CALLS, token=running.token("olle"), params={"since": "yesterday"}
    )
    assert not_a_time.status_code == 422
    limited = running.api.request("GET", CALLS, token=running.token("ada"), params={"limit": 1})
    assert [c["id"] for c in limited.json()] == [waiting]
    # Agents see only the calls they answered.
    own = running.api.request("GET", CALLS, token=running.token("anna")).json()
    assert [c["id"] for c in own] == [answered]
    assert running.api.request("GET", CALLS, token=running.token("bo")).json() == []
    bad = running.api.request("GET", CALLS, token=running.token("ada"), params={"limit": 0})
    assert bad.status_code == 422


def test_stats_and_reports(running: Centre) -> None:
    a_day(running)
    sofia = running.token("sofia")
    today = running.api.request("GET", f"{API_PREFIX}/stats/queues", token=sofia)
    assert today.status_code == 200
    support = next(row for row in today.json() if row["queue"] == "Support")
    assert (support["offered"], support["answered"], support["abandoned"]) == (3, 1, 1)
    assert (support["max_wait_s"], support["average_speed_of_answer_s"]) == (40.0, 5.0)
    start = running.clock.now.replace(hour=8, minute=0, second=0, microsecond=0)
    report = running.api.request(
        "GET",
        f"{API_PREFIX}/reports/queues",
        token=sofia,
        params={"from": start.isoformat(), "to": (start + timedelta(hours=2)).isoformat()},
    )
    assert report.status_code == 200
    rows = [(r["queue"], r["start"][11:16], r["offered"]) for r in report.json()]
    assert rows == [
        ("Support", "08:00", 3),
        ("Sales", "08:00", 0),
        ("Support", "09:00", 0),
        ("Sales", "09:00", 0),
    ]
    agents = running.api.request(
        "GET",
        f"{API_PREFIX}/reports/agents",
        token=sofia,
        params={"from": start.isoformat(), "to": (start + timedelta(hours=2)).isoformat()},
    )
    (anna,) = agents.json()
    # Logged in from 08:00:00 until now (08:01:05): 65 s; 60 s of talk; the 10 s wrap-up
    # began at 08:01:05, now.
    assert (anna["agent"], anna["answered"], anna["talk_s"]) == ("anna", 1, 60.0)
    assert (anna["logged_in_s"], anna["wrap_up_s"], anna["pause_s"]) == (65.0, 0.0, {})
    running.clock.advance(seconds=30)
    running.centre.tick()
    agents = running.api.request(
        "GET",
        f"{API_PREFIX}/reports/agents",
        token=sofia,
        params={"from": start.isoformat(), "to": (start + timedelta(hours=2)).isoformat()},
    )
    (anna,) = agents.json()
    assert (anna["logged_in_s"], anna["wrap_up_s"]) == (95.0, 10.0)
    refused = running.api.request(
        "GET",
        f"{API_PREFIX}/reports/agents",
        token=running.token("anna"),
        params={"from": start.isoformat(), "to": start.isoformat()},
    )
    assert refused.status_code == 403


def test_deleting_a_queue_calls_wait_in_is_refused_with_409(running: Centre) -> None:
    centre, ada = running.centre, running.token("ada")
    running.api.app.state.services.configuration.add_queue(QueueSettings(name="Billing"))
    billing = {q.name: q.queue_id for q in centre.queues()}["Billing"]
    contact = centre.enter("100", None)
    centre.queue(contact, billing)
    refused = running.api.request("DELETE", f"{API_PREFIX}/config/queues/Billing", token=ada)
    assert refused.status_code == 409
    assert "1 call waits in it" in refused.json()["detail"]
    assert "Billing" in {q.name for q in centre.queues()}
    centre.abandoned(contact)
    deleted = running.api.request("DELETE", f"{API_PREFIX}/config/queues/Billing", token=ada)
    assert deleted.status_code == 204
    states = running.api.request("GET", QUEUES, token=ada).json()
    assert "Billing" not in {q["name"] for q in states}
