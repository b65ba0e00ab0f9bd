"""The agent's own actions and the lists it chooses from, as typed calls.

Each action answers with what the server says the agent is now; the agent panel does
not use that answer to draw itself (the event socket brings the same state to every
desktop that shows it), only to know the action went through.
"""

from pydantic import BaseModel, TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.agent import (
    AgentLoginRequest,
    AgentLogoutRequest,
    AgentState,
    ClassifyRequest,
    PauseRequest,
)
from vaxla_protocol.alarms import StandbyRequest
from vaxla_protocol.config import ClassificationCodeItem, PauseReasonItem
from vaxla_protocol.control import ParkedContact

_AGENT_STATE = TypeAdapter(AgentState)
_PAUSE_REASONS = TypeAdapter(list[PauseReasonItem])
_CLASSIFICATION_CODES = TypeAdapter(list[ClassificationCodeItem])
_PARKED = TypeAdapter(list[ParkedContact])
_PARKED_ONE = TypeAdapter(ParkedContact)


async def active_pause_reasons(client: ServerClient) -> list[PauseReasonItem]:
    """The pause reasons in use (every role may read them: agents pause themselves,
    supervisors pause agents)."""
    data = await client.call("GET", "/config/pause-reasons")
    return [item for item in client.parse(_PAUSE_REASONS, data, "pause reasons") if item.active]


class AgentApi:
    """``/agent`` and the configuration lists an agent may read, over one client."""

    def __init__(self, client: ServerClient) -> None:
        self._client = client

    async def state(self) -> AgentState:
        return self._client.parse(_AGENT_STATE, await self._client.call("GET", "/agent"), "agent")

    async def log_in(self, queues: list[int] | None, sip_contact: str | None) -> AgentState:
        request = AgentLoginRequest(queues=queues, sip_contact=sip_contact)
        return await self._act("/agent/login", request)

    async def log_out(self, queues: list[int] | None) -> AgentState:
        return await self._act("/agent/logout", AgentLogoutRequest(queues=queues))

    async def stand_by(self, sip_contact: str | None) -> AgentState:
        """Stand by (R23): the server logs the agent in when its queues need it."""
        return await self._act("/agent/standby", StandbyRequest(sip_contact=sip_contact))

    async def stop_standing_by(self) -> AgentState:
        data = await self._client.call("DELETE", "/agent/standby")
        return self._client.parse(_AGENT_STATE, data, "agent")

    async def ready(self) -> AgentState:
        return await self._act("/agent/ready", None)

    async def pause(self, reason: str) -> AgentState:
        return await self._act("/agent/pause", PauseRequest(reason=reason))

    async def classify(self, code: str) -> AgentState:
        return await self._act("/agent/classification", ClassifyRequest(code=code))

    async def take_parked(self, contact_id: int) -> ParkedContact:
        data = await self._client.call("POST", f"/agent/parked/{contact_id}/take")
        return self._client.parse(_PARKED_ONE, data, "parked contact")

    async def parked(self) -> list[ParkedContact]:
        return self._client.parse(
            _PARKED, await self._client.call("GET", "/agent/parked"), "parked"
        )

    async def pause_reasons(self) -> list[PauseReasonItem]:
        return await active_pause_reasons(self._client)

    async def classification_codes(self) -> list[ClassificationCodeItem]:
        data = await self._client.call("GET", "/config/classification-codes")
        codes = self._client.parse(_CLASSIFICATION_CODES, data, "classification codes")
        return [item for item in codes if item.active]

    async def _act(self, path: str, request: BaseModel | None) -> AgentState:
        body = request.model_dump(exclude_none=True) if request is not None else None
        return self._client.parse(
            _AGENT_STATE, await self._client.call("POST", path, json=body), "agent"
        )
