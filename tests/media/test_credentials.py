"""Agents' SIP credentials as Kamailio's auth_ephemeral checks them (the front itself
checks them in tests/media/test_kamailio.py)."""

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from vaxla_server.media.credentials import REALM, agent_credentials, new_secret

NOW = datetime(2026, 12, 5, 9, 0, 0, 500_000, tzinfo=UTC)


def test_the_username_is_the_expiry_and_the_agent_and_the_password_its_hmac() -> None:
    credentials = agent_credentials("s3cret", 42, NOW, timedelta(minutes=30))
    expiry = int((NOW + timedelta(minutes=30)).timestamp())
    assert credentials.username == f"{expiry}:42"
    assert credentials.expires_at == datetime.fromtimestamp(expiry, UTC)
    mac = hmac.new(b"s3cret", credentials.username.encode(), hashlib.sha256).digest()
    assert credentials.password == base64.b64encode(mac).decode()
    assert credentials.realm == REALM
    assert "password" not in repr(credentials) and credentials.password not in repr(credentials)


def test_secrets_differ_and_none_makes_no_credentials() -> None:
    assert new_secret() != new_secret()
    assert len(new_secret()) == 64
    with pytest.raises(ValueError, match="no secret"):
        agent_credentials("", 42, NOW)
