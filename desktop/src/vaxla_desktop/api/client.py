"""Requests to the server, answered as ``vaxla_protocol`` models."""

from types import TracebackType
from typing import Self

import httpx
from pydantic import ValidationError

from vaxla_protocol import API_PREFIX, Health, check_compatible


class ServerError(Exception):
    """The server could not be reached or gave an answer this client cannot use."""


class ServerClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(
            base_url=self.base_url + API_PREFIX, timeout=timeout, transport=transport
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def health(self) -> Health:
        """The server's health; raises ``ProtocolMismatch`` if it speaks another protocol."""
        try:
            response = await self._http.get("/health")
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ServerError(f"{self.base_url}: {exc or type(exc).__name__}") from exc
        # Compare versions before validating: a server speaking another protocol may
        # well send a different health shape, and the mismatch is the useful message.
        remote_version = data.get("protocol_version") if isinstance(data, dict) else None
        if isinstance(remote_version, int):
            check_compatible(remote_version)
        try:
            return Health.model_validate(data)
        except ValidationError as exc:
            raise ServerError(f"{self.base_url}: unexpected health answer: {exc}") from exc
