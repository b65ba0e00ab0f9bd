"""Finding Vaxla servers on the local network: a zeroconf browser for ``_vaxla._tcp``.

Servers advertise ``api`` (the API URL), ``fp`` (the TLS fingerprint, with TLS),
``pv`` (protocol version) and ``v`` (server version) in their TXT records; the
browser resolves each one it sees and tells its listener as servers come and go.
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from zeroconf import InterfaceChoice, IPVersion, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from vaxla_desktop.api import server_base_url
from vaxla_protocol import PROTOCOL_VERSION

log = logging.getLogger(__name__)

SERVICE_TYPE = "_vaxla._tcp.local."
RESOLVE_TIMEOUT_MS = 3000


@dataclass(frozen=True, slots=True)
class DiscoveredServer:
    """One advertised server, as its TXT records describe it."""

    # The full zeroconf name, unique on the network: the key servers are kept by.
    service_name: str
    url: str
    fingerprint: str | None
    protocol_version: int | None
    server_version: str | None

    @property
    def name(self) -> str:
        """The instance name people chose for the server, such as ``Växel Göteborg``."""
        return self.service_name.removesuffix(f".{SERVICE_TYPE}")

    @property
    def compatible(self) -> bool:
        return self.protocol_version == PROTOCOL_VERSION


class MalformedAdvertisement(ValueError):
    def __init__(self, service_name: str, reason: str) -> None:
        self.service_name = service_name
        super().__init__(f"ignoring the advertisement {service_name!r}: {reason}")


def server_from_records(service_name: str, records: dict[str, str]) -> DiscoveredServer:
    """Read a TXT record set; raise :class:`MalformedAdvertisement` if unusable."""
    api = records.get("api", "")
    if not api.startswith(("http://", "https://")):
        raise MalformedAdvertisement(service_name, f"its api record {api!r} is no http(s) URL")
    protocol = records.get("pv")
    return DiscoveredServer(
        service_name=service_name,
        url=server_base_url(api),
        fingerprint=records.get("fp") or None,
        protocol_version=int(protocol) if protocol and protocol.isdigit() else None,
        server_version=records.get("v") or None,
    )


class DiscoveryListener(Protocol):
    def server_found(self, server: DiscoveredServer) -> None:
        """A server appeared, or its records changed (same ``service_name``)."""

    def server_gone(self, service_name: str) -> None:
        """A server withdrew its advertisement or stopped answering."""


class ServerBrowser:
    """Browses for servers while open; :meth:`close` stops and frees the sockets.

    ``interfaces`` limits where to ask (tests use loopback alone).
    """

    def __init__(
        self,
        listener: DiscoveryListener,
        *,
        interfaces: InterfaceChoice | Sequence[str] = InterfaceChoice.All,
        ip_version: IPVersion = IPVersion.V4Only,
    ) -> None:
        self._listener = listener
        self._interfaces = interfaces if isinstance(interfaces, InterfaceChoice) else [*interfaces]
        self._ip_version = ip_version
        self._zeroconf: AsyncZeroconf | None = None
        self._browser: AsyncServiceBrowser | None = None
        self._resolving: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._zeroconf = AsyncZeroconf(interfaces=self._interfaces, ip_version=self._ip_version)
        self._browser = AsyncServiceBrowser(
            self._zeroconf.zeroconf, SERVICE_TYPE, handlers=[self._on_service_state_change]
        )

    async def close(self) -> None:
        for task in self._resolving:
            task.cancel()
        if self._browser is not None:
            await self._browser.async_cancel()
        if self._zeroconf is not None:
            await self._zeroconf.async_close()
        self._browser = self._zeroconf = None

    def _on_service_state_change(
        self,
        zeroconf: Zeroconf,
        service_type: str,
        name: str,
        state_change: ServiceStateChange,
    ) -> None:
        if state_change is ServiceStateChange.Removed:
            self._listener.server_gone(name)
            return
        task = asyncio.get_running_loop().create_task(self._resolve(zeroconf, name))
        self._resolving.add(task)
        task.add_done_callback(self._resolving.discard)

    async def _resolve(self, zeroconf: Zeroconf, name: str) -> None:
        info = AsyncServiceInfo(SERVICE_TYPE, name)
        if not await info.async_request(zeroconf, RESOLVE_TIMEOUT_MS):
            log.info("no answer from the advertised server %r", name)
            return
        records = {
            key.decode(errors="replace"): value.decode(errors="replace")
            for key, value in info.properties.items()
            if value is not None
        }
        try:
            server = server_from_records(name, records)
        except MalformedAdvertisement as error:
            log.warning("%s", error)
            return
        self._listener.server_found(server)
