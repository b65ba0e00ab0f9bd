"""``/calls``, ``/stats`` and ``/reports`` through HTTP against the real app."""

from datetime import timedelta

from tests.server.api.running import Centre, a_day
from vaxla_protocol import API_PREFIX
from vaxla_protocol.calls import CallRecord

CALLS = f"{API_PREFIX}/calls"


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


def test_the_reports_from_the_summaries_over_http(running: Centre) -> None:
    answered, abandoned, waiting = a_day(running)
    sofia, ada = running.token("sofia"), running.token("ada")
    start = running.clock.now.replace(hour=8, minute=0, second=0, microsecond=0)
    period = {"from": start.isoformat(), "to": (start + timedelta(hours=1)).isoformat()}
    support = running.ids["support"]

    def get(route: str, token: str, **params: object) -> list[dict[str, object]]:
        response = running.api.request(
            "GET", f"{API_PREFIX}/reports/{route}", token=token, params={**period, **params}
        )
        assert response.status_code == 200, response.text
        rows: list[dict[str, object]] = response.json()
        return rows

    halves = get("queues", sofia, interval="30m", queue=support)
    assert [
        (str(r["start"])[11:16], r["offered"], r["answered"], r["abandoned"]) for r in halves
    ] == [
        ("08:00", 3, 1, 1),
        ("08:30", 0, 0, 0),
    ]
    first = halves[0]
    assert (first["service_goal_s"], first["callbacks"], first["abandoned_within_5s"]) == (
        20.0,
        0,
        0,
    )
    assert first["average_talk_s"] == 60.0
    # anna has been logged in to Support from 08:00 until now (08:01:05) and talked
    # 08:00:05-08:01:05: 65 and 60 agent-seconds of the half hour.
    staffing = get("staffing", ada, interval="30m", queue=support)
    assert staffing[0]["logged_in"] == 65 / 1800 and staffing[0]["busy"] == 60 / 1800
    assert staffing[0]["ready"] == 5 / 1800 and staffing[1]["logged_in"] == 0
    assert get("classifications", sofia) == []
    # The call log's filters.
    calls = f"{API_PREFIX}/calls"
    only = running.api.request(
        "GET", calls, token=sofia, params={"outcome": "abandoned", "queue": support}
    )
    assert [c["id"] for c in only.json()] == [abandoned]
    by_entry = running.api.request("GET", calls, token=sofia, params={"entry_point": "200"})
    assert [c["id"] for c in by_entry.json()] == [waiting]
    mine = running.api.request("GET", calls, token=running.token("anna"), params={"agent": 999})
    assert mine.json() == []
    assert answered not in [c["id"] for c in only.json()]
    # Bad input is refused with the reason; agents and operators may not read reports.
    off = running.api.request(
        "GET",
        f"{API_PREFIX}/reports/queues",
        token=sofia,
        params={"from": (start + timedelta(minutes=7)).isoformat(), "to": period["to"]},
    )
    assert off.status_code == 422 and "must be on a quarter hour" in off.json()["detail"]
    unknown = running.api.request(
        "GET", f"{API_PREFIX}/reports/queues", token=sofia, params={**period, "queue": 999}
    )
    assert unknown.status_code == 404
    for name in ("anna", "olle"):
        refused = running.api.request(
            "GET", f"{API_PREFIX}/reports/queues", token=running.token(name), params=period
        )
        assert refused.status_code == 403
