"""``/queues`` through HTTP against the real app."""

from datetime import timedelta
from typing import Any

import pytest
from httpx import Response

from tests.server.api.running import Centre, a_day
from vaxla_protocol import API_PREFIX
from vaxla_protocol.agent import QueueState, WaitingContact
from vaxla_protocol.config import CallbackItem
from vaxla_server.config import QueueSettings
from vaxla_server.queues.wire import every_waiting_contact
from vaxla_server.store.events import CallbackCancelled, EventKind

QUEUES = f"{API_PREFIX}/queues"


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
    # A new caller would have c2 ahead and anna alone to answer, her one call 60 s of
    # talk and 10 s of wrap-up: (1 + 1) × 70 / 1; nobody works Sales, so no estimate.
    assert support.estimated_wait_s == 140.0
    assert queues["Sales"].estimated_wait_s is None
    # Only what was logged since is read again: c2 abandons after 25 s.
    running.clock.advance(seconds=5)
    running.centre.abandoned(waiting)
    again = running.api.request("GET", QUEUES, token=running.token("bo")).json()
    support = next(QueueState.model_validate(q) for q in again if q["name"] == "Support")
    assert (support.waiting, support.abandoned_today, support.offered_today) == (0, 2, 3)


def test_a_caller_still_within_the_goal_does_not_lower_the_level_yet(running: Centre) -> None:
    def sales() -> QueueState:
        answer = running.api.request("GET", QUEUES, token=running.token("bo")).json()
        return next(QueueState.model_validate(q) for q in answer if q["name"] == "Sales")

    caller = running.centre.enter("200", "+46700000009")
    running.centre.queue(caller, running.ids["sales"])
    first = sales()
    assert (first.waiting, first.offered_today) == (1, 1)
    assert first.service_level_today is None  # may yet be answered within the goal
    running.clock.advance(seconds=first.service_goal_s)
    late = sales()
    assert late.service_level_today == 0.0  # past the goal: a miss whatever comes


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


ROLES = {"anna": "agent", "olle": "operator"}


def _post(running: Centre, user: str, path: str, body: dict[str, object]) -> Response:
    return running.api.request("POST", f"{QUEUES}/{path}", token=running.token(user), json=body)


def _events(running: Centre, kind: EventKind | None = None) -> list[Any]:
    log = running.centre.log
    read = log.read(limit=100000) if kind is None else log.read(kinds=[kind], limit=100000)
    return [logged.event for logged in read]


def _log_in(running: Centre, agent: str, queues: list[int]) -> None:
    answer = running.api.request(
        "POST",
        f"{API_PREFIX}/agent/login",
        token=running.token(agent),
        json={"queues": queues, "sip_contact": f"sip:{agent}@127.0.0.1:5070"},
    )
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    ("user", "allowed"),
    [("anna", False), ("olle", False), ("sofia", True), ("ada", True)],
    ids=["agent", "operator", "supervisor", "admin"],
)
def test_the_queue_control_actions_by_role(running: Centre, user: str, allowed: bool) -> None:
    """Agents and operators are refused (403, nothing changes); supervisors and
    administrators act, and each action is logged with who did it."""
    centre, support, sales = running.centre, running.ids["support"], running.ids["sales"]
    _log_in(running, "bo", [sales])
    first = centre.enter("100", "+4670004")
    centre.queue(first, sales)  # bo talks with it
    centre.answered(first, running.ids["bo"])
    contact = centre.enter("100", "+4670005")
    centre.queue(contact, support, data={"customer": "42"})
    before = len(_events(running))
    listed = running.api.request("GET", f"{QUEUES}/{support}/contacts", token=running.token(user))
    raised = _post(running, user, f"{support}/contacts/{contact}/priority", {"priority": 7})
    moved = _post(running, user, f"{support}/contacts/{contact}/move", {"queue_id": sales})
    picked = _post(
        running,
        user,
        f"{sales}/contacts/{contact}/pick",
        {"agent_id": running.ids["bo"], "offer": False},
    )
    if not allowed:
        for answer in (raised, moved, picked):
            assert answer.status_code == 403
            assert answer.json()["detail"].startswith(f"role {ROLES[user]!r} may not do this")
        assert len(_events(running)) == before
        view = centre.contact(contact)
        assert (view.queue_priority, view.queue_id, view.personal_agent) == (0, support, None)
        return
    assert listed.status_code == 200
    (shown,) = [WaitingContact.model_validate(c) for c in listed.json()]
    assert (shown.caller, shown.priority, shown.data) == ("+4670005", 0, {"customer": "42"})
    assert raised.status_code == 200, raised.text
    assert WaitingContact.model_validate(raised.json()).priority == 7
    assert moved.status_code == 200, moved.text
    assert WaitingContact.model_validate(moved.json()).queue_id == sales
    assert picked.status_code == 200, picked.text
    by = running.ids[user]
    (changed,) = _events(running, EventKind.PRIORITY_CHANGED)
    assert (changed.priority, changed.by_user) == (7, by)
    (move,) = _events(running, EventKind.MOVED)
    assert (move.to_queue_id, move.by_user) == (sales, by)
    (pick,) = _events(running, EventKind.PICKED)
    assert (pick.agent_id, pick.offered, pick.by_user) == (running.ids["bo"], False, by)
    # bo's call ends: the picked caller is offered to bo, not to anyone else.
    centre.ended(first, "caller")
    assert centre.contact(contact).offered_to == (running.ids["bo"],)


def test_refused_queue_control_says_why_and_changes_nothing(running: Centre) -> None:
    centre, support, sales = running.centre, running.ids["support"], running.ids["sales"]
    anna, bo = running.ids["anna"], running.ids["bo"]
    contact = centre.enter("100", None)
    centre.queue(contact, support)
    on = f"{support}/contacts/{contact}"

    def refused(path: str, body: dict[str, object], code: int, reason: str) -> None:
        before = len(_events(running))
        answer = _post(running, "sofia", path, body)
        assert answer.status_code == code, (path, body, answer.text)
        assert reason in str(answer.json()["detail"]), (path, body, answer.text)
        assert len(_events(running)) == before
        view = centre.contact(contact)
        assert (view.queue_id, view.queue_priority, view.personal_agent) == (support, 0, None)

    refused(f"{on}/pick", {"agent_id": anna}, 409, "agent 'anna' is not logged in")
    refused(f"{on}/pick", {"agent_id": 9999}, 404, "no agent 9999")
    refused(f"{on}/pick", {"agent_id": -1}, 422, "greater than or equal")
    refused(f"{support}/contacts/9999/pick", {"agent_id": anna}, 404, "no contact 9999")
    refused(
        f"{sales}/contacts/{contact}/pick",
        {"agent_id": anna},
        404,
        f"contact {contact} is not waiting in queue {sales}",
    )
    refused(f"99/contacts/{contact}/priority", {"priority": 1}, 404, "no queue 99")
    refused(f"{on}/priority", {"priority": 0}, 409, f"contact {contact} has priority 0 already")
    refused(f"{on}/priority", {"priority": 101}, 422, "less than or equal")
    refused(f"{on}/move", {"queue_id": support}, 409, "waits in queue 'Support' already")
    refused(f"{on}/move", {"queue_id": 99}, 404, "no queue 99")
    _log_in(running, "bo", [sales])
    refused(f"{on}/pick", {"agent_id": bo}, 409, "agent 'bo' is not a member of queue 'Support'")
    _log_in(running, "anna", [sales])
    running.api.request(
        "POST", f"{API_PREFIX}/agent/pause", token=running.token("anna"), json={"reason": "lunch"}
    )
    refused(f"{on}/pick", {"agent_id": anna}, 409, "agent 'anna' is paused, not available")
    # Offered to anna and answered: no longer waiting, so no longer a supervisor's to move.
    running.api.request("POST", f"{API_PREFIX}/agent/ready", token=running.token("anna"))
    offered = _post(running, "sofia", f"{on}/pick", {"agent_id": anna})
    assert WaitingContact.model_validate(offered.json()).state == "offered"
    centre.answered(contact, anna)
    gone = _post(running, "sofia", f"{on}/priority", {"priority": 3})
    assert gone.status_code == 404
    assert gone.json()["detail"] == f"contact {contact} is not waiting in queue {support}"


def test_a_supervisor_sees_a_callback_and_cancels_it(running: Centre) -> None:
    _, _, waiting = a_day(running)
    support = running.ids["support"]
    running.centre.request_callback(waiting, "+46701234567", CallbackItem(key="5", sms_text="Hej"))
    sofia, anna = running.token("sofia"), running.token("anna")
    listed = running.api.request("GET", f"{QUEUES}/{support}/contacts", token=sofia).json()
    assert [(c["contact_id"], c["callback_number"]) for c in listed] == [(waiting, "+46701234567")]
    url = f"{QUEUES}/{support}/contacts/{waiting}/callback"
    forbidden = running.api.request("DELETE", url, token=anna)
    assert forbidden.status_code == 403
    assert running.centre.contact(waiting).callback_number == "+46701234567"
    assert running.api.request("DELETE", url, token=sofia).status_code == 204
    (cancelled,) = [
        logged.event for logged in running.centre.log.read(kinds=[EventKind.CALLBACK_CANCELLED])
    ]
    assert isinstance(cancelled, CallbackCancelled)
    assert cancelled.by_user == running.ids["sofia"]
    assert running.api.request("DELETE", url, token=sofia).status_code == 404
    contact = running.centre.enter("100", None)
    running.centre.queue(contact, support)
    not_one = running.api.request(
        "DELETE", f"{QUEUES}/{support}/contacts/{contact}/callback", token=sofia
    )
    assert not_one.status_code == 409
    assert not_one.json()["detail"] == f"contact {contact} is not a callback"


def test_a_supervisor_sees_a_scheduled_callback_with_its_time_and_cancels_it(
    running: Centre,
) -> None:
    """A callback waiting out of the line for its time is listed after the line, with
    the time (``scheduled``, position 0), on the queue's list and the event socket's."""
    _, _, waiting = a_day(running)
    support = running.ids["support"]
    due = running.clock.now + timedelta(hours=2)
    terms = CallbackItem(key="5", sms_text="Hej")
    running.centre.request_callback(waiting, "+46701234567", terms, due=due)
    in_line = running.centre.enter("100", None)
    running.centre.queue(in_line, support)
    sofia = running.token("sofia")
    listed = [
        WaitingContact.model_validate(c)
        for c in running.api.request("GET", f"{QUEUES}/{support}/contacts", token=sofia).json()
    ]
    assert [(c.contact_id, c.state, c.position, c.callback_due) for c in listed] == [
        (in_line, "waiting", 1, None),
        (waiting, "scheduled", 0, due),
    ]
    everyone = every_waiting_contact(running.centre)
    assert [c.contact_id for c in everyone if c.state == "scheduled"] == [waiting]
    url = f"{QUEUES}/{support}/contacts/{waiting}/callback"
    assert running.api.request("DELETE", url, token=sofia).status_code == 204
    assert running.centre.scheduled_callbacks() == []
    assert running.api.request("DELETE", url, token=sofia).status_code == 404
