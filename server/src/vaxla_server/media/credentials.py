"""Agents' SIP credentials: short-lived digest credentials the SIP front checks without
asking the server (Kamailio's ``auth_ephemeral``, draft-uberti-rtcweb-turn-rest).

The username is ``EXPIRY:AGENT_ID`` (``EXPIRY`` a Unix time) and the password the
base64 of HMAC-SHA256 of the username under a secret the server made at start and gave
only to its front. The front challenges (407) every INVITE that is not from a trunk or a
worker, and takes the answer only when the password matches and the time has not
passed, so a stranger's INVITE reaches no worker. Who the agent is, and that the call is
to the number it says, is still checked by the worker per call (the ``X-Vaxla-Session``
header of ``vaxla_protocol.outbound``): these credentials keep strangers out at the
edge; the header binds each call to an open session and one number.
"""

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from vaxla_protocol.outbound import SipCredentials

REALM = "vaxla"
"""The realm the front challenges with and the credentials are for."""
LIFETIME = timedelta(hours=1)
"""How long credentials are taken: the desktop fetches new ones for each call."""


def new_secret() -> str:
    """A secret for the front (256 bits, text Kamailio's configuration can hold)."""
    return secrets.token_hex(32)


def agent_credentials(
    secret: str, agent_id: int, now: datetime, lifetime: timedelta = LIFETIME
) -> SipCredentials:
    """Credentials for ``agent_id`` taken until ``now + lifetime`` (whole seconds)."""
    if not secret:
        raise ValueError("no secret to make SIP credentials with")
    expires = int((now + lifetime).timestamp())
    username = f"{expires}:{agent_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha256).digest()
    return SipCredentials(
        realm=REALM,
        username=username,
        password=base64.b64encode(digest).decode(),
        expires_at=datetime.fromtimestamp(expires, tz=now.tzinfo),
    )
