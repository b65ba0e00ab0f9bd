"""TLS for servers with a self-signed certificate: pinning on first use.

A Vaxla server usually has a self-signed certificate, whose SHA-256 fingerprint it
logs and advertises. The app fetches the certificate once without verifying it
(:func:`fetch_certificate`; nothing is sent over that connection), compares its
fingerprint with the pinned, advertised or given one, and then talks to the server
only through :func:`pinned_context`, which trusts exactly that certificate. The pin is
thus enforced in every TLS handshake, before a password or token leaves the machine.
"""

import asyncio
import contextlib
import hashlib
import re
import ssl
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from vaxla_desktop.api.errors import CertificateChanged, ServerUnreachable, UnknownCertificate

_HEX_PAIRS = re.compile(r"[0-9A-F]{2}(:[0-9A-F]{2}){31}")
FETCH_TIMEOUT_S = 5.0


class InvalidFingerprint(ValueError):
    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            f"{text!r} is not a SHA-256 fingerprint: expected 32 hexadecimal byte pairs "
            "such as AB:CD:…"
        )


def normalise_fingerprint(text: str) -> str:
    """``ab cd …``, ``abcd…`` or ``AB:CD:…`` → ``AB:CD:…``; raise InvalidFingerprint."""
    digits = re.sub(r"[\s:]", "", text).upper()
    canonical = ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))
    if not _HEX_PAIRS.fullmatch(canonical):
        raise InvalidFingerprint(text)
    return canonical


def fingerprint_of(der: bytes) -> str:
    """The SHA-256 fingerprint of a DER certificate, as the server logs it."""
    return ":".join(f"{byte:02X}" for byte in hashlib.sha256(der).digest())


@dataclass(frozen=True, slots=True)
class PeerCertificate:
    der: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.der)


def origin(url: str) -> str:
    """``scheme://host:port`` of a URL: what a pin belongs to."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{url!r} is not an http:// or https:// address")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}:{port}"


async def fetch_certificate(url: str, *, timeout_s: float = FETCH_TIMEOUT_S) -> PeerCertificate:
    """The certificate an https server presents, unverified; the connection sends nothing."""
    parts = urlsplit(url)
    assert parts.hostname is not None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        _reader, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port or 443, ssl=context), timeout_s
        )
    except TimeoutError:
        raise ServerUnreachable(url, "no answer in time") from None
    except (OSError, ssl.SSLError) as error:
        raise ServerUnreachable(url, error.strerror or str(error)) from None
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    finally:
        writer.close()
        # The certificate is what we came for; a rough close changes nothing.
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.wait_closed()
    if not der:
        raise ServerUnreachable(url, "the server presented no certificate")
    return PeerCertificate(der)


def pinned_context(certificate: PeerCertificate) -> ssl.SSLContext:
    """A client context that completes a handshake only with exactly ``certificate``.

    The host name is not checked: the pin is the server's identity, and agents type
    whichever name or address reaches it.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cadata=certificate.der)
    return context


class PinStore(Protocol):
    """Where accepted fingerprints are remembered, one per server origin."""

    def pinned(self, origin: str) -> str | None: ...

    def pin(self, origin: str, fingerprint: str) -> None: ...


async def trusted_context(
    server_url: str,
    pins: PinStore,
    *,
    given: str | None = None,
    advertised: str | None = None,
) -> ssl.SSLContext | None:
    """The TLS context to reach ``server_url`` with, or ``None`` for plain http.

    The certificate the server presents is trusted if its fingerprint is ``given`` (by
    IT, with ``--fingerprint``; this replaces an older pin), else if it is the pinned
    one, else if it is the one ``advertised`` with zeroconf; a trusted certificate is
    pinned. Raises :class:`CertificateChanged` on a difference, and
    :class:`UnknownCertificate` on first use without any fingerprint to compare: the
    caller shows it, and pins it with ``pins.pin`` if the user accepts.
    """
    key = origin(server_url)
    if key.startswith("http://"):
        return None
    certificate = await fetch_certificate(server_url)
    presented = certificate.fingerprint
    pinned = pins.pinned(key)
    if given is not None:
        expected, source = normalise_fingerprint(given), "the fingerprint given to this app"
    elif pinned is not None:
        expected, source = pinned, "the one you accepted before"
    elif advertised is not None:
        expected, source = normalise_fingerprint(advertised), "the server advertises"
    else:
        raise UnknownCertificate(key, presented)
    if presented != expected:
        raise CertificateChanged(key, expected=expected, presented=presented, source=source)
    if pinned != presented:
        pins.pin(key, presented)
    return pinned_context(certificate)
