"""Transfer of the agent's call (``/agent/transfer``), as typed calls.

Blind transfers hand the caller over at once; attended ones consult first and are then
completed or cancelled. Progress also arrives on the event socket as ``TransferChanged``.
"""

from pydantic import ValidationError

from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.api.errors import BadAnswer
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

    async def park(self, contact_id: int) -> ParkedContact:
        """Park the caller in the agent's personal queue (``/agent/park``)."""
        request = ParkRequest(contact_id=contact_id)
        data = await self._client.call("POST", "/agent/park", json=request.model_dump())
        try:
            return ParkedContact.model_validate(data)
        except ValidationError as error:
            raise BadAnswer(self._client.base_url, f"unexpected park answer: {error}") from error

    def _parse(self, data: object) -> TransferState:
        try:
            return TransferState.model_validate(data)
        except ValidationError as error:
            raise BadAnswer(
                self._client.base_url, f"unexpected transfer answer: {error}"
            ) from error
