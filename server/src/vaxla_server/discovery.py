"""The zeroconf advertisement of ``_vaxla._tcp.local.``, held while the server listens.

Desktops find a server by browsing for the service type; the TXT records tell them the
API's URL, the TLS fingerprint to pin, and the versions to check before connecting.
"""

import logging
from dataclasses import dataclass

from zeroconf import InterfaceChoice, IPVersion
from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

from vaxla_protocol import API_PREFIX, PROTOCOL_VERSION
from vaxla_server import __version__
from vaxla_server.network import BindAddress, mdns_host_name

log = logging.getLogger(__name__)

SERVICE_TYPE = "_vaxla._tcp.local."
Interfaces = InterfaceChoice | list[str]
# DNS limits one label, and so a service instance name, to 63 bytes.
MAX_INSTANCE_NAME_BYTES = 63


class InvalidInstanceName(ValueError):
    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        super().__init__(f"invalid service name {name!r}: {reason}")


def check_instance_name(name: str) -> str:
    """Return ``name`` if it can name a service instance, else raise InvalidInstanceName."""
    if not name.strip():
        raise InvalidInstanceName(name, "it is empty")
    if len(name.encode()) > MAX_INSTANCE_NAME_BYTES:
        raise InvalidInstanceName(name, f"longer than {MAX_INSTANCE_NAME_BYTES} bytes")
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in name):
        raise InvalidInstanceName(name, "it contains control characters")
    return name


def api_url(*, tls: bool, host: str, port: int) -> str:
    return f"{'https' if tls else 'http'}://{host}:{port}{API_PREFIX}"


@dataclass(frozen=True)
class Advertisement:
    """What the server says about itself on the network."""

    instance_name: str
    bind: BindAddress
    port: int
    tls_fingerprint: str | None

    @property
    def api_url(self) -> str:
        return api_url(
            tls=self.tls_fingerprint is not None, host=self.bind.url_host, port=self.port
        )

    def txt_records(self) -> dict[str, str]:
        records = {"api": self.api_url, "pv": str(PROTOCOL_VERSION), "v": __version__}
        if self.tls_fingerprint is not None:
            records["fp"] = self.tls_fingerprint
        return records


def zeroconf_interfaces(bind: BindAddress) -> tuple[Interfaces, IPVersion]:
    """The interfaces to speak multicast DNS on: only those the server listens on.

    A server on loopback is advertised on loopback alone, so it stays off the LAN.
    """
    if bind.is_loopback:
        return ["127.0.0.1"], IPVersion.V4Only
    if bind.is_wildcard:
        versions = {address.version for address in bind.addresses}
        return InterfaceChoice.All, IPVersion.V6Only if versions == {6} else IPVersion.V4Only
    interfaces = [str(address) for address in bind.addresses]
    versions = {address.version for address in bind.addresses}
    if versions == {4}:
        return interfaces, IPVersion.V4Only
    if versions == {6}:
        return interfaces, IPVersion.V6Only
    return interfaces, IPVersion.All


def _service_info(advertisement: Advertisement) -> AsyncServiceInfo:
    return AsyncServiceInfo(
        SERVICE_TYPE,
        f"{advertisement.instance_name}.{SERVICE_TYPE}",
        port=advertisement.port,
        properties=dict(advertisement.txt_records()),
        server=f"{mdns_host_name()}.",
        parsed_addresses=[str(address) for address in advertisement.bind.addresses],
    )


class ServiceAdvertiser:
    """Registers one advertisement with zeroconf, and withdraws it on :meth:`withdraw`."""

    def __init__(self, zeroconf: AsyncZeroconf, info: AsyncServiceInfo) -> None:
        self._zeroconf = zeroconf
        self._info = info

    @property
    def registered_name(self) -> str:
        """The instance name in use, which zeroconf changes if another server had it."""
        return self._info.name.removesuffix(f".{SERVICE_TYPE}")

    @classmethod
    async def register(cls, advertisement: Advertisement) -> "ServiceAdvertiser":
        interfaces, ip_version = zeroconf_interfaces(advertisement.bind)
        zeroconf = AsyncZeroconf(interfaces=interfaces, ip_version=ip_version)
        info = _service_info(advertisement)
        try:
            announced = await zeroconf.async_register_service(info, allow_name_change=True)
            await announced
        except BaseException:
            await zeroconf.async_close()
            raise
        advertiser = cls(zeroconf, info)
        log.info(
            "advertising %r as %s with %s",
            advertiser.registered_name,
            SERVICE_TYPE,
            ", ".join(f"{key}={value}" for key, value in advertisement.txt_records().items()),
        )
        return advertiser

    async def withdraw(self) -> None:
        """Say goodbye on the network, so browsers drop the service now, and close."""
        try:
            goodbyes_sent = await self._zeroconf.async_unregister_service(self._info)
            await goodbyes_sent
        finally:
            await self._zeroconf.async_close()
        log.info("withdrew the advertisement %r", self.registered_name)
