"""The agent's SMS to its caller (``/agent/sms``, R25), as typed calls: what may be sent
(the caller of the current or last call, the sender, the templates filled in) and the
sending of one template."""

from pydantic import TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.sms import AgentSmsOptions, AgentSmsRequest, SmsQueued


class SmsApi:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    async def options(self) -> AgentSmsOptions:
        data = await self._client.call("GET", "/agent/sms")
        return self._client.parse(_OPTIONS, data, "SMS templates")

    async def send(self, request: AgentSmsRequest) -> SmsQueued:
        data = await self._client.call(
            "POST", "/agent/sms", json=request.model_dump(exclude_none=True)
        )
        return self._client.parse(_QUEUED, data, "SMS")


_OPTIONS = TypeAdapter(AgentSmsOptions)
_QUEUED = TypeAdapter(SmsQueued)
