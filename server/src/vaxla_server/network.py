"""What the ``--bind`` address means on this host: its addresses and its names.

TLS puts these into a self-signed certificate and discovery advertises them, so both
describe the same server the same way.
"""

import socket
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address

import ifaddr

IPAddress = IPv4Address | IPv6Address


def host_name() -> str:
    """This machine's short host name, the first label of ``gethostname()``."""
    return socket.gethostname().split(".")[0] or "localhost"


def mdns_host_name() -> str:
    """The name this machine answers to on the LAN through multicast DNS."""
    return f"{host_name()}.local"


def _interface_addresses(version: int) -> list[IPAddress]:
    addresses: list[IPAddress] = []
    for adapter in ifaddr.get_adapters():
        for entry in adapter.ips:
            # ifaddr gives IPv4 addresses as strings, IPv6 as (address, flow, scope).
            text = entry.ip if isinstance(entry.ip, str) else entry.ip[0]
            address = ip_address(text)
            # A link-local IPv6 address means nothing without its interface.
            if address.version == version and not address.is_link_local:
                addresses.append(address)
    return addresses


@dataclass(frozen=True)
class BindAddress:
    """The address the server listens on, with what it resolves to on this host."""

    text: str
    addresses: tuple[IPAddress, ...]
    is_wildcard: bool

    @classmethod
    def parse(cls, text: str) -> "BindAddress":
        try:
            literal = ip_address(text)
        except ValueError:
            return cls(text=text, addresses=_resolve(text), is_wildcard=False)
        if literal.is_unspecified:
            # asyncio opens "::" as IPv6 only, so each wildcard stays in its family.
            return cls(
                text=text,
                addresses=tuple(_interface_addresses(literal.version)),
                is_wildcard=True,
            )
        return cls(text=text, addresses=(literal,), is_wildcard=False)

    @property
    def is_loopback(self) -> bool:
        """True when only this machine can reach the server."""
        return bool(self.addresses) and all(a.is_loopback for a in self.addresses)

    @property
    def is_literal(self) -> bool:
        return not self.is_wildcard and self.addresses == (_literal(self.text),)

    @property
    def url_host(self) -> str:
        """The host part of a URL that reaches the server, bracketed if IPv6."""
        if self.is_wildcard:
            return mdns_host_name()
        if self.is_literal and ":" in self.text:
            return f"[{self.text}]"
        return self.text

    def dns_names(self) -> list[str]:
        """The host names a client may use for this server, for a certificate."""
        if self.is_loopback:
            names = ["localhost"]
        else:
            names = [host_name(), mdns_host_name()]
            if self.is_wildcard:
                names.append("localhost")
        if not self.is_wildcard and not self.is_literal:
            names.insert(0, self.text)
        return list(dict.fromkeys(names))

    def ip_addresses(self) -> list[IPAddress]:
        """The addresses a client may use for this server, for a certificate."""
        return list(self.addresses)


def _literal(text: str) -> IPAddress | None:
    try:
        return ip_address(text)
    except ValueError:
        return None


def _resolve(name: str) -> tuple[IPAddress, ...]:
    try:
        infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return ()
    found: list[IPAddress] = []
    for _family, _type, _proto, _canonical, sockaddr in infos:
        address = ip_address(sockaddr[0])
        if address not in found:
            found.append(address)
    return tuple(found)


def free_udp_port(host: str = "127.0.0.1") -> int:
    """A UDP port nobody is bound to on ``host`` right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def free_media_port(host: str = "127.0.0.1") -> int:
    """A UDP port free on ``host`` right now with the one two above it free too: SIPp's
    ``-mp`` binds both (the audio and the video echo), and a second port taken made it
    exit at start."""
    for _ in range(100):
        port = free_udp_port(host)
        if port + 2 <= 65535 and udp_port_free(host, port + 2):
            return port
    raise OSError(f"no UDP port free on {host} with the one two above it free too")


def free_sip_port(host: str = "127.0.0.1") -> int:
    """A port free on ``host`` for UDP and TCP alike right now: the SIP front listens on
    both (a port free for UDP only was once taken on TCP, and Kamailio would not start)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for _ in range(100):
        port = free_udp_port(host)
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise OSError(f"no port free for both UDP and TCP on {host}")


def udp_port_free(host: str, port: int) -> bool:
    """Whether ``host:port`` (UDP) can be bound now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True
