"""``/api/v1/users`` through HTTP: administrators list, create and change users."""

from tests.server.auth.conftest import PASSWORD
from tests.server.auth.test_api import Api
from vaxla_protocol import API_PREFIX

USERS = f"{API_PREFIX}/users"
ME = f"{API_PREFIX}/auth/me"


def test_an_administrator_creates_and_lists_users(api: Api) -> None:
    admin = api.token("admin")
    created = api.request(
        "POST",
        USERS,
        token=admin,
        json={
            "username": "cia",
            "password": "long enough",
            "role": "agent",
            "display_name": "Cia K",
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["display_name"] == "Cia K"
    names = [user["username"] for user in api.request("GET", USERS, token=admin).json()]
    assert "cia" in names
    assert api.login("cia", "long enough").status_code == 200
    duplicate = api.request(
        "POST",
        USERS,
        token=admin,
        json={"username": "CIA", "password": "long enough", "role": "agent"},
    )
    assert duplicate.status_code == 409
    short = api.request(
        "POST", USERS, token=admin, json={"username": "dan", "password": "short", "role": "agent"}
    )
    assert short.status_code == 400
    assert "a password must have" in short.json()["detail"]


def test_only_administrators_manage_users(api: Api) -> None:
    for role in ("supervisor", "operator", "agent"):
        assert api.request("GET", USERS, token=api.token(role)).status_code == 403


def test_deactivating_a_user_ends_its_sessions(api: Api) -> None:
    admin = api.token("admin")
    anna = api.token("anna")
    changed = api.request("PATCH", f"{USERS}/anna", token=admin, json={"active": False})
    assert changed.status_code == 200
    assert changed.json()["active"] is False
    assert api.request("GET", ME, token=anna).status_code == 401
    assert api.login("anna").status_code == 401
    api.request("PATCH", f"{USERS}/anna", token=admin, json={"active": True})
    assert api.login("anna").status_code == 200


def test_changing_a_role_and_a_display_name(api: Api) -> None:
    admin = api.token("admin")
    changed = api.request(
        "PATCH", f"{USERS}/bo", token=admin, json={"role": "supervisor", "display_name": "Bo B"}
    )
    assert changed.status_code == 200
    assert (changed.json()["role"], changed.json()["display_name"]) == ("supervisor", "Bo B")
    assert (
        api.request("PATCH", f"{USERS}/nobody", token=admin, json={"active": False}).status_code
        == 404
    )
    assert (
        api.request("PATCH", f"{USERS}/bo", token=admin, json={"display_name": "   "}).status_code
        == 400
    )


def test_an_agent_with_a_profile_keeps_its_role(api: Api) -> None:
    admin = api.token("admin")
    assert (
        api.request("PUT", f"{API_PREFIX}/config/agents/anna", token=admin, json={}).status_code
        == 200
    )
    refused = api.request("PATCH", f"{USERS}/anna", token=admin, json={"role": "admin"})
    assert refused.status_code == 409
    assert "delete it before" in refused.json()["detail"]


def test_a_supervisor_with_a_profile_takes_calls_and_keeps_a_role_that_may(api: Api) -> None:
    admin = api.token("admin")
    supervisor = api.token("supervisor")
    missing = api.request("GET", f"{API_PREFIX}/agent", token=supervisor)
    assert missing.status_code == 404
    assert "has no agent profile" in missing.json()["detail"]
    given = api.request("PUT", f"{API_PREFIX}/config/agents/supervisor", token=admin, json={})
    assert given.status_code == 200, given.text
    own = api.request("GET", f"{API_PREFIX}/agent", token=supervisor)
    assert own.status_code == 200, own.text
    assert own.json()["username"] == "supervisor"
    refused = api.request("PATCH", f"{USERS}/supervisor", token=admin, json={"role": "admin"})
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "user 'supervisor' has an agent profile; delete it before giving the role 'admin'"
    )
    assert api.request("GET", f"{API_PREFIX}/agent", token=supervisor).status_code == 200
    assert (
        api.request("PATCH", f"{USERS}/supervisor", token=admin, json={"role": "agent"}).json()[
            "role"
        ]
        == "agent"
    )


def test_administrators_have_no_agent_profile_and_operators_may(api: Api) -> None:
    admin = api.token("admin")
    refused = api.request("PUT", f"{API_PREFIX}/config/agents/admin", token=admin, json={})
    assert refused.status_code == 400, refused.text
    assert refused.json()["detail"] == (
        "user 'admin' has the role 'admin'; only agents, supervisors and operators have "
        "agent profiles"
    )
    # A receptionist: an operator with a profile answers the switchboard's queue (R29).
    given = api.request("PUT", f"{API_PREFIX}/config/agents/operator", token=admin, json={})
    assert given.status_code == 200, given.text
    assert api.request("GET", f"{API_PREFIX}/agent", token=api.token("operator")).status_code == 200


def test_resetting_a_password(api: Api) -> None:
    admin = api.token("admin")
    old = api.token("bo")
    reset = api.request(
        "PUT", f"{USERS}/bo/password", token=admin, json={"password": "a new password"}
    )
    assert reset.status_code == 204
    assert api.request("GET", ME, token=old).status_code == 401
    assert api.login("bo", PASSWORD).status_code == 401
    assert api.login("bo", "a new password").status_code == 200


def test_the_last_administrator_cannot_demote_or_deactivate_itself(api: Api) -> None:
    """Nobody could administer the server afterwards: refused with the way out, and
    allowed once another user is an administrator."""
    admin = api.token("admin")
    for change in ({"role": "supervisor"}, {"active": False}):
        refused = api.request("PATCH", f"{USERS}/admin", token=admin, json=change)
        assert refused.status_code == 409, change
        assert "last active administrator" in refused.json()["detail"]
    assert api.request("GET", ME, token=admin).json()["role"] == "admin"  # nothing changed
    promoted = api.request("PATCH", f"{USERS}/bo", token=admin, json={"role": "admin"})
    assert promoted.status_code == 200
    demoted = api.request("PATCH", f"{USERS}/admin", token=admin, json={"role": "supervisor"})
    assert demoted.status_code == 200
