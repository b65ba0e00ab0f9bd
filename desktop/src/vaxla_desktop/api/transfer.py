"""Transfer of the agent's call (``/agent/transfer``), as typed calls.

Blind transfers hand the caller over at once; attended ones consult first and are then
completed or cancelled. Progress also arrives on the event socket as ``TransferChanged``.
"""

from pydantic import TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.control import ParkedContact, ParkRequest, TransferRequest, TransferState


class TransferApi:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    async def start(self, request: TransferRequest) -> TransferState:
        data = await self._client.call("POST", "/agent/transfer", json=request.model_dump())
        return self._parse(data)

    async def complete(self, transfer_id: str) -> TransferState:
        return self._parse(
            await self._client.call("POST", f"/agent/transfer/{transfer_id}/complete")
        )

    async def cancel(self, transfer_id: str) -> TransferState:
        return self._parse(await self._client.call("POST", f"/agent/transfer/{transfer_id}/cancel"))

    async def park(self, contact_id: int, *, hold: bool = False) -> ParkedContact:
        """Park the caller in the agent's personal queue (``/agent/park``); ``hold``: it
        waits there until taken back (a receptionist's hold, R29)."""
        request = ParkRequest(contact_id=contact_id, hold=hold)
        data = await self._client.call("POST", "/agent/park", json=request.model_dump())
        return self._client.parse(_PARKED, data, "park")

    def _parse(self, data: object) -> TransferState:
        return self._client.parse(_TRANSFER, data, "transfer")


_TRANSFER = TypeAdapter(TransferState)
_PARKED = TypeAdapter(ParkedContact)
