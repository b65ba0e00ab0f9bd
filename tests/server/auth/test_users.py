from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.server.auth.conftest import PASSWORD, START
from vaxla_protocol import Role
from vaxla_server.auth import (
    Auth,
    DuplicateUser,
    InvalidUser,
    LoginFailed,
    RevokedToken,
    UnknownUser,
    User,
)
from vaxla_server.auth.users import USERS
from vaxla_server.store import Store


def password_hashes(store: Store) -> dict[str, str]:
    with store.engine.connect() as connection:
        rows = connection.execute(select(USERS.c.username, USERS.c.password_hash))
        return {row.username: row.password_hash for row in rows}


def test_create_gives_an_active_user(auth: Auth) -> None:
    user = auth.users.create(
        "anna.berg", PASSWORD, Role.SUPERVISOR, now=START, display_name="  Anna Berg "
    )
    assert user == User(
        id=user.id,
        username="anna.berg",
        display_name="Anna Berg",
        role=Role.SUPERVISOR,
        active=True,
        created_at=START,
    )
    assert auth.users.get("anna.berg") == user
    assert auth.users.list() == [user]
    assert auth.users.name_of(user.id) == "anna.berg"
    assert auth.users.name_of(user.id + 1) is None


def test_display_name_defaults_to_the_user_name_and_role_may_be_text(auth: Auth) -> None:
    user = auth.users.create("agent1", PASSWORD, "agent", now=START)
    assert (user.display_name, user.role) == ("agent1", Role.AGENT)


def test_the_password_is_stored_as_an_argon2id_hash(auth: Auth, store: Store) -> None:
    auth.users.create("anna", PASSWORD, Role.AGENT, now=START)
    stored = password_hashes(store)["anna"]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


@pytest.mark.parametrize("taken", ["anna", "ANNA", "Anna"])
def test_a_duplicate_user_name_is_refused_whatever_its_case(
    auth: Auth, store: Store, taken: str
) -> None:
    auth.users.create("anna", PASSWORD, Role.AGENT, now=START)
    before = password_hashes(store)
    with pytest.raises(DuplicateUser, match="exists already"):
        auth.users.create(taken, "another password", Role.ADMIN, now=START)
    assert password_hashes(store) == before
    assert auth.users.get("anna").role is Role.AGENT


def test_lookups_ignore_case(auth: Auth) -> None:
    user = auth.users.create("Anna", PASSWORD, Role.AGENT, now=START)
    assert auth.users.get("aNNA") == user


@pytest.mark.parametrize(
    "username",
    ["", " anna", "anna ", "an na", "-anna", ".anna", "anna@example", "ånna", "a" * 65, "a\nb"],
)
def test_bad_user_names_are_refused(auth: Auth, username: str) -> None:
    with pytest.raises(InvalidUser, match="user name"):
        auth.users.create(username, PASSWORD, Role.AGENT, now=START)
    assert auth.users.list() == []


@pytest.mark.parametrize("username", ["a", "7", "anna.berg", "anna_b-2", "A" * 64])
def test_good_user_names_are_taken(auth: Auth, username: str) -> None:
    assert auth.users.create(username, PASSWORD, Role.AGENT, now=START).username == username


def test_an_unknown_role_is_refused(auth: Auth) -> None:
    with pytest.raises(InvalidUser, match="unknown role 'boss'; roles: agent, operator"):
        auth.users.create("anna", PASSWORD, "boss", now=START)
    assert auth.users.list() == []


@pytest.mark.parametrize("password", ["", "short", "1234567", "x" * 1025])
def test_a_password_of_the_wrong_length_is_refused(auth: Auth, password: str) -> None:
    with pytest.raises(InvalidUser, match="a password must have 8 to 1024 characters"):
        auth.users.create("anna", password, Role.AGENT, now=START)
    assert auth.users.list() == []


@pytest.mark.parametrize("display_name", ["", "   ", "x" * 201])
def test_a_bad_display_name_is_refused(auth: Auth, display_name: str) -> None:
    with pytest.raises(InvalidUser, match="display name"):
        auth.users.create("anna", PASSWORD, Role.AGENT, now=START, display_name=display_name)
    assert auth.users.list() == []


def test_set_password_replaces_it_and_ends_open_sessions(auth: Auth) -> None:
    auth.users.create("anna", PASSWORD, Role.AGENT, now=START)
    issued = auth.sessions.login("anna", PASSWORD, "192.0.2.1", START)

    auth.users.set_password("anna", "a new password", now=START + timedelta(minutes=1))

    with pytest.raises(RevokedToken):
        auth.sessions.authenticate(issued.token, START + timedelta(minutes=2))
    with pytest.raises(LoginFailed):
        auth.sessions.login("anna", PASSWORD, "192.0.2.1", START)
    assert auth.sessions.login("anna", "a new password", "192.0.2.1", START).user.username == (
        "anna"
    )


def test_set_password_checks_the_new_password(auth: Auth, store: Store) -> None:
    auth.users.create("anna", PASSWORD, Role.AGENT, now=START)
    before = password_hashes(store)
    with pytest.raises(InvalidUser):
        auth.users.set_password("anna", "short", now=START)
    assert password_hashes(store) == before


def test_deactivate_refuses_logins_and_ends_open_sessions(auth: Auth) -> None:
    auth.users.create("anna", PASSWORD, Role.AGENT, now=START)
    issued = auth.sessions.login("anna", PASSWORD, "192.0.2.1", START)

    auth.users.deactivate("ANNA", now=START + timedelta(minutes=1))

    assert not auth.users.get("anna").active
    with pytest.raises(RevokedToken):
        auth.sessions.authenticate(issued.token, START + timedelta(minutes=2))
    with pytest.raises(LoginFailed):
        auth.sessions.login("anna", PASSWORD, "192.0.2.1", START + timedelta(minutes=2))


def test_changing_an_unknown_user_is_refused(auth: Auth) -> None:
    with pytest.raises(UnknownUser, match="no user named 'nobody'"):
        auth.users.set_password("nobody", PASSWORD, now=START)
    with pytest.raises(UnknownUser):
        auth.users.deactivate("nobody", now=START)
    with pytest.raises(UnknownUser):
        auth.users.get("nobody")
