"""A supervisor's actions on another agent (``/agents/{id}/…``), as typed calls.

Each answers with what the server says the agent is now; the real-time view draws
the events that follow, not this answer.
"""

from urllib.parse import quote

from pydantic import BaseModel, TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.agent import AgentState, PauseRequest
from vaxla_protocol.alarms import AlarmState

_AGENT_STATE = TypeAdapter(AgentState)
_ALARM_STATE = TypeAdapter(AlarmState)


class SupervisorApi:
    """``/agents/{id}/ready``, ``/pause`` and ``/logout`` over one client."""

    def __init__(self, client: ServerClient) -> None:
        self._client = client

    async def ready(self, agent_id: int) -> AgentState:
        return await self._act(agent_id, "ready", None)

    async def pause(self, agent_id: int, reason: str) -> AgentState:
        return await self._act(agent_id, "pause", PauseRequest(reason=reason))

    async def log_out(self, agent_id: int) -> AgentState:
        return await self._act(agent_id, "logout", None)

    async def acknowledge_alarm(self, rule: str) -> AlarmState:
        """``/alarms/{rule}/acknowledge``: the supervisor has seen the raised alarm."""
        data = await self._client.call("POST", f"/alarms/{quote(rule, safe='')}/acknowledge")
        return self._client.parse(_ALARM_STATE, data, "alarm")

    async def _act(self, agent_id: int, action: str, request: BaseModel | None) -> AgentState:
        body = request.model_dump() if request is not None else None
        data = await self._client.call("POST", f"/agents/{agent_id}/{action}", json=body)
        return self._client.parse(_AGENT_STATE, data, "agent")
