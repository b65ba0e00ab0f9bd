"""``/api/v1/config/trunks`` through HTTP: IP and registration trunks are stored and read
back without their passwords (only whether one is set); bad trunks are refused on the
field with a clear message and change nothing; clashes with another trunk answer 409;
the document carries trunks without passwords and keeps the stored ones on a reload."""

from typing import Any

import pytest

from tests.server.auth.test_api import Api
from tests.server.config.conftest import config_contents
from tests.server.config.routes.test_config_api import call, refused
from vaxla_server.store import Store

SECRET = "s3cret-Trunk-pass"
REGISTERED = {
    "name": "Operator",
    "kind": "registration",
    "registrar": "sip.operator.test:5060",
    "username": "4686001234",
    "password": SECRET,
    "expiry_s": 600,
    "outbound_proxy": "proxy.operator.test",
    "outbound": True,
    "caller_id": "+46850001234",
}
BY_ADDRESS = {"name": "Old PBX", "kind": "ip", "addresses": ["192.0.2.10", "198.51.100.0/24"]}


def _add(api: Api, trunk: dict[str, Any]) -> dict[str, Any]:
    response = call(api, "admin", "POST", "/trunks", trunk)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_trunks_are_stored_and_read_without_their_password(api: Api) -> None:
    added = _add(api, REGISTERED)
    assert "password" not in added and added["password_set"] is True
    _add(api, BY_ADDRESS)
    listed = call(api, "supervisor", "GET", "/trunks")
    assert listed.status_code == 200
    assert SECRET not in listed.text
    by_name = {trunk["name"]: trunk for trunk in listed.json()}
    assert by_name["Old PBX"]["addresses"] == ["192.0.2.10/32", "198.51.100.0/24"]
    assert by_name["Old PBX"]["password_set"] is False
    assert by_name["Operator"] == {
        **{key: value for key, value in REGISTERED.items() if key != "password"},
        "addresses": [],
        "gateway": None,
        "transport": "udp",
        "srtp": "off",
        "password_set": True,
    }
    assert call(api, "agent", "GET", "/trunks").status_code == 403


def test_a_trunk_over_tls_with_srtp_is_stored_and_read_back(api: Api) -> None:
    encrypted = {**REGISTERED, "transport": "tls", "srtp": "mandatory"}
    added = _add(api, encrypted)
    assert (added["transport"], added["srtp"]) == ("tls", "mandatory")
    (stored,) = _stored(api)
    assert (stored.item.transport, stored.item.srtp) == ("tls", "mandatory")
    optional = {**encrypted, "srtp": "optional", "transport": "tls"}
    response = call(api, "admin", "PUT", "/trunks/Operator", optional)
    assert response.status_code == 200, response.text
    assert response.json()["srtp"] == "optional"


def test_a_replace_without_a_password_keeps_the_stored_one(api: Api, sqlite_store: Store) -> None:
    _add(api, REGISTERED)
    renamed = {key: value for key, value in REGISTERED.items() if key != "password"}
    renamed |= {"name": "Operator AB", "expiry_s": 900}
    response = call(api, "admin", "PUT", "/trunks/Operator", renamed)
    assert response.status_code == 200, response.text
    assert response.json()["password_set"] is True
    assert [trunk.password for trunk in _stored(api)] == [SECRET]
    changed = renamed | {"password": "another-one"}
    assert call(api, "admin", "PUT", "/trunks/Operator AB", changed).status_code == 200
    assert [trunk.password for trunk in _stored(api)] == ["another-one"]


def _stored(api: Api) -> list[Any]:
    return list(api.app.state.services.configuration.trunks.stored())


@pytest.mark.parametrize(
    ("trunk", "field", "message"),
    [
        (
            {"name": "T", "kind": "registration", "username": "u", "password": "p"},
            ["body", "registrar"],
            "a registration trunk needs its registrar",
        ),
        (
            {"name": "T", "kind": "ip", "addresses": ["192.0.2.1"], "password": "p"},
            ["body", "password"],
            "a password needs a username",
        ),
        (
            {"name": "T", "kind": "registration", "registrar": "sip.op.test", "password": "p"},
            ["body", "password"],
            "a password needs a username",
        ),
        (
            {"name": "T", "kind": "ip", "addresses": ["192.0.2.1", "pbx.example.net"]},
            ["body", "addresses", 1],
            "'pbx.example.net' is not an IP address or network",
        ),
        (
            {"name": "T", "kind": "ip", "addresses": ["192.0.2.300"]},
            ["body", "addresses", 0],
            "is not an IP address or network",
        ),
        ({"name": "T", "kind": "ip"}, ["body", "addresses"], "needs at least one address"),
        (
            {"name": "T", "kind": "ip", "addresses": ["192.0.2.1"], "registrar": "sip.op.test"},
            ["body", "registrar"],
            "an IP trunk does not register",
        ),
        (
            {"name": "T", "kind": "ip", "addresses": ["192.0.2.1"], "outbound": True},
            ["body", "gateway"],
            "needs its gateway",
        ),
        (
            {**REGISTERED, "registrar": "sip:op.test"},
            ["body", "registrar"],
            "'sip:op.test' is not a host with an optional port",
        ),
        (
            {**REGISTERED, "srtp": "mandatory"},
            ["body", "srtp"],
            "SRTP towards a trunk needs transport tls",
        ),
        (
            {**REGISTERED, "transport": "tcp", "srtp": "optional"},
            ["body", "srtp"],
            "SRTP towards a trunk needs transport tls",
        ),
        ({**REGISTERED, "transport": "sctp"}, ["body", "transport"], "'udp', 'tcp' or 'tls'"),
        (
            {**REGISTERED, "transport": "tls", "srtp": "always"},
            ["body", "srtp"],
            "'off', 'optional' or 'mandatory'",
        ),
    ],
)
def test_a_bad_trunk_is_refused_on_its_field_and_changes_nothing(
    api: Api, sqlite_store: Store, trunk: dict[str, Any], field: list[Any], message: str
) -> None:
    _add(api, BY_ADDRESS)
    for method, path in (("POST", "/trunks"), ("PUT", "/trunks/Old PBX")):
        problems = _unprocessable(api, sqlite_store, method, path, trunk)
        assert message in problems[tuple(field)], problems


def _unprocessable(
    api: Api, store: Store, method: str, path: str, body: Any
) -> dict[tuple[Any, ...], str]:
    """The problems of a request answered 422, by where they are; nothing was changed."""
    before = config_contents(store.engine)
    response = call(api, "admin", method, path, body)
    assert response.status_code == 422, response.text
    assert config_contents(store.engine) == before
    return {tuple(problem["loc"]): problem["msg"] for problem in response.json()["detail"]}


def test_a_bad_trunk_in_a_document_is_refused_and_changes_nothing(
    api: Api, sqlite_store: Store
) -> None:
    _add(api, REGISTERED)
    document = call(api, "admin", "GET", "/document").json()
    document["trunks"].append({"name": "T", "kind": "ip", "addresses": ["not-an-address"]})
    problems = _unprocessable(api, sqlite_store, "PUT", "/document", document)
    assert "is not an IP address" in problems["body", "trunks", 1, "addresses", 0]


def test_clashes_with_another_trunk_are_refused_and_change_nothing(
    api: Api, sqlite_store: Store
) -> None:
    _add(api, REGISTERED)
    for trunk, message in [
        (REGISTERED, "a trunk named 'Operator' exists already"),
        (
            {**BY_ADDRESS, "outbound": True, "gateway": "192.0.2.10"},
            "the trunk 'Operator' carries the outside calls already",
        ),
        (
            {**REGISTERED, "name": "Twin", "outbound": False},
            "the trunk 'Operator' registers '4686001234' at 'sip.operator.test:5060' already",
        ),
    ]:
        refused(api, sqlite_store, 409, message, "POST", "/trunks", trunk)
    assert call(api, "admin", "DELETE", "/trunks/Nobody").status_code == 404


def test_the_document_carries_trunks_without_passwords_and_keeps_them(api: Api) -> None:
    _add(api, REGISTERED)
    exported = call(api, "admin", "GET", "/document")
    assert SECRET not in exported.text
    document = exported.json()
    assert document["trunks"][0]["password"] is None
    again = call(api, "admin", "PUT", "/document", document)
    assert again.status_code == 200, again.text
    assert SECRET not in again.text
    assert [trunk.password for trunk in _stored(api)] == [SECRET]
    document["trunks"][0]["outbound"] = False
    document["trunks"].append({**REGISTERED, "name": "Second", "username": "other"})
    assert call(api, "admin", "PUT", "/document", document).status_code == 200
    assert [trunk.password for trunk in _stored(api)] == [SECRET, SECRET]
    assert call(api, "admin", "DELETE", "/trunks/Second").status_code == 204
    assert [trunk.name for trunk in _stored(api)] == ["Operator"]
