"""Voicemail tasks through the API (R7), on the real app and a real SQLite store: a
message left in a box with a ``task_queue`` is offered to an agent of that queue, who
may take or decline it; the agent offered or holding it may read, play and handle that
one message without reading the box (the role rule chosen), and nobody else who does
not read the box may; handled by the agent or by a reader in the Voicemail tab, the
task ends."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from tests.server.auth.test_api import Api
from tests.server.voicemail.test_messages import box, record
from vaxla_protocol import API_PREFIX, Role
from vaxla_server.app import create_app
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.config import AgentSettings, Membership, QueueSettings
from vaxla_server.store import open_store
from vaxla_server.store.events import EventKind
from vaxla_server.voicemail.messages import VoicemailMessages

VOICEMAIL = f"{API_PREFIX}/voicemail"
TASKS = box("Kansliet", reader_roles=["supervisor"], task_queue="Support")


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    clock = FakeClock()
    with open_store(data_dir=tmp_path / "data") as store:
        app = create_app(
            store, auth_settings=CHEAP_SETTINGS, clock=clock, data_dir=tmp_path / "data"
        )
        api = Api(app)
        for role in Role:
            api.auth.users.create(role.value, PASSWORD, role, now=clock())
        api.auth.users.create("bo", PASSWORD, Role.AGENT, now=clock())
        config = app.state.services.configuration
        config.add_queue(QueueSettings("Support", wrap_up_s=5.0))
        for name in ("agent", "bo"):
            config.set_agent_profile(name, AgentSettings(memberships=(Membership("Support"),)))
        config.voicemail_boxes.add(TASKS)
        yield api


def centre(api: Api) -> ContactCentre:
    found: ContactCentre = api.app.state.services.centre
    return found


def user_id(api: Api, name: str) -> int:
    return api.auth.users.get(name).id


def log_in(api: Api, name: str) -> None:
    centre(api).log_in(user_id(api, name), session_key="0" * 64, sip_contact="sip:a@127.0.0.1")


def leave(api: Api, call_id: str) -> int:
    messages: VoicemailMessages = api.app.state.services.voicemail
    record(messages.path_for(call_id), 1.5, voice=True)
    return messages.keep(box=TASKS, contact_id=1, call_id=call_id, caller="+4670111").id


def post(api: Api, user: str, path: str) -> tuple[int, str]:
    response = api.request("POST", f"{VOICEMAIL}{path}", token=api.token(user))
    return response.status_code, response.text


def test_the_agent_offered_takes_plays_and_handles_that_message_alone(api: Api) -> None:
    log_in(api, "agent")
    message = leave(api, "w1-1")
    other = leave(api, "w1-2")  # waits behind: the agent has one task at a time
    (task,) = [v.contact_id for v in centre(api).waiting_contacts() if v.offered_to]
    assert centre(api).contact(task).voicemail is not None

    # Offered: the agent may play it; bo (an agent, no reader, not offered) may not.
    token = api.token("agent")
    audio = api.request("GET", f"{VOICEMAIL}/messages/{message}/audio", token=token)
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
    refused = api.request("GET", f"{VOICEMAIL}/messages/{message}/audio", token=api.token("bo"))
    assert refused.status_code == 403 and "bo may not read" in refused.json()["detail"]
    assert post(api, "bo", f"/messages/{message}/handled")[0] == 403
    # The message behind is not the agent's: no reading it either.
    refused = api.request("GET", f"{VOICEMAIL}/messages/{other}/audio", token=token)
    assert refused.status_code == 403

    mine = api.request("GET", f"{VOICEMAIL}/tasks", token=token).json()
    assert [(t["contact_id"], t["taken"], t["task"]["message_id"]) for t in mine] == [
        (task, False, message)
    ]
    assert api.request("GET", f"{VOICEMAIL}/tasks", token=api.token("bo")).json() == []
    code, text = post(api, "bo", f"/tasks/{task}/take")
    assert code == 409 and "is not offered to agent" in text
    code, text = post(api, "agent", f"/tasks/{task}/take")
    assert code == 200 and f'"id":{message}' in text
    assert centre(api).agent(user_id(api, "agent")).state == "busy"
    mine = api.request("GET", f"{VOICEMAIL}/tasks", token=token).json()
    assert [(t["contact_id"], t["taken"]) for t in mine] == [(task, True)]

    code, text = post(api, "agent", f"/messages/{message}/handled")
    assert code == 200 and '"handled_by":"agent"' in text
    store = api.app.state.services.store
    ended = [e.event for e in store.events.read(kinds=[EventKind.ENDED])]
    assert [(e.contact_id, e.by, e.cause) for e in ended] == [(task, "agent", "voicemail_handled")]
    assert centre(api).agent(user_id(api, "agent")).state == "wrap_up"
    # Over: the message is the box's readers' again.
    refused = api.request("GET", f"{VOICEMAIL}/messages/{message}/audio", token=token)
    assert refused.status_code == 403


def test_declined_and_handled_in_the_voicemail_tab_the_task_ends(api: Api) -> None:
    log_in(api, "agent")
    message = leave(api, "w1-1")
    (view,) = centre(api).waiting_contacts()
    task = view.contact_id
    assert post(api, "agent", f"/tasks/{task}/decline") == (204, "")
    store = api.app.state.services.store
    (declined,) = [e.event for e in store.events.read(kinds=[EventKind.NOT_ANSWERED])]
    assert (declined.contact_id, declined.reason) == (task, "declined")
    assert post(api, "agent", f"/tasks/{task}/decline")[0] == 409  # not offered any more

    # A supervisor (a reader) handles it in the Voicemail tab: the task leaves the line.
    assert post(api, "supervisor", f"/messages/{message}/handled")[0] == 200
    assert centre(api).waiting_contacts() == []
    (ended,) = [e.event for e in store.events.read(kinds=[EventKind.ENDED])]
    assert (ended.contact_id, ended.by, ended.cause) == (task, "system", "voicemail_handled")


def test_a_contact_that_is_no_task_is_refused(api: Api) -> None:
    call = centre(api).enter("100", "+4670111")
    code, text = post(api, "agent", f"/tasks/{call}/take")
    assert code == 404 and f"contact {call} is no voicemail task" in text
    code, text = post(api, "agent", "/tasks/999/take")
    assert code == 404
    code, _ = post(api, "admin", f"/tasks/{call}/take")
    assert code == 403  # an administrator logs in to no queue


def test_a_message_purged_ends_its_task(api: Api) -> None:
    leave(api, "w1-1")
    (view,) = centre(api).waiting_contacts()
    clock = api.app.state.services.clock
    clock.advance(days=2)
    messages: VoicemailMessages = api.app.state.services.voicemail
    assert len(messages.purge({"Kansliet": 1})) == 1
    assert centre(api).waiting_contacts() == []
    store = api.app.state.services.store
    (ended,) = [e.event for e in store.events.read(kinds=[EventKind.ENDED])]
    assert (ended.contact_id, ended.cause) == (view.contact_id, "voicemail_purged")


def test_a_box_without_a_task_queue_makes_no_task(api: Api) -> None:
    config = api.app.state.services.configuration
    config.voicemail_boxes.replace("Kansliet", box("Kansliet", reader_roles=["supervisor"]))
    messages: VoicemailMessages = api.app.state.services.voicemail
    record(messages.path_for("w1-9"), 1.5, voice=True)
    plain = config.voicemail_boxes.get("Kansliet")
    messages.keep(box=plain, contact_id=1, call_id="w1-9", caller="+4670111")
    assert centre(api).waiting_contacts() == []
    store = api.app.state.services.store
    assert store.events.read(kinds=[EventKind.VOICEMAIL_TASK_QUEUED]) == []
