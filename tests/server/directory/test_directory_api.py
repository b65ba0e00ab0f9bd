"""The directory, hänvisning and lines over the API and the event socket (R29): who may
do what, clear refusals that change nothing, and the socket telling a receptionist of a
colleague's presence and line as they change."""

import warnings
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

with warnings.catch_warnings():
    # Starlette asks for its httpx fork, which is not a dependency; httpx still works.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient, WebSocketTestSession

from tests.server.api.running import Centre
from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from tests.server.auth.test_api import Api
from tests.server.events.test_events_ws import client as client
from tests.server.events.test_events_ws import connect, log_in, until
from vaxla_protocol import API_PREFIX, Role
from vaxla_protocol.directory import LineStatus, LineStatusChanged, PresenceChanged
from vaxla_server.app import create_app
from vaxla_server.store import open_store
from vaxla_server.store.events import EventKind

URL = f"{API_PREFIX}/directory"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(tmp_path: Path, clock: FakeClock) -> Iterator[Api]:
    with open_store(data_dir=tmp_path / "data") as store:
        api = Api(create_app(store, auth_settings=CHEAP_SETTINGS, clock=clock))
        for name, role in (("admin", Role.ADMIN), ("reception", Role.OPERATOR),
                           ("asa", Role.AGENT), ("bo", Role.AGENT)):  # fmt: skip
            api.auth.users.create(name, PASSWORD, role, now=clock())
        yield api


PRESENCE = f"{API_PREFIX}/presence"


def test_admins_edit_everyone_searches_with_presence_and_line(api: Api, clock: FakeClock) -> None:
    admin, agent = api.token("admin"), api.token("asa")
    person = {"name": "Åsa Öberg", "extension": "asa", "mobile": "+46701234567",
              "department": "Ekonomi", "notes": "Fakturor"}  # fmt: skip
    assert api.request("POST", URL, json=person, token=agent).status_code == 403
    added = api.request("POST", URL, json=person, token=admin)
    assert added.status_code == 201, added.text
    body = added.json()
    assert (body["changed_by"], body["presence"], body["line"]) == (
        "admin", None, {"extension": "asa", "state": "offline"},
    )  # fmt: skip
    for bad, why in (({**person, "mobile": "0701234567"}, "mobile"),
                     ({**person, "extension": "nobody"}, "'nobody' is no Vaxla user")):  # fmt: skip
        refused = api.request("POST", URL, json=bad, token=admin)
        assert refused.status_code == 422 and why in refused.text
    api.request("POST", URL, json={"name": "Zlatan"}, token=admin)
    found = api.request("GET", URL, params={"q": "FAKTUR"}, token=agent).json()
    assert [p["name"] for p in found] == ["Åsa Öberg"]
    everyone = api.request("GET", URL, token=agent).json()
    assert [p["name"] for p in everyone] == ["Zlatan", "Åsa Öberg"]  # å after z
    assert everyone[1]["line"] is None  # an agent does not see colleagues' calls
    seen = api.request("GET", URL, token=api.token("reception")).json()
    assert seen[1]["line"] == {"extension": "asa", "state": "offline"}

    presence = {"reason": "lunch", "until": (clock.now + timedelta(hours=1)).isoformat()}
    assert (
        api.request("PUT", f"{API_PREFIX}/presence", json=presence, token=agent).status_code == 200
    )
    shown = api.request("GET", f"{URL}/{body['id']}", token=agent).json()
    assert (shown["presence"]["reason"], shown["presence"]["set_by"]) == ("lunch", "asa")
    assert api.request("DELETE", f"{URL}/{body['id']}", token=admin).status_code == 204
    gone = api.request("DELETE", f"{URL}/{body['id']}", token=admin)
    assert gone.status_code == 404 and "no person with id" in gone.json()["detail"]


def test_a_csv_with_a_bad_row_is_refused_with_row_and_reason(api: Api) -> None:
    admin = api.token("admin")
    text = "name,mobile\nÅsa,070-123 45 67\nBo,123\nCia,\n"
    refused = api.request("POST", f"{URL}/import/csv", json={"text": text}, token=admin)
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert [row["row"] for row in detail["rows"]] == [3]
    assert "not a telephone number" in detail["rows"][0]["reason"]
    assert api.request("GET", URL, token=admin).json() == []
    fixed = text.replace("Bo,123", "Bo,08-123 45 67")
    done = api.request("POST", f"{URL}/import/csv", json={"text": fixed}, token=admin)
    assert done.json() == {"added": 3, "replaced": 0}


def test_presence_for_oneself_and_by_the_receptionist_with_who(api: Api, clock: FakeClock) -> None:
    agent, reception, other = api.token("asa"), api.token("reception"), api.token("bo")
    meeting = {"reason": "meeting", "note": "Ring mobilen"}
    assert (
        api.request("PUT", f"{API_PREFIX}/presence/asa", json=meeting, token=other).status_code
        == 403
    )
    set_ = api.request("PUT", f"{API_PREFIX}/presence/asa", json=meeting, token=reception)
    assert set_.status_code == 200 and set_.json()["set_by"] == "reception"
    unknown = api.request("PUT", f"{API_PREFIX}/presence/nobody", json=meeting, token=reception)
    assert unknown.status_code == 404 and "no user named 'nobody'" in unknown.text
    past = {"reason": "lunch", "until": (clock.now - timedelta(minutes=1)).isoformat()}
    refused = api.request("PUT", f"{API_PREFIX}/presence", json=past, token=agent)
    assert refused.status_code == 422 and "has passed" in refused.text
    listed = api.request("GET", f"{API_PREFIX}/presence", token=other).json()
    assert [(p["username"], p["reason"], p["note"]) for p in listed] == [
        ("asa", "meeting", "Ring mobilen"),
    ]  # fmt: skip
    assert api.request("DELETE", f"{API_PREFIX}/presence", token=agent).status_code == 204
    again = api.request("DELETE", f"{API_PREFIX}/presence", token=agent)
    assert again.status_code == 409 and "asa has no presence set" in again.text
    events = api.app.state.services.store.events.read(
        kinds=[EventKind.PRESENCE_SET, EventKind.PRESENCE_ENDED]
    )
    assert [(e.event.kind.value, e.event.by_name) for e in events] == [
        ("presence_set", "reception"), ("presence_ended", "asa"),
    ]  # fmt: skip


def test_the_socket_tells_every_role_of_presence_and_watchers_of_lines(
    client: TestClient, running: Centre
) -> None:
    """olle (operator) sees anna's line go free, ringing, in a call; bo (agent) sees
    anna's hänvisning but not her line; both wait on the messages, never on time."""
    with (
        connect(client, running.token("olle")) as operator,
        connect(client, running.token("bo")) as agent,
    ):
        start = until(operator, lambda m: isinstance(m, LineStatusChanged))
        assert start[-1] == LineStatusChanged(line=LineStatus(extension="anna", state="offline"))
        log_in(running, "anna")
        assert line_of(operator) == "free"
        contact = running.centre.enter("100", "+46701234567")
        running.centre.queue(contact, running.ids["support"])
        assert line_of(operator) == "ringing"
        running.centre.answered(contact, running.ids["anna"])
        assert line_of(operator) == "in_call"
        token = running.token("anna")
        running.api.request("PUT", f"{API_PREFIX}/presence", json={"reason": "away"}, token=token)
        for ws in (operator, agent):
            seen = until(ws, lambda m: isinstance(m, PresenceChanged))
            told = seen[-1]
            assert isinstance(told, PresenceChanged) and (told.username, told.by) == (
                "anna",
                "anna",
            )
            assert told.presence is not None and told.presence.reason == "away"
            assert ws is operator or not any(isinstance(m, LineStatusChanged) for m in seen)
    lines = running.api.request("GET", f"{API_PREFIX}/lines", token=running.token("olle"))
    assert {"extension": "anna", "state": "in_call"} in lines.json()
    assert running.api.request("GET", f"{API_PREFIX}/lines", token=token).status_code == 403


def line_of(ws: WebSocketTestSession) -> str:
    seen = until(ws, lambda m: isinstance(m, LineStatusChanged) and m.line.extension == "anna")
    message = seen[-1]
    assert isinstance(message, LineStatusChanged)
    return message.line.state
