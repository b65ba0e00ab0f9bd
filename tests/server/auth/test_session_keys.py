"""The keys of a user's open sessions: what an outbound call's header may be made with."""

from datetime import timedelta

from tests.server.auth.conftest import PASSWORD, START
from vaxla_protocol import Role
from vaxla_protocol.offers import session_key
from vaxla_server.auth import Auth


def test_only_open_sessions_of_an_active_user_give_keys(auth: Auth) -> None:
    anna = auth.users.create("anna", PASSWORD, Role.AGENT, now=START)
    bo = auth.users.create("bo", PASSWORD, Role.AGENT, now=START)
    first = auth.sessions.login("anna", PASSWORD, "192.0.2.1", START)
    second = auth.sessions.login("anna", PASSWORD, "192.0.2.1", START + timedelta(hours=1))
    auth.sessions.login("bo", PASSWORD, "192.0.2.1", START)
    keys = auth.sessions.session_keys(anna.id, START + timedelta(hours=2))
    assert sorted(keys) == sorted([session_key(first.token), session_key(second.token)])
    auth.sessions.logout(first.token, START + timedelta(hours=2))
    later = START + timedelta(hours=12, minutes=30)  # the first would have expired too
    assert auth.sessions.session_keys(anna.id, later) == [session_key(second.token)]
    assert auth.sessions.session_keys(anna.id, START + timedelta(hours=14)) == []
    assert len(auth.sessions.session_keys(bo.id, START)) == 1
