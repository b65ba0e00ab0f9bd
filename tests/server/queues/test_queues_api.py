"""``/queues`` through HTTP against the real app."""

from tests.server.api.running import Centre, a_day
from vaxla_protocol import API_PREFIX
from vaxla_protocol.agent import QueueState
from vaxla_server.config import QueueSettings

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
