import asyncio
import re
import subprocess
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from zeroconf import InterfaceChoice, IPVersion, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from tests.server_process import BIN_DIR, ServerProcess
from vaxla_protocol import PROTOCOL_VERSION
from vaxla_server import __version__
from vaxla_server.discovery import (
    SERVICE_TYPE,
    Advertisement,
    InvalidInstanceName,
    check_instance_name,
    zeroconf_interfaces,
)
from vaxla_server.network import BindAddress

SERVER = str(BIN_DIR / "vaxla-server")
ADVERTISING = re.compile(r"advertising '([^']+)' as _vaxla\._tcp\.local\.")
WITHDREW = re.compile(r"withdrew the advertisement")
FINGERPRINT_LINE = re.compile(r"TLS fingerprint for pinning: (\S+)")
WAIT_S = 15.0
LOOKUP_MS = 5000


def unique_name() -> str:
    # Test servers may run side by side on this machine; each gets its own name.
    return f"vaxla-test-{uuid.uuid4().hex[:12]}"


# The advertisement's contents


def test_txt_records_carry_api_url_and_versions_without_tls() -> None:
    advertisement = Advertisement(
        instance_name="desk", bind=BindAddress.parse("127.0.0.1"), port=8780, tls_fingerprint=None
    )
    assert advertisement.txt_records() == {
        "api": "http://127.0.0.1:8780/api/v1",
        "pv": str(PROTOCOL_VERSION),
        "v": __version__,
    }


def test_txt_records_carry_the_fingerprint_with_tls() -> None:
    advertisement = Advertisement(
        instance_name="desk", bind=BindAddress.parse("::1"), port=443, tls_fingerprint="AB:CD"
    )
    records = advertisement.txt_records()
    assert records["api"] == "https://[::1]:443/api/v1"
    assert records["fp"] == "AB:CD"


def test_a_wildcard_bind_advertises_the_mdns_host_name() -> None:
    advertisement = Advertisement(
        instance_name="desk", bind=BindAddress.parse("0.0.0.0"), port=8780, tls_fingerprint=None
    )
    assert re.fullmatch(r"http://[^/:]+\.local:8780/api/v1", advertisement.api_url)


# Where it is advertised


def test_a_loopback_server_is_advertised_on_loopback_only() -> None:
    assert zeroconf_interfaces(BindAddress.parse("127.0.0.1")) == (
        ["127.0.0.1"],
        IPVersion.V4Only,
    )
    assert zeroconf_interfaces(BindAddress.parse("::1"))[0] == ["127.0.0.1"]


def test_a_server_on_one_address_is_advertised_on_that_interface() -> None:
    assert zeroconf_interfaces(BindAddress.parse("192.0.2.7")) == (
        ["192.0.2.7"],
        IPVersion.V4Only,
    )


def test_a_server_on_all_addresses_is_advertised_on_all_interfaces() -> None:
    assert zeroconf_interfaces(BindAddress.parse("0.0.0.0")) == (
        InterfaceChoice.All,
        IPVersion.V4Only,
    )


# The instance name


def test_instance_names_must_fit_one_dns_label() -> None:
    assert check_instance_name("Växel Göteborg") == "Växel Göteborg"
    for bad in ("", "   ", "x" * 64, "ö" * 32, "tab\there"):
        with pytest.raises(InvalidInstanceName):
            check_instance_name(bad)


def test_serve_rejects_a_bad_name() -> None:
    result = subprocess.run(
        [SERVER, "serve", "--data-dir", "unused", "--http-port", "0", "--name", "x" * 64],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "longer than 63 bytes" in result.stderr


# A real server, browsed on loopback


class Browser:
    """Watches ``_vaxla._tcp.local.`` on loopback and records which names come and go."""

    def __init__(self) -> None:
        self.zeroconf = AsyncZeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
        self.added: dict[str, asyncio.Event] = {}
        self.removed: dict[str, asyncio.Event] = {}
        self.browser = AsyncServiceBrowser(
            self.zeroconf.zeroconf, SERVICE_TYPE, handlers=[self._on_change]
        )

    def _event(self, events: dict[str, asyncio.Event], name: str) -> asyncio.Event:
        return events.setdefault(name, asyncio.Event())

    def _on_change(
        self,
        zeroconf: Zeroconf,
        service_type: str,
        name: str,
        state_change: ServiceStateChange,
    ) -> None:
        if state_change is ServiceStateChange.Added:
            self._event(self.added, name).set()
        elif state_change is ServiceStateChange.Removed:
            self._event(self.removed, name).set()

    async def wait_added(self, name: str) -> None:
        await asyncio.wait_for(self._event(self.added, name).wait(), WAIT_S)

    async def wait_removed(self, name: str) -> None:
        await asyncio.wait_for(self._event(self.removed, name).wait(), WAIT_S)

    async def txt_records(self, name: str) -> dict[str, str]:
        info = AsyncServiceInfo(SERVICE_TYPE, name)
        assert await info.async_request(self.zeroconf.zeroconf, LOOKUP_MS), name
        assert info.port is not None
        assert info.parsed_addresses() == ["127.0.0.1"]
        return {
            key.decode(): value.decode()
            for key, value in info.properties.items()
            if value is not None
        }

    async def close(self) -> None:
        await self.browser.async_cancel()
        await self.zeroconf.async_close()


def browse(test: Callable[[Browser], Awaitable[None]]) -> None:
    async def run() -> None:
        browser = Browser()
        try:
            await test(browser)
        finally:
            await browser.close()

    asyncio.run(run())


def test_server_is_advertised_with_its_records_and_withdrawn_on_sigterm(tmp_path: Path) -> None:
    name = unique_name()
    with ServerProcess(tmp_path / "data", ["--name", name], discovery=True) as server:
        assert server.wait_for_line(ADVERTISING).group(1) == name
        full_name = f"{name}.{SERVICE_TYPE}"

        async def check(browser: Browser) -> None:
            await browser.wait_added(full_name)
            assert await browser.txt_records(full_name) == {
                "api": f"{server.url}/api/v1",
                "pv": str(PROTOCOL_VERSION),
                "v": __version__,
            }
            await asyncio.to_thread(server.stop)
            await browser.wait_removed(full_name)

        browse(check)
        server.wait_for_line(WITHDREW)


def test_a_tls_server_advertises_its_fingerprint(tmp_path: Path) -> None:
    name = unique_name()
    args = ["--name", name, "--tls", "self-signed"]
    with ServerProcess(tmp_path / "data", args, discovery=True) as server:
        server.wait_for_line(ADVERTISING)
        fingerprint = next(
            m.group(1) for line in server.log_lines if (m := FINGERPRINT_LINE.search(line))
        )
        full_name = f"{name}.{SERVICE_TYPE}"

        async def check(browser: Browser) -> None:
            await browser.wait_added(full_name)
            records = await browser.txt_records(full_name)
            assert records["fp"] == fingerprint
            assert records["api"] == f"{server.url}/api/v1"
            assert records["api"].startswith("https://127.0.0.1:")

        browse(check)


def test_no_discovery_advertises_nothing(tmp_path: Path) -> None:
    with ServerProcess(tmp_path / "data") as server:
        server.stop()
        server.wait_for_line(re.compile("Application shutdown complete"))
        assert not any(ADVERTISING.search(line) for line in server.log_lines)
