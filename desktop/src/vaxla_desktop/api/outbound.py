"""Outbound calls (R1): where the server takes the softphone's calls to numbers
(``GET /agent/phone``), the credentials its SIP front asks for and the
``X-Vaxla-Session`` header that lets them through.

The header is made here from the session's bearer token and the agent's id for the one
number called (:mod:`vaxla_protocol.outbound`); the token itself never goes over SIP.
"""

from dataclasses import dataclass

from pydantic import TypeAdapter

from vaxla_desktop.api.agent import AgentApi
from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.agent import AgentState
from vaxla_protocol.offers import session_key
from vaxla_protocol.outbound import AgentPhone, SipCredentials, session_header


@dataclass(frozen=True, slots=True)
class Placement:
    """How to call a number: the SIP URI, the headers to send with the INVITE and the
    credentials that answer the SIP front's challenge."""

    uri: str
    headers: dict[str, str]
    credentials: SipCredentials | None = None


def placement(
    phone: AgentPhone, key: str, agent_id: int, number: str, *, tls: bool = False
) -> Placement | None:
    """The call to ``number`` through the server's SIP front (over TLS when ``tls`` and
    the server has it); ``None`` when the server takes no calls."""
    if phone.sip_uri is None:
        return None
    host = phone.sip_uri.split(":", 1)[1]
    if tls and phone.tls_uri is not None:
        host = phone.tls_uri.split(":", 1)[1]  # HOST:PORT;transport=tls
    return Placement(
        f"sip:{number}@{host}",
        {phone.header: session_header(key, agent_id, number)},
        phone.credentials,
    )


class OutboundApi:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    async def phone(self) -> AgentPhone:
        data = await self._client.call("GET", "/agent/phone")
        return self._client.parse(_PHONE, data, "phone")

    async def agent(self) -> AgentState:
        """The agent's id (for the header) and state."""
        return await AgentApi(self._client).state()

    def key(self) -> str:
        """The session's key (raises ``SessionEnded`` once it has ended)."""
        return session_key(self._client.token)


_PHONE = TypeAdapter(AgentPhone)
