"""Outbound calls from an agent's softphone (R1): where to send them and how they are
authenticated.

The agent's softphone sends its INVITE for an outside number to the media worker the
server names in ``GET /api/v1/agent/phone`` (:class:`AgentPhone`), with the header
``X-Vaxla-Session: AGENT_ID;MAC``. The MAC is an HMAC-SHA256 of ``outbound:AGENT_ID:NUMBER``
keyed by the SHA-256 of the agent's bearer token (the same key as the offer token of
:mod:`vaxla_protocol.offers`): the server keeps exactly that digest of every session, the
softphone computes it from the token it holds, and the bearer token itself never travels
over SIP. Binding the number in means a captured header dials no other number, and the
server accepts it only while that session is open (not logged out or expired).
"""

import hashlib
import hmac
import re
from datetime import datetime
from typing import Final, Literal

from pydantic import Field

from vaxla_protocol._base import WireModel

SESSION_HEADER: Final = "X-Vaxla-Session"
SrtpMode = Literal["off", "optional", "mandatory"]
"""Whether calls' audio between the media workers and agents' phones is SRTP (keys in
the SDP, SDES, so only over TLS): ``off`` plain RTP, ``optional`` SRTP offered and
plain RTP taken, ``mandatory`` SRTP or no call."""
SRTP_MODES: Final[tuple[SrtpMode, ...]] = ("off", "optional", "mandatory")
_VALUE = re.compile(r"([0-9]{1,12});([0-9a-f]{64})")


class InvalidSessionHeader(ValueError):
    """The header is missing, malformed, or was not made with this session's key."""


class SipCredentials(WireModel):
    """Digest credentials for the SIP front, short-lived, made for one agent: the front
    challenges (407) every INVITE that does not come from a trunk, and lets through only
    those that answer with these. ``username`` is ``EXPIRY:AGENT_ID`` (a Unix time) and
    ``password`` an HMAC of it under a secret only the server and its front know
    (Kamailio's ``auth_ephemeral``), so the front checks them without asking the
    server."""

    realm: str
    username: str
    password: str = Field(repr=False)
    expires_at: datetime


class AgentPhone(WireModel):
    """Where the agent's softphone sends its outbound calls (``GET /agent/phone``).

    ``sip_uri`` is the SIP front's address (``sip:HOST:PORT``); the number to call goes
    in the user part. ``outside_calls`` is false when the server has no outside
    gateway: the worker would refuse every number (503). ``credentials`` answer the
    front's challenge (``None`` on a server that takes no calls); fetch them again for
    a call after ``expires_at``.

    ``tls_uri`` (``sip:HOST:PORT;transport=tls``) is the front's SIP over TLS, with the
    server's own certificate (the API's: the phone pins the same fingerprint), ``None``
    when the server has none. A phone that uses it registers there as
    ``sip:AGENT_ID@HOST:PORT;transport=tls`` (the agent id is the credentials' username
    after the colon) with ``credentials``, gives that URI as its contact at queue
    log-in, and sends its calls there too. ``srtp`` is the server's SRTP policy for
    phones over TLS."""

    sip_uri: str | None
    outside_calls: bool
    header: str = SESSION_HEADER
    credentials: SipCredentials | None = None
    tls_uri: str | None = None
    srtp: SrtpMode = "off"


def _mac(key: str, agent_id: int, number: str) -> str:
    message = f"outbound:{agent_id}:{number}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def session_header(key: str, agent_id: int, number: str) -> str:
    """The header value for calling ``number``; ``key`` is ``offers.session_key`` of the
    agent's bearer token."""
    return f"{agent_id};{_mac(key, agent_id, number)}"


def header_agent(value: str | None) -> int:
    """The agent id a header value claims (not yet verified); raises
    ``InvalidSessionHeader`` when malformed."""
    if value is None:
        raise InvalidSessionHeader(f"no {SESSION_HEADER} header")
    match = _VALUE.fullmatch(value.strip())
    if match is None:
        raise InvalidSessionHeader(f"malformed {SESSION_HEADER} header: {value[:100]!r}")
    return int(match.group(1))


def verify_session_header(key: str, value: str | None, number: str) -> int:
    """The agent id of a header made with ``key`` for ``number``; raises
    ``InvalidSessionHeader`` otherwise."""
    agent_id = header_agent(value)
    assert value is not None
    mac = value.strip().split(";", 1)[1]
    if not hmac.compare_digest(mac, _mac(key, agent_id, number)):
        raise InvalidSessionHeader(f"{SESSION_HEADER} header not made by this agent's session")
    return agent_id
