"""``/voicemail`` for the boxes' readers, on the real app and a real SQLite store: only
the boxes a user may read (by name or by role) are listed; a box, a message or its audio
of another box answers 403 and changes nothing; handled once, logged with who."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from tests.server.auth.test_api import Api
from tests.server.voicemail.test_messages import box, record
from vaxla_protocol import API_PREFIX, Role
from vaxla_server.app import create_app
from vaxla_server.store import open_store
from vaxla_server.store.events import EventKind, VoicemailHandled
from vaxla_server.voicemail.messages import VoicemailMessages

VOICEMAIL = f"{API_PREFIX}/voicemail"


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
        api.auth.users.create("anna", PASSWORD, Role.AGENT, now=clock())
        config = app.state.services.configuration
        # Kansliet: the supervisors and Anna (an agent by name); Växeln: the operators.
        config.voicemail_boxes.add(box("Kansliet", reader_roles=["supervisor"], readers=["anna"]))
        config.voicemail_boxes.add(box("Växeln", reader_roles=["operator"]))
        yield api


def leave(api: Api, box_name: str, call_id: str, caller: str) -> int:
    messages: VoicemailMessages = api.app.state.services.voicemail
    record(messages.path_for(call_id), 1.5, voice=True)
    kept = messages.keep(box=box(box_name), contact_id=1, call_id=call_id, caller=caller)
    return kept.id


def get(api: Api, user: str, path: str) -> httpx.Response:
    return api.request("GET", f"{VOICEMAIL}{path}", token=api.token(user))


def test_readers_see_their_boxes_play_and_handle_messages_and_nobody_else_does(
    api: Api,
) -> None:
    kansli = leave(api, "Kansliet", "w1-1", "+4670111")
    leave(api, "Kansliet", "w1-2", "0812345")
    vaxel = leave(api, "Växeln", "w1-3", "0899999")

    boxes = {user: get(api, user, "/boxes").json() for user in ("anna", "supervisor", "agent")}
    assert boxes["anna"] == [{"name": "Kansliet", "messages": 2, "unhandled": 2}]
    assert boxes["supervisor"] == boxes["anna"]
    assert boxes["agent"] == []  # an agent not named reads no box
    assert [m["caller"] for m in get(api, "anna", "/boxes/Kansliet/messages").json()] == [
        "0812345", "+4670111",
    ]  # fmt: skip
    audio = get(api, "anna", f"/messages/{kansli}/audio")
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
    assert audio.content == (api.app.state.services.voicemail.get(kansli).path.read_bytes())

    # Another box's messages, its audio and its handling are refused, with the reason.
    for path in ("/boxes/Växeln/messages", f"/messages/{vaxel}/audio"):
        refused = get(api, "anna", path)
        assert refused.status_code == 403
        assert "anna may not read the voicemail box 'Växeln'" in refused.json()["detail"]
    token = api.token("anna")
    refused = api.request("POST", f"{VOICEMAIL}/messages/{vaxel}/handled", token=token)
    assert refused.status_code == 403
    assert get(api, "operator", "/boxes").json()[0]["unhandled"] == 1  # nothing changed
    assert get(api, "anna", "/boxes/Nowhere/messages").status_code == 404
    assert get(api, "anna", "/messages/99/audio").status_code == 404

    handled = api.request("POST", f"{VOICEMAIL}/messages/{kansli}/handled", token=token)
    assert handled.status_code == 200 and handled.json()["handled_by"] == "anna"
    again = api.request(
        "POST", f"{VOICEMAIL}/messages/{kansli}/handled", token=api.token("supervisor")
    )
    assert again.status_code == 409 and "handled already, by anna" in again.json()["detail"]
    assert get(api, "supervisor", "/boxes").json()[0]["unhandled"] == 1
    store = api.app.state.services.store
    [event] = [e.event for e in store.events.read(kinds=[EventKind.VOICEMAIL_HANDLED])]
    assert isinstance(event, VoicemailHandled) and event.by_name == "anna"
