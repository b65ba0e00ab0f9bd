"""A supervisor's control of the calls waiting in the queues (``/queues/{id}/contacts/
{id}/…``, R16), as typed calls.

Each answers with the call as the server has it now; the real-time view draws the
waiting calls the event socket sends next, not this answer.
"""

from pydantic import BaseModel, TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.agent import MoveRequest, PickRequest, PriorityRequest, WaitingContact

_WAITING_CONTACT = TypeAdapter(WaitingContact)


class QueueControlApi:
    """``…/priority``, ``…/move``, ``…/pick`` and ``…/callback`` over one client."""

    def __init__(self, client: ServerClient) -> None:
        self._client = client

    async def set_priority(self, queue_id: int, contact_id: int, priority: int) -> WaitingContact:
        return await self._act(queue_id, contact_id, "priority", PriorityRequest(priority=priority))

    async def move(self, queue_id: int, contact_id: int, to_queue: int) -> WaitingContact:
        return await self._act(queue_id, contact_id, "move", MoveRequest(queue_id=to_queue))

    async def pick(
        self, queue_id: int, contact_id: int, agent_id: int, *, offer: bool
    ) -> WaitingContact:
        request = PickRequest(agent_id=agent_id, offer=offer)
        return await self._act(queue_id, contact_id, "pick", request)

    async def cancel_callback(self, queue_id: int, contact_id: int) -> None:
        """Cancel a callback waiting in the queue (R17); nothing is answered."""
        await self._client.call("DELETE", f"/queues/{queue_id}/contacts/{contact_id}/callback")

    async def _act(
        self, queue_id: int, contact_id: int, action: str, request: BaseModel
    ) -> WaitingContact:
        path = f"/queues/{queue_id}/contacts/{contact_id}/{action}"
        data = await self._client.call("POST", path, json=request.model_dump())
        return self._client.parse(_WAITING_CONTACT, data, "waiting call")
