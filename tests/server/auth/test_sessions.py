import concurrent.futures
import hashlib
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.server.auth.conftest import CHEAP_PARAMETERS, CHEAP_SETTINGS, PASSWORD, START
from vaxla_protocol import Role
from vaxla_server.auth import (
    Auth,
    AuthSettings,
    ExpiredToken,
    LoginFailed,
    LoginThrottled,
    Passwords,
    RevokedToken,
    Sessions,
    UnknownToken,
)
from vaxla_server.auth.sessions import token_digest
from vaxla_server.auth.throttle import LoginThrottle
from vaxla_server.auth.users import TOKENS, USERS
from vaxla_server.store import Store

ADDRESS = "192.0.2.1"


@pytest.fixture
def anna(auth: Auth) -> None:
    auth.users.create("anna", PASSWORD, Role.SUPERVISOR, now=START)


@pytest.mark.usefixtures("anna")
def test_login_gives_a_random_token_that_expires_after_12_hours(auth: Auth) -> None:
    first = auth.sessions.login("anna", PASSWORD, ADDRESS, START)
    second = auth.sessions.login("Anna", PASSWORD, ADDRESS, START)
    assert first.token != second.token
    assert len(first.token) >= 43
    assert first.expires_at == START + timedelta(hours=12)
    assert first.user.username == "anna"
    assert first.token not in repr(first)


@pytest.mark.usefixtures("anna")
def test_the_store_keeps_only_the_sha256_of_a_token(auth: Auth, store: Store) -> None:
    issued = auth.sessions.login("anna", PASSWORD, ADDRESS, START)
    with store.engine.connect() as connection:
        row = connection.execute(select(TOKENS)).one()
    assert row.token_sha256 == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in repr(tuple(row))
    assert (row.issued_at, row.expires_at, row.revoked_at) == (START, issued.expires_at, None)


@pytest.mark.usefixtures("anna")
def test_authenticate_finds_the_user_until_the_token_expires(auth: Auth) -> None:
    issued = auth.sessions.login("anna", PASSWORD, ADDRESS, START)
    just_before = issued.expires_at - timedelta(microseconds=1)
    assert auth.sessions.authenticate(issued.token, just_before).username == "anna"
    with pytest.raises(ExpiredToken):
        auth.sessions.authenticate(issued.token, issued.expires_at)


def test_the_token_lifetime_is_configurable(store: Store) -> None:
    auth = Auth.open(store, replace(CHEAP_SETTINGS, token_lifetime=timedelta(minutes=5)))
    auth.users.create("anna", PASSWORD, Role.AGENT, now=START)
    assert auth.sessions.login("anna", PASSWORD, ADDRESS, START).expires_at == START + timedelta(
        minutes=5
    )


@pytest.mark.usefixtures("anna")
def test_logout_revokes_only_that_token(auth: Auth) -> None:
    first = auth.sessions.login("anna", PASSWORD, ADDRESS, START)
    second = auth.sessions.login("anna", PASSWORD, ADDRESS, START)
    auth.sessions.logout(first.token, START + timedelta(minutes=1))
    with pytest.raises(RevokedToken):
        auth.sessions.authenticate(first.token, START + timedelta(minutes=1))
    assert auth.sessions.authenticate(second.token, START + timedelta(minutes=1)).username == "anna"
    # Logging out twice changes nothing.
    auth.sessions.logout(first.token, START + timedelta(minutes=2))


def test_unknown_tokens_are_refused(auth: Auth) -> None:
    with pytest.raises(UnknownToken):
        auth.sessions.authenticate("not-a-token", START)
    with pytest.raises(UnknownToken):
        auth.sessions.logout("not-a-token", START)


def test_unknown_user_wrong_password_and_deactivated_user_fail_alike(auth: Auth) -> None:
    auth.users.create("anna", PASSWORD, Role.AGENT, now=START)
    auth.users.create("bert", PASSWORD, Role.AGENT, now=START)
    auth.users.deactivate("bert", now=START)
    errors: list[tuple[type[Exception], str]] = []
    for username, password in [
        ("nobody", PASSWORD),
        ("anna", "wrong password"),
        ("bert", PASSWORD),
    ]:
        with pytest.raises(LoginFailed) as failed:
            auth.sessions.login(username, password, f"192.0.2.{len(errors)}", START)
        errors.append((type(failed.value), str(failed.value)))
    assert len(set(errors)) == 1


class CountingPasswords(Passwords):
    def __init__(self) -> None:
        super().__init__(CHEAP_PARAMETERS)
        self.checked: list[str | None] = []

    def verify(self, password_hash: str | None, password: str) -> bool:
        self.checked.append(password_hash)
        return super().verify(password_hash, password)


def test_an_unknown_user_costs_a_password_check_too(store: Store) -> None:
    passwords = CountingPasswords()
    sessions = Sessions(store.engine, passwords, LoginThrottle())
    with pytest.raises(LoginFailed):
        sessions.login("nobody", PASSWORD, ADDRESS, START)
    assert passwords.checked == [None]


def test_a_login_rehashes_a_password_hashed_with_old_parameters(store: Store) -> None:
    Auth.open(store, CHEAP_SETTINGS).users.create("anna", PASSWORD, Role.AGENT, now=START)
    stronger = replace(CHEAP_PARAMETERS, time_cost=2, memory_cost=2048)
    auth = Auth.open(store, AuthSettings(password_parameters=stronger))

    def stored_hash() -> str:
        with store.engine.connect() as connection:
            value: str = connection.execute(select(USERS.c.password_hash)).scalar_one()
            return value

    assert "m=1024,t=1,p=1" in stored_hash()
    with pytest.raises(LoginFailed):
        auth.sessions.login("anna", "wrong password", ADDRESS, START)
    assert "m=1024,t=1,p=1" in stored_hash()

    auth.sessions.login("anna", PASSWORD, ADDRESS, START)
    assert "m=2048,t=2,p=1" in stored_hash()
    auth.sessions.login("anna", PASSWORD, ADDRESS, START)


@pytest.mark.usefixtures("anna")
def test_failed_logins_lock_that_user_from_that_address(auth: Auth) -> None:
    for second in range(5):
        with pytest.raises(LoginFailed):
            auth.sessions.login(
                "anna", "wrong password", ADDRESS, START + timedelta(seconds=second)
            )
    # Now even the right password is refused from that address, without being checked.
    with pytest.raises(LoginThrottled) as throttled:
        auth.sessions.login("ANNA", PASSWORD, ADDRESS, START + timedelta(seconds=30))
    assert throttled.value.retry_after == timedelta(seconds=34)
    assert auth.sessions.login("anna", PASSWORD, "192.0.2.99", START + timedelta(seconds=30))
    assert auth.sessions.login("anna", PASSWORD, ADDRESS, START + timedelta(seconds=64))


@pytest.mark.usefixtures("anna")
def test_a_colleagues_typos_behind_the_same_address_lock_nobody_else_out(auth: Auth) -> None:
    auth.users.create("bo", PASSWORD, Role.AGENT, now=START)
    for second in range(10):
        with pytest.raises((LoginFailed, LoginThrottled)):
            auth.sessions.login("bo", "typo", ADDRESS, START + timedelta(seconds=second))
    assert auth.sessions.login("anna", PASSWORD, ADDRESS, START + timedelta(seconds=10))


@pytest.mark.usefixtures("anna")
def test_many_correct_logins_at_once_from_one_address_all_succeed(auth: Auth) -> None:
    """20 agents of one office logging in at the same moment (they share the NAT's
    address): none is refused; the password checks wait their turn."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        issued = list(
            pool.map(lambda _: auth.sessions.login("anna", PASSWORD, ADDRESS, START), range(20))
        )
    assert len({token.token for token in issued}) == 20


@pytest.mark.usefixtures("anna")
def test_successful_logins_are_not_throttled(auth: Auth) -> None:
    for _ in range(10):
        auth.sessions.login("anna", PASSWORD, ADDRESS, START)


def test_invalid_among_names_each_ended_session_with_its_reason(auth: Auth) -> None:
    """The event socket's check of all its sessions in one query."""
    for name in ("anna", "bo", "cai"):
        auth.users.create(name, PASSWORD, Role.AGENT, now=START)
    live, out, gone = (
        auth.sessions.login(name, PASSWORD, ADDRESS, START).token for name in ("anna", "bo", "cai")
    )
    auth.sessions.logout(out, START)
    auth.users.deactivate("cai", now=START)
    digests = {token_digest(t): t for t in (live, out, gone, "never-issued")}
    invalid = auth.sessions.invalid_among(digests, START + timedelta(hours=1))
    assert {digests[d]: type(e) for d, e in invalid.items()} == {
        out: RevokedToken,
        gone: RevokedToken,
        "never-issued": UnknownToken,
    }
    later = auth.sessions.invalid_among([token_digest(live)], START + timedelta(hours=12))
    assert [type(e) for e in later.values()] == [ExpiredToken]
    assert auth.sessions.invalid_among([], START) == {}
