"""``/api/v1/config/...`` through HTTP: every kind reads and writes, refusals answer 4xx
with what is wrong and change nothing, roles are kept."""

from typing import Any

import pytest

from tests.server.auth.test_api import Api
from tests.server.config.conftest import config_contents
from tests.server.config.documents import demo_like
from vaxla_protocol import API_PREFIX
from vaxla_protocol.config import ConfigDocument
from vaxla_server.config import Configuration, QueueNotEmpty
from vaxla_server.store import Store

CONFIG = f"{API_PREFIX}/config"


def call(api: Api, role: str, method: str, path: str, body: Any = None) -> Any:
    return api.request(method, f"{CONFIG}{path}", token=api.token(role), json=body)


@pytest.fixture
def demo(api: Api) -> dict[str, Any]:
    document = demo_like()
    response = call(
        api,
        "admin",
        "PUT",
        "/document",
        ConfigDocument.model_validate(document).model_dump(mode="json"),
    )
    assert response.status_code == 200, response.text
    return document


def refused(
    api: Api, store: Store, status: int, message: str, method: str, path: str, body: Any = None
) -> None:
    before = config_contents(store.engine)
    response = call(api, "admin", method, path, body)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]
    assert config_contents(store.engine) == before


def test_the_document_goes_in_and_comes_out_the_same(api: Api, demo: dict[str, Any]) -> None:
    exported = call(api, "supervisor", "GET", "/document")
    assert exported.status_code == 200
    assert ConfigDocument.model_validate(exported.json()) == ConfigDocument.model_validate(demo)


@pytest.mark.usefixtures("demo")
def test_every_kind_can_be_listed_and_read(api: Api) -> None:
    for path, name in [
        ("/schedules", "Office hours"),
        ("/announcement-sets", "Standard"),
        ("/digit-collections", "Customer number"),
        ("/menus", "Huvudmeny"),
        ("/entry-points", "100"),
        ("/alarm-rules", "Support queue long"),
        ("/queues", "Support"),
        ("/agents", "anna"),
    ]:
        listed = call(api, "supervisor", "GET", path)
        assert listed.status_code == 200, path
        assert len(listed.json()) >= 1
        one = call(api, "supervisor", "GET", f"{path}/{name}")
        assert one.status_code == 200, (path, one.text)
        assert call(api, "supervisor", "GET", f"{path}/missing").status_code == 404
    assert [s["name"] for s in call(api, "admin", "GET", "/skills").json()] == [
        "english",
        "sales",
        "support",
    ]
    assert call(api, "admin", "GET", "/licence").json() == {"max_logged_in_agents": 25}
    assert call(api, "admin", "GET", "/problems").json() == []


def test_a_menu_is_added_renamed_and_deleted(api: Api, demo: dict[str, Any]) -> None:
    body = {
        "name": "Night",
        "language": "sv",
        "prompt": "closed",
        "keys": {"1": {"kind": "queue", "queue": "Sales"}},
    }
    assert call(api, "admin", "POST", "/menus", body).status_code == 201
    assert call(api, "admin", "POST", "/menus", body).status_code == 409
    renamed = call(api, "admin", "PUT", "/menus/Night", {**body, "name": "Natt"})
    assert renamed.status_code == 200
    assert call(api, "admin", "GET", "/menus/Night").status_code == 404
    assert call(api, "admin", "DELETE", "/menus/Natt").status_code == 204
    assert call(api, "admin", "DELETE", "/menus/Natt").status_code == 404


@pytest.mark.usefixtures("demo")
def test_a_menu_pointing_to_a_missing_queue_is_refused(api: Api, sqlite_store: Store) -> None:
    body = {
        "name": "Bad",
        "language": "sv",
        "prompt": "welcome",
        "keys": {"3": {"kind": "queue", "queue": "Billing"}},
    }
    refused(
        api,
        sqlite_store,
        400,
        "menu 'Bad' key 3 points to the queue 'Billing', which does not exist",
        "POST",
        "/menus",
        body,
    )


@pytest.mark.usefixtures("demo")
def test_overlapping_exceptions_are_refused(api: Api, sqlite_store: Store) -> None:
    body = {
        "name": "Office hours",
        "exceptions": [
            {"day": "2026-12-24", "open": False, "start": "12:00:00"},
            {"day": "2026-12-24", "open": True, "start": "10:00:00", "end": "14:00:00"},
        ],
    }
    refused(
        api,
        sqlite_store,
        400,
        "exceptions on 2026-12-24 overlap",
        "PUT",
        "/schedules/Office%20hours",
        body,
    )


@pytest.mark.usefixtures("demo")
def test_an_impossible_personnummer_rule_is_refused(api: Api, sqlite_store: Store) -> None:
    body = {"name": "Pnr", "kind": "personnummer", "max_length": 8, "prompt": "enter_personnummer"}
    refused(
        api,
        sqlite_store,
        400,
        "a personnummer has 10 or 12 digits",
        "POST",
        "/digit-collections",
        body,
    )


@pytest.mark.usefixtures("demo")
def test_voicemail_boxes_are_configured_by_admins_and_chosen_as_targets(
    api: Api, sqlite_store: Store
) -> None:
    box = {"name": "Kansliet", "greeting": "closed", "reader_roles": ["agent"]}
    line = {
        "address": "300",
        "name": "Voicemail line",
        "first": {"kind": "queue", "queue": "Sales"},
        "when_nobody_logged_in": {"kind": "voicemail", "box": "Kansliet"},
    }
    refused(api, sqlite_store, 400, "voicemail box 'Kansliet'", "POST", "/entry-points", line)
    refused(api, sqlite_store, 400, "nobody may read it", "POST", "/voicemail-boxes",
            {**box, "reader_roles": []})  # fmt: skip
    assert call(api, "supervisor", "POST", "/voicemail-boxes", box).status_code == 403
    assert call(api, "admin", "POST", "/voicemail-boxes", box).status_code == 201
    assert call(api, "admin", "POST", "/entry-points", line).status_code == 201
    answer = call(api, "admin", "GET", "/voicemail-boxes/Kansliet")
    assert answer.json()["max_message_s"] == 120.0 and answer.json()["retention_days"] == 30


@pytest.mark.usefixtures("demo")
def test_a_queue_in_use_cannot_be_deleted(api: Api, sqlite_store: Store) -> None:
    refused(
        api,
        sqlite_store,
        409,
        "the queue 'Sales' cannot be deleted: it is used by agent 'anna', agent 'bo'",
        "DELETE",
        "/queues/Sales",
    )


def test_a_queue_with_waiting_calls_cannot_be_deleted(
    api: Api, sqlite_store: Store, config: Configuration
) -> None:
    assert call(api, "admin", "POST", "/queues", {"name": "Busy"}).status_code == 201

    def three_waiting(_queue_id: int, name: str) -> None:
        raise QueueNotEmpty(name, 3)

    config.add_queue_delete_guard(three_waiting)
    refused(api, sqlite_store, 409, "3 calls wait in it", "DELETE", "/queues/Busy")


def test_a_queue_and_its_flow_are_written_together_or_not_at_all(
    api: Api, sqlite_store: Store
) -> None:
    body = {
        "name": "Support",
        "flow": {"max_length": 5, "on_max_length": {"kind": "queue", "queue": "Nowhere"}},
    }
    refused(api, sqlite_store, 400, "points to the queue 'Nowhere'", "POST", "/queues", body)
    body["flow"] = {"callback": {"sms_text": "Hej"}}
    refused(api, sqlite_store, 400, "give a key that offers it", "POST", "/queues", body)
    assert call(api, "admin", "GET", "/queues").json() == []


def test_a_queue_keeps_its_escalation_rule_and_a_bad_one_is_refused(
    api: Api, sqlite_store: Store
) -> None:
    rule = {"after_s": 60.0, "raise_by": 2, "every_s": 30.0, "max_priority": 10}
    made = call(api, "admin", "POST", "/queues", {"name": "Support", "escalation": rule})
    assert made.status_code == 201, made.text
    assert call(api, "admin", "GET", "/queues/Support").json()["escalation"] == rule
    document = call(api, "admin", "GET", "/document").json()
    assert document["queues"][0]["escalation"] == rule
    for bad, message in [
        ({"after_s": 0}, "greater than 0"),
        ({"after_s": 60, "raise_by": 0}, "greater than or equal to 1"),
        ({"after_s": 60, "max_priority": 101}, "less than or equal to 100"),
    ]:
        answer = call(
            api, "admin", "PUT", "/queues/Support", {"name": "Support", "escalation": bad}
        )
        assert answer.status_code == 422, answer.text
        assert message in str(answer.json()["detail"])
    assert call(api, "admin", "GET", "/queues/Support").json()["escalation"] == rule
    cleared = call(api, "admin", "PUT", "/queues/Support", {"name": "Support", "escalation": None})
    assert cleared.status_code == 200, cleared.text
    assert call(api, "admin", "GET", "/queues/Support").json()["escalation"] is None


@pytest.mark.usefixtures("demo")
def test_a_bad_document_lists_every_problem_and_changes_nothing(
    api: Api, sqlite_store: Store
) -> None:
    raw = demo_like()
    raw["menus"][0]["keys"]["3"] = {"kind": "queue", "queue": "Billing"}
    raw["agents"].append({"username": "nobody"})
    body = ConfigDocument.model_validate(raw).model_dump(mode="json")
    before = config_contents(sqlite_store.engine)
    response = call(api, "admin", "PUT", "/document", body)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "2 problems" in detail
    assert "'Billing'" in detail
    assert "no user named 'nobody'" in detail
    assert config_contents(sqlite_store.engine) == before


def test_a_malformed_body_is_refused_with_422(api: Api, sqlite_store: Store) -> None:
    refused_shape = call(
        api, "admin", "POST", "/menus", {"name": "X", "language": "de", "prompt": "welcome"}
    )
    assert refused_shape.status_code == 422
    assert call(api, "admin", "POST", "/alarm-rules", {"name": "A"}).status_code == 422


@pytest.mark.usefixtures("demo")
def test_prompts_resolve_to_a_file(api: Api) -> None:
    found = call(api, "supervisor", "GET", "/prompts/sv/welcome")
    assert found.status_code == 200
    assert found.json()["path"].endswith("resources/prompts/sv/welcome.wav")
    assert call(api, "supervisor", "GET", "/prompts/sv/nonsense").status_code == 404
    assert "welcome" in call(api, "supervisor", "GET", "/prompts/en").json()
    custom = {"name": "welcome", "language": "en", "custom_path": "/srv/prompts/hello.wav"}
    assert call(api, "admin", "PUT", "/prompts", custom).status_code == 200
    assert (
        call(api, "admin", "GET", "/prompts/en/welcome").json()["path"] == "/srv/prompts/hello.wav"
    )
    assert call(api, "admin", "DELETE", "/prompts/en/welcome").status_code == 204


@pytest.mark.usefixtures("demo")
def test_agents_read_pause_reasons_and_codes_but_nothing_else(api: Api) -> None:
    for role in ("agent", "operator"):
        assert call(api, role, "GET", "/pause-reasons").json()[0]["code"] == "lunch"
        assert call(api, role, "GET", "/classification-codes").status_code == 200
        assert call(api, role, "GET", "/queues").status_code == 403
    assert call(api, "supervisor", "POST", "/skills", {"name": "x"}).status_code == 403
    assert (
        call(api, "supervisor", "PUT", "/pause-reasons/lunch/active", {"active": False}).status_code
        == 403
    )
    assert (
        call(api, "admin", "PUT", "/pause-reasons/lunch/active", {"active": False}).status_code
        == 204
    )
    assert call(api, "agent", "GET", "/pause-reasons").json()[0]["active"] is False


def test_agent_profiles_are_set_through_the_api(api: Api) -> None:
    assert call(api, "admin", "POST", "/queues", {"name": "Support"}).status_code == 201
    body = {"skills": {}, "memberships": [{"queue": "Support", "penalty": 2}]}
    set_profile = call(api, "admin", "PUT", "/agents/anna", body)
    assert set_profile.status_code == 200, set_profile.text
    assert set_profile.json()["memberships"] == [{"queue": "Support", "penalty": 2, "order": 0}]
    assert call(api, "admin", "PUT", "/agents/admin", body).status_code == 400
    assert call(api, "admin", "PUT", "/agents/ghost", body).status_code == 404
    assert call(api, "admin", "DELETE", "/agents/anna").status_code == 204


def test_the_swedish_holidays_of_a_year_are_read_with_the_eves_marked(api: Api) -> None:
    holidays = call(api, "supervisor", "GET", "/holidays/2026").json()
    by_day = {holiday["day"]: (holiday["name"], holiday["eve"]) for holiday in holidays}
    assert by_day["2026-12-24"] == ("Julafton", True)
    assert by_day["2026-06-19"] == ("Midsommarafton", True)
    assert by_day["2026-06-06"] == ("Nationaldagen", False)
    assert by_day["2026-04-03"] == ("Långfredagen", False)
    assert "2026-12-27" not in by_day  # a Sunday is the weekly hours' business
    assert len(holidays) == 16
    assert call(api, "agent", "GET", "/holidays/2026").status_code == 403
    assert call(api, "admin", "GET", "/holidays/99999").status_code == 422


def test_a_document_is_checked_item_by_item_and_nothing_is_stored(
    api: Api, sqlite_store: Store, demo: dict[str, Any]
) -> None:
    document = call(api, "admin", "GET", "/document").json()
    before = config_contents(sqlite_store.engine)
    support = next(queue for queue in document["queues"] if queue["name"] == "Support")
    support["wrap_up_s"] = 42.0
    document["skills"].append({"name": "french"})
    document["alarm_rules"] = []
    checked = call(api, "admin", "POST", "/document/check", document)
    assert checked.status_code == 200, checked.text
    changes = {(c["part"], c["key"]): (c["change"], c["fields"]) for c in checked.json()["changes"]}
    assert changes[("queues", "Support")] == ("changed", ["wrap_up_s"])
    assert changes[("skills", "french")] == ("added", [])
    assert changes[("alarm_rules", "Support queue long")] == ("removed", [])
    assert len(changes) == 3
    assert all(change != "changed" or fields for change, fields in changes.values())
    assert config_contents(sqlite_store.engine) == before  # a check stores nothing
    unchanged = call(api, "admin", "GET", "/document").json()
    assert call(api, "admin", "POST", "/document/check", unchanged).json()["changes"] == []
    support["flow"]["schedule"] = "Nowhere"
    refused(api, sqlite_store, 400, "Nowhere", "POST", "/document/check", document)
    assert call(api, "supervisor", "POST", "/document/check", document).status_code == 403


@pytest.mark.usefixtures("demo")
def test_the_licence_use_is_read_day_by_day(api: Api) -> None:
    use = call(api, "supervisor", "GET", "/licence/use?days=3").json()
    assert use["max_logged_in_agents"] == 25
    assert [day["peak_agents"] for day in use["days"]] == [0, 0, 0]
    assert len({day["day"] for day in use["days"]}) == 3
    assert call(api, "admin", "GET", "/licence/use?days=0").status_code == 422
    assert call(api, "agent", "GET", "/licence/use").status_code == 403
