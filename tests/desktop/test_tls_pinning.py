"""First-use pinning of a self-signed certificate, against real HTTPS servers."""

import asyncio
from pathlib import Path

import pytest

from tests.desktop.conftest import AGENT, PASSWORD
from tests.server_process import ServerProcess
from vaxla_desktop.api import (
    CertificateChanged,
    CertificateRefused,
    ServerClient,
    UnknownCertificate,
)
from vaxla_desktop.api.tls import (
    InvalidFingerprint,
    fetch_certificate,
    normalise_fingerprint,
    origin,
    pinned_context,
    trusted_context,
)

OTHER = ":".join(["AB"] * 32)


class Pins:
    def __init__(self) -> None:
        self.by_origin: dict[str, str] = {}

    def pinned(self, origin: str) -> str | None:
        return self.by_origin.get(origin)

    def pin(self, origin: str, fingerprint: str) -> None:
        self.by_origin[origin] = fingerprint


def logged_fingerprint(server: ServerProcess) -> str:
    line = next(line for line in server.log_lines if "TLS fingerprint for pinning" in line)
    return line.rsplit(" ", 1)[1].strip()


def test_first_use_shows_the_logged_fingerprint_and_accepting_pins_it(
    tls_server_with_agent: ServerProcess,
) -> None:
    server = tls_server_with_agent
    pins = Pins()

    async def first_use() -> None:
        with pytest.raises(UnknownCertificate) as unknown:
            await trusted_context(server.url, pins)
        assert unknown.value.fingerprint == logged_fingerprint(server)
        assert pins.by_origin == {}
        pins.pin(unknown.value.server, unknown.value.fingerprint)
        context = await trusted_context(server.url, pins)
        async with ServerClient(server.url, ssl_context=context) as client:
            assert (await client.login(AGENT, PASSWORD)).username == AGENT

    asyncio.run(first_use())
    assert pins.by_origin == {origin(server.url): logged_fingerprint(server)}


def test_an_advertised_or_given_fingerprint_needs_no_question(
    tls_server_with_agent: ServerProcess,
) -> None:
    server = tls_server_with_agent
    fingerprint = logged_fingerprint(server)
    for source in ("advertised", "given"):
        pins = Pins()
        kwargs = {source: fingerprint.lower().replace(":", "")}
        asyncio.run(trusted_context(server.url, pins, **kwargs))
        assert pins.by_origin == {origin(server.url): fingerprint}


def test_a_changed_certificate_is_refused_with_a_warning(
    tls_server_with_agent: ServerProcess,
) -> None:
    server = tls_server_with_agent
    pins = Pins()
    pins.pin(origin(server.url), OTHER)
    with pytest.raises(CertificateChanged, match="will not send your password") as changed:
        asyncio.run(trusted_context(server.url, pins))
    assert changed.value.expected == OTHER
    assert changed.value.presented == logged_fingerprint(server)
    # A zeroconf record cannot overrule a pin; only IT's explicit fingerprint can.
    with pytest.raises(CertificateChanged):
        asyncio.run(trusted_context(server.url, pins, advertised=logged_fingerprint(server)))
    assert pins.by_origin == {origin(server.url): OTHER}
    asyncio.run(trusted_context(server.url, pins, given=logged_fingerprint(server)))
    assert pins.by_origin == {origin(server.url): logged_fingerprint(server)}


def test_an_advertised_fingerprint_that_differs_is_refused(
    tls_server_with_agent: ServerProcess,
) -> None:
    with pytest.raises(CertificateChanged, match="the server advertises"):
        asyncio.run(trusted_context(tls_server_with_agent.url, Pins(), advertised=OTHER))


def test_the_pin_holds_in_every_handshake(
    tls_server_with_agent: ServerProcess, tmp_path: Path
) -> None:
    """A context pinned to another server's certificate cannot talk to this one."""
    with ServerProcess(tmp_path / "other", ["--tls", "self-signed"]) as other:
        other_certificate = asyncio.run(fetch_certificate(other.url))

    async def attempt() -> None:
        context = pinned_context(other_certificate)
        async with ServerClient(tls_server_with_agent.url, ssl_context=context) as client:
            await client.login(AGENT, PASSWORD)

    with pytest.raises(CertificateRefused, match="other than the pinned one"):
        asyncio.run(attempt())


def test_plain_http_needs_no_context(server_with_agent: ServerProcess) -> None:
    assert asyncio.run(trusted_context(server_with_agent.url, Pins())) is None


@pytest.mark.parametrize(
    "text", ["ab" * 32, " ".join(["Ab"] * 32), ":".join(["ab"] * 32), ("ab" * 32).upper()]
)
def test_fingerprints_are_read_in_the_usual_spellings(text: str) -> None:
    assert normalise_fingerprint(text) == OTHER


@pytest.mark.parametrize("text", ["", "ab" * 31, "ab" * 33, "zz" * 32, "a" * 63])
def test_anything_else_is_not_a_fingerprint(text: str) -> None:
    with pytest.raises(InvalidFingerprint, match="not a SHA-256 fingerprint"):
        normalise_fingerprint(text)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Desk.local/api/v1", "https://desk.local:443"),
        ("http://10.0.0.1:8780", "http://10.0.0.1:8780"),
        ("https://[::1]:8443/", "https://[::1]:8443"),
    ],
)
def test_pins_belong_to_an_origin(url: str, expected: str) -> None:
    assert origin(url) == expected


@pytest.mark.parametrize("url", ["ftp://x", "desk.local:8780", "https://"])
def test_an_address_without_http_or_https_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="is not an http"):
        origin(url)
