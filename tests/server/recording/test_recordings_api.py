"""``/recordings`` on the real app and a real SQLite store: supervisors and
administrators read, tag and keep every recording; an agent reads and tags only its own
calls' and may not keep one; operators have no access to /recordings (a receptionist
may ask to keep its own call's); refusals say why and change
nothing; the audio is the stored file with its checksum; the purge is the admin's."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from tests.server.auth.test_api import Api
from tests.server.recording.test_store import facts, tone
from vaxla_protocol import API_PREFIX, Role
from vaxla_server.app import create_app
from vaxla_server.recording.store import Recordings
from vaxla_server.store import open_store
from vaxla_server.store.events import EventKind

RECORDINGS = f"{API_PREFIX}/recordings"


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
        api.clock = clock  # type: ignore[attr-defined]
        yield api


def user_id(api: Api, name: str) -> int:
    return api.auth.users.get(name).id


def keep(api: Api, call_id: str, agent: str) -> int:
    recordings: Recordings = api.app.state.services.recordings
    tone(recordings.path_for(call_id), 1.0)
    found = facts(call_id, agent_id=user_id(api, agent))
    return recordings.keep(found, reason="rule", retention_days=30).id


def call(api: Api, user: str, method: str, path: str, **kwargs: object) -> httpx.Response:
    return api.request(method, f"{RECORDINGS}{path}", token=api.token(user), **kwargs)  # type: ignore[arg-type]


def test_who_reads_tags_and_keeps_which_recordings(api: Api) -> None:
    mine = keep(api, "w1-1", "anna")
    theirs = keep(api, "w1-2", "agent")

    assert [r["id"] for r in call(api, "supervisor", "GET", "").json()] == [theirs, mine]
    assert [r["id"] for r in call(api, "admin", "GET", "").json()] == [theirs, mine]
    assert [r["id"] for r in call(api, "anna", "GET", "").json()] == [mine]
    other = call(api, "anna", "GET", f"?agent_id={user_id(api, 'agent')}")
    assert other.status_code == 403 and "another agent's recordings" in other.json()["detail"]
    for path in (f"/{theirs}", f"/{theirs}/audio"):
        refused = call(api, "anna", "GET", path)
        assert refused.status_code == 403
        assert "an agent reads only the recordings of the calls it answered" in refused.text
    assert call(api, "operator", "GET", "").status_code == 403
    assert call(api, "anna", "GET", "/99").status_code == 404

    audio = call(api, "anna", "GET", f"/{mine}/audio")
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
    assert audio.headers["x-vaxla-sha256"] == hashlib.sha256(audio.content).hexdigest()

    tagged = call(api, "anna", "PATCH", f"/{mine}", json={"add_tags": ["Klagomål"]})
    assert tagged.status_code == 200 and tagged.json()["tags"] == ["klagomål"]
    no_keep = call(api, "anna", "PATCH", f"/{mine}", json={"keep": True})
    assert no_keep.status_code == 403 and "supervisors and administrators do" in no_keep.text
    assert call(api, "anna", "PATCH", f"/{theirs}", json={"add_tags": ["x"]}).status_code == 403
    bad = call(api, "supervisor", "PATCH", f"/{mine}", json={"add_tags": ["a\u0007"]})
    assert bad.status_code == 422
    missing = call(api, "supervisor", "PATCH", f"/{mine}", json={"remove_tags": ["vip"]})
    assert missing.status_code == 409 and "has no tag 'vip'" in missing.json()["detail"]
    kept = call(api, "supervisor", "PATCH", f"/{mine}", json={"keep": True})
    assert kept.status_code == 200 and kept.json()["keep"] is True
    assert [r["id"] for r in call(api, "supervisor", "GET", "?tag=klagomål").json()] == [mine]
    assert call(api, "supervisor", "GET", "?since=2026-11-22T08:00:00").status_code == 422
    store = api.app.state.services.store
    changes = [e.event for e in store.events.read(kinds=[EventKind.RECORDING_CHANGED])]
    assert [(e.by_name, e.tags, e.keep) for e in changes] == [
        ("anna", ["klagomål"], False),
        ("supervisor", ["klagomål"], True),
    ]


def test_the_purge_is_run_by_an_administrator_and_logged(api: Api) -> None:
    old = keep(api, "w1-1", "anna")
    api.clock.advance(days=31)  # type: ignore[attr-defined]
    assert call(api, "supervisor", "POST", "/purge").status_code == 403
    assert call(api, "admin", "POST", "/purge").json() == {"purged": [old]}
    store = api.app.state.services.store
    assert len(store.events.read(kinds=[EventKind.RECORDING_PURGED])) == 1
    assert call(api, "admin", "GET", f"/{old}").status_code == 404


def test_an_agents_request_needs_a_server_that_takes_calls(api: Api) -> None:
    response = api.request("POST", f"{API_PREFIX}/agent/calls/1/record", token=api.token("anna"))
    assert response.status_code == 409 and "takes no calls" in response.json()["detail"]
    # A receptionist (an operator taking calls) may keep its own call's too.
    by_operator = api.request(
        "POST", f"{API_PREFIX}/agent/calls/1/record", token=api.token("operator")
    )
    assert by_operator.status_code == 409
