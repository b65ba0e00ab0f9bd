"""``/agent`` and ``/agents`` through HTTP against the real app."""

from tests.server.api.running import Centre
from tests.server.centre.test_write_ahead import refusing_writes
from vaxla_protocol import API_PREFIX
from vaxla_protocol.agent import AgentState
from vaxla_server.store.events import EventKind

AGENT = f"{API_PREFIX}/agent"
AGENTS = f"{API_PREFIX}/agents"


def state(response_json: object) -> AgentState:
    return AgentState.model_validate(response_json)


def test_an_agent_logs_in_pauses_and_gets_ready(running: Centre) -> None:
    api, token = running.api, running.token("anna")
    response = api.request(
        "POST", f"{AGENT}/login", token=token, json={"sip_contact": "sip:anna@127.0.0.1:5080"}
    )
    assert response.status_code == 200, response.text
    anna = state(response.json())
    assert anna.state == "available"
    assert [q.name for q in anna.queues] == ["Support", "Sales"]
    assert running.centre.session_of(running.ids["anna"]) is not None
    leg = running.centre.session_of(running.ids["anna"])
    assert leg is not None and leg.sip_contact == "sip:anna@127.0.0.1:5080"

    paused = api.request("POST", f"{AGENT}/pause", token=token, json={"reason": "lunch"})
    assert (paused.status_code, paused.json()["state"], paused.json()["reason"]) == (
        200,
        "paused",
        "lunch",
    )
    ready = api.request("POST", f"{AGENT}/ready", token=token)
    assert ready.json()["state"] == "available"
    out = api.request(
        "POST", f"{AGENT}/logout", token=token, json={"queues": [running.ids["sales"]]}
    )
    assert [q["name"] for q in out.json()["queues"]] == ["Support"]
    assert api.request("GET", AGENT, token=token).json()["state"] == "available"


def test_bad_agent_requests_get_clear_4xx_and_change_nothing(running: Centre) -> None:
    api, token = running.api, running.token("anna")
    log = running.centre.log
    before = len(log.read(limit=10000))
    not_in = api.request("POST", f"{AGENT}/pause", token=token, json={"reason": "lunch"})
    assert not_in.status_code == 409 and "not logged in" in not_in.json()["detail"]
    stranger = api.request(
        "POST",
        f"{AGENT}/login",
        token=running.token("bo"),
        json={"queues": [running.ids["support"]]},
    )
    assert stranger.status_code == 422
    assert stranger.json()["detail"] == "agent 'bo' is not a member of queue 'Support'"
    no_profile = api.request("POST", f"{AGENT}/login", token=running.token("nobody"), json={})
    assert no_profile.status_code == 404 and "no agent profile" in no_profile.json()["detail"]
    assert len(log.read(limit=10000)) == before

    assert api.request("POST", f"{AGENT}/login", token=token, json={}).status_code == 200
    before = len(log.read(limit=10000))
    bad_reason = api.request("POST", f"{AGENT}/pause", token=token, json={"reason": "nap"})
    assert bad_reason.status_code == 422
    assert "'nap' is not an active pause reason; reasons: lunch" in bad_reason.json()["detail"]
    bad_code = api.request("POST", f"{AGENT}/classification", token=token, json={"code": "x"})
    assert bad_code.status_code == 422
    nothing = api.request("POST", f"{AGENT}/classification", token=token, json={"code": "invoice"})
    assert nothing.status_code == 409
    assert len(log.read(limit=10000)) == before


def test_the_licence_limit_refuses_the_next_agent_with_409(running: Centre) -> None:
    running.config.set_licence(1)
    api = running.api
    assert (
        api.request("POST", f"{AGENT}/login", token=running.token("anna"), json={}).status_code
        == 200
    )
    refused = api.request("POST", f"{AGENT}/login", token=running.token("bo"), json={})
    assert refused.status_code == 409
    assert "the licence allows 1 agents logged in at once" in refused.json()["detail"]


def test_a_supervisor_forces_an_agent_out_and_sees_every_agent(running: Centre) -> None:
    api = running.api
    api.request("POST", f"{AGENT}/login", token=running.token("anna"), json={})
    sofia = running.token("sofia")
    agents = {a["username"]: a["state"] for a in api.request("GET", AGENTS, token=sofia).json()}
    assert agents == {"anna": "available", "bo": "offline"}
    anna = running.ids["anna"]
    paused = api.request("POST", f"{AGENTS}/{anna}/pause", token=sofia, json={"reason": "lunch"})
    assert paused.json()["state"] == "paused"
    out = api.request("POST", f"{AGENTS}/{anna}/logout", token=sofia)
    assert out.status_code == 200 and out.json()["state"] == "offline"
    forced = running.centre.log.read(kinds=[EventKind.AGENT_LOGGED_OUT])
    assert all(logged.event.forced for logged in forced) and len(forced) == 2  # type: ignore[union-attr]
    assert api.request("POST", f"{AGENTS}/999/ready", token=sofia).status_code == 404
    # Agents may not act on others, nor list them.
    assert api.request("GET", AGENTS, token=running.token("bo")).status_code == 403
    assert (
        api.request("POST", f"{AGENTS}/{anna}/ready", token=running.token("olle")).status_code
        == 403
    )


def test_a_request_whose_events_cannot_be_written_answers_503_and_changes_nothing(
    running: Centre,
) -> None:
    api, token = running.api, running.token("anna")
    with refusing_writes(running.config.engine):  # the one engine the whole app uses
        refused = api.request("POST", f"{AGENT}/login", token=token, json={})
        assert refused.status_code == 503, refused.text
        assert "nothing was changed" in refused.json()["detail"]
    assert api.request("GET", AGENT, token=token).json()["state"] == "offline"
    assert running.centre.log.read(kinds=[EventKind.AGENT_LOGGED_IN]) == []
    assert api.request("POST", f"{AGENT}/login", token=token, json={}).status_code == 200
    assert api.request("GET", AGENT, token=token).json()["state"] == "available"


def test_a_sip_contact_that_is_not_a_sip_uri_is_refused_and_changes_nothing(
    running: Centre,
) -> None:
    """A line break in the contact would split the INVITE the server sends it (the first
    offer failed with a traceback): refused at log-in with what is wrong."""
    api, token = running.api, running.token("anna")
    for contact in ("sip:anna@127.0.0.1:5080\r\nX-Evil: 1", "anna@127.0.0.1", "sip:a b@host"):
        refused = api.request("POST", f"{AGENT}/login", token=token, json={"sip_contact": contact})
        assert refused.status_code == 422, contact
        assert "sip_contact" in refused.text
    assert running.centre.session_of(running.ids["anna"]) is None


def test_a_supervisors_actions_on_an_agent_are_logged_with_who_did_them(running: Centre) -> None:
    api, centre = running.api, running.centre
    anna, sofia_id = running.ids["anna"], running.ids["sofia"]
    sofia = running.token("sofia")
    api.request("POST", f"{AGENT}/login", token=running.token("anna"), json={})
    api.request("POST", f"{AGENT}/pause", token=running.token("anna"), json={"reason": "lunch"})
    assert api.request("POST", f"{AGENTS}/{anna}/ready", token=sofia).json()["state"] == (
        "available"
    )
    assert (
        api.request("POST", f"{AGENTS}/{anna}/pause", token=sofia, json={"reason": "lunch"}).json()[
            "state"
        ]
        == "paused"
    )
    assert api.request("POST", f"{AGENTS}/{anna}/logout", token=sofia).json()["state"] == (
        "offline"
    )
    kinds = [EventKind.AGENT_PAUSED, EventKind.AGENT_READY, EventKind.AGENT_LOGGED_OUT]
    by = [(logged.event.kind, logged.event.by_user) for logged in centre.log.read(kinds=kinds)]  # type: ignore[union-attr]
    assert by == [
        (EventKind.AGENT_READY, None),  # anna's own log-in makes her ready
        (EventKind.AGENT_PAUSED, None),  # her own pause
        (EventKind.AGENT_READY, sofia_id),
        (EventKind.AGENT_PAUSED, sofia_id),
        (EventKind.AGENT_LOGGED_OUT, sofia_id),
        (EventKind.AGENT_LOGGED_OUT, sofia_id),
    ]


def test_a_supervisors_refused_action_says_why_and_changes_nothing(running: Centre) -> None:
    api, centre = running.api, running.centre
    anna, sofia = running.ids["anna"], running.token("sofia")
    before = len(centre.log.read())
    for path, body in (("ready", None), ("pause", {"reason": "lunch"}), ("logout", None)):
        refused = api.request("POST", f"{AGENTS}/{anna}/{path}", token=sofia, json=body)
        assert refused.status_code == 409, refused.text
        assert refused.json()["detail"] == "agent 'anna' is not logged in"
    api.request("POST", f"{AGENT}/login", token=running.token("anna"), json={})
    after_login = len(centre.log.read())
    bad = api.request("POST", f"{AGENTS}/{anna}/pause", token=sofia, json={"reason": "nap"})
    assert bad.status_code == 422
    assert "'nap' is not an active pause reason" in bad.json()["detail"]
    assert len(centre.log.read()) == after_login > before
    assert api.request("GET", AGENT, token=running.token("anna")).json()["state"] == "available"


def test_an_agents_state_says_since_when_and_its_current_call(running: Centre) -> None:
    api, centre, clock = running.api, running.centre, running.clock
    anna, sofia = running.ids["anna"], running.token("sofia")

    def anna_now() -> AgentState:
        every = [state(a) for a in api.request("GET", AGENTS, token=sofia).json()]
        return next(a for a in every if a.agent_id == anna)

    assert anna_now().state_since is None  # offline since before this server ran
    logged_in_at = clock()
    api.request("POST", f"{AGENT}/login", token=running.token("anna"), json={})
    clock.advance(seconds=30)
    assert anna_now().state == "available"
    assert anna_now().state_since == logged_in_at
    assert anna_now().call is None

    contact = centre.enter("100", "+46700000001")
    centre.queue(contact, running.ids["support"])
    offered = anna_now()
    assert offered.state == "offered" and offered.state_since == clock()
    assert offered.call is not None and offered.call.contact_id == contact
    assert offered.call.queue is not None and offered.call.queue.name == "Support"
    clock.advance(seconds=4)
    answered_at = clock()
    centre.answered(contact, anna)
    clock.advance(seconds=50)
    busy = anna_now()
    assert busy.state == "busy" and busy.state_since == answered_at
    assert busy.call is not None
    assert (busy.call.contact_id, busy.call.direction, busy.call.since) == (
        contact,
        "inbound",
        answered_at,
    )
    centre.ended(contact, "caller")
    wrap_up = anna_now()
    assert wrap_up.state == "wrap_up" and wrap_up.state_since == clock()
    assert wrap_up.call is None
