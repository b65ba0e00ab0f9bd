"""The server's TLS certificate: a given one checked before use, or a generated self-signed one.

Clients of a self-signed server pin its certificate by the SHA-256 fingerprint that
:func:`fingerprint` computes and the server logs at start.
"""

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from vaxla_server.network import BindAddress

log = logging.getLogger(__name__)

SELF_SIGNED_DIR = "tls"
SELF_SIGNED_CERT = "self-signed-cert.pem"
SELF_SIGNED_KEY = "self-signed-key.pem"
# Apple's platforms refuse server certificates valid for longer than 825 days.
SELF_SIGNED_VALIDITY = dt.timedelta(days=825)
# Room for a client whose clock is a little behind ours.
CLOCK_SKEW = dt.timedelta(minutes=5)


class TlsError(Exception):
    """A certificate or key the server cannot serve with."""


class UnreadableFile(TlsError):
    def __init__(self, what: str, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"cannot read the TLS {what} {path}: {reason}")


class NotPem(TlsError):
    def __init__(self, what: str, path: Path, detail: str) -> None:
        self.path = path
        super().__init__(f"the TLS {what} {path} is not a PEM {what}: {detail}")


class EncryptedKey(TlsError):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"the TLS key {path} is protected by a passphrase; give an unencrypted key file"
        )


class KeyMismatch(TlsError):
    def __init__(self, cert_path: Path, key_path: Path) -> None:
        self.cert_path = cert_path
        self.key_path = key_path
        super().__init__(
            f"the TLS key {key_path} does not belong to the certificate {cert_path} "
            "(their public keys differ)"
        )


class CertificateExpired(TlsError):
    def __init__(self, path: Path, not_after: dt.datetime) -> None:
        self.path = path
        self.not_after = not_after
        super().__init__(f"the TLS certificate {path} expired on {not_after:%Y-%m-%d %H:%M} UTC")


class CertificateNotYetValid(TlsError):
    def __init__(self, path: Path, not_before: dt.datetime) -> None:
        self.path = path
        self.not_before = not_before
        super().__init__(
            f"the TLS certificate {path} is not valid before {not_before:%Y-%m-%d %H:%M} UTC"
        )


def fingerprint(certificate: x509.Certificate) -> str:
    """The certificate's SHA-256 fingerprint as browsers show it: ``AB:CD:...``."""
    return ":".join(f"{byte:02X}" for byte in certificate.fingerprint(hashes.SHA256()))


@dataclass(frozen=True)
class ServerCertificate:
    """A certificate and its key, checked to belong together and to be valid now."""

    cert_file: Path
    key_file: Path
    certificate: x509.Certificate

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    @property
    def not_after(self) -> dt.datetime:
        return self.certificate.not_valid_after_utc


def _read(what: str, path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(what, path, "no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(what, path, "it is a directory") from None
    except OSError as error:
        raise UnreadableFile(what, path, error.strerror or str(error)) from None


def load_certificate(
    cert_file: Path, key_file: Path, *, now: dt.datetime | None = None
) -> ServerCertificate:
    """Read a PEM certificate (chain) and its key; raise :class:`TlsError` if unusable.

    The first certificate of the file is the server's own; the fingerprint is its.
    """
    try:
        chain = x509.load_pem_x509_certificates(_read("certificate", cert_file))
    except ValueError as error:
        raise NotPem("certificate", cert_file, str(error)) from None
    certificate = chain[0]
    try:
        key = serialization.load_pem_private_key(_read("key", key_file), password=None)
    except TypeError:
        # cryptography raises TypeError when a key needs a password none was given for.
        raise EncryptedKey(key_file) from None
    except ValueError as error:
        raise NotPem("key", key_file, str(error)) from None
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if key.public_key().public_bytes(*spki) != certificate.public_key().public_bytes(*spki):
        raise KeyMismatch(cert_file, key_file)
    now = now or dt.datetime.now(dt.UTC)
    if now > certificate.not_valid_after_utc:
        raise CertificateExpired(cert_file, certificate.not_valid_after_utc)
    if now < certificate.not_valid_before_utc:
        raise CertificateNotYetValid(cert_file, certificate.not_valid_before_utc)
    return ServerCertificate(cert_file=cert_file, key_file=key_file, certificate=certificate)


def self_signed_certificate(
    data_dir: Path, bind: BindAddress, *, now: dt.datetime | None = None
) -> ServerCertificate:
    """The data directory's self-signed certificate, made on first use and kept after.

    Keeping it keeps the fingerprint that clients pinned; a new one is made only when
    the kept one has expired.
    """
    tls_dir = data_dir / SELF_SIGNED_DIR
    cert_file = tls_dir / SELF_SIGNED_CERT
    key_file = tls_dir / SELF_SIGNED_KEY
    if cert_file.exists():
        try:
            return load_certificate(cert_file, key_file, now=now)
        except CertificateExpired as expired:
            log.warning("%s; making a new one, so its fingerprint changes", expired)
    _generate(cert_file, key_file, bind, now=now or dt.datetime.now(dt.UTC))
    return load_certificate(cert_file, key_file, now=now)


def _generate(cert_file: Path, key_file: Path, bind: BindAddress, *, now: dt.datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    dns_names = bind.dns_names()
    ip_addresses = bind.ip_addresses()
    common_name = dns_names[0] if dns_names else str(ip_addresses[0])
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Vaxla"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    subject_key_id = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    alt_names: list[x509.GeneralName] = [x509.DNSName(name) for name in dns_names]
    alt_names += [x509.IPAddress(address) for address in ip_addresses]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + SELF_SIGNED_VALIDITY)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(subject_key_id, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(subject_key_id),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # The key is written first and the certificate last, each by rename, so a
    # certificate on disk always has its key beside it.
    _write_file(key_file, key_pem, mode=0o600)
    _write_file(cert_file, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)
    log.info(
        "made a self-signed TLS certificate %s for %s",
        cert_file,
        ", ".join([*dns_names, *map(str, ip_addresses)]),
    )


def _write_file(path: Path, data: bytes, *, mode: int) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    partial.replace(path)
