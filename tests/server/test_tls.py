import datetime as dt
import hashlib
import re
import socket
import ssl
import stat
import subprocess
from collections.abc import Iterator
from ipaddress import IPv4Address
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.sync.client import connect

from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD
from tests.server_process import BIN_DIR, ServerProcess
from vaxla_protocol import PROTOCOL_VERSION, Role
from vaxla_protocol.events import SERVER_EVENT, Hello, Welcome
from vaxla_server.auth import Auth
from vaxla_server.network import BindAddress
from vaxla_server.store import open_store
from vaxla_server.tls import (
    CertificateExpired,
    CertificateNotYetValid,
    EncryptedKey,
    KeyMismatch,
    NotPem,
    UnreadableFile,
    fingerprint,
    load_certificate,
    self_signed_certificate,
)

SERVER = str(BIN_DIR / "vaxla-server")
FINGERPRINT_LINE = re.compile(r"TLS fingerprint for pinning: (\S+)")
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


def write_certificate(
    directory: Path,
    *,
    not_before: dt.datetime = NOW - dt.timedelta(days=1),
    not_after: dt.datetime = NOW + dt.timedelta(days=30),
    key: ec.EllipticCurvePrivateKey | None = None,
) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and its key, as PEM files."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_file = directory / "cert.pem"
    key_file = directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def sha256_colon_hex(der: bytes) -> str:
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def logged_fingerprint(server: ServerProcess) -> str:
    matches = [m for line in server.log_lines if (m := FINGERPRINT_LINE.search(line))]
    assert len(matches) == 1, "".join(server.log_lines)
    return matches[0].group(1)


def served_certificate_der(url: str) -> bytes:
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((parts.hostname, parts.port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=parts.hostname) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return der


def run_serve(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SERVER, "serve", "--data-dir", str(data_dir), "--http-port", "0", "--no-discovery", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def self_signed_server(tmp_path: Path) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path / "data", ["--tls", "self-signed"]) as server:
        yield server


# The fingerprint


def test_fingerprint_is_the_colon_separated_sha256_of_the_der(tmp_path: Path) -> None:
    cert_file, _key_file = write_certificate(tmp_path)
    certificate = x509.load_pem_x509_certificate(cert_file.read_bytes())
    expected = sha256_colon_hex(certificate.public_bytes(serialization.Encoding.DER))
    assert fingerprint(certificate) == expected
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", expected)


# Checking a given certificate


def test_a_matching_valid_pair_loads(tmp_path: Path) -> None:
    cert_file, key_file = write_certificate(tmp_path)
    loaded = load_certificate(cert_file, key_file, now=NOW)
    assert loaded.cert_file == cert_file
    assert loaded.fingerprint == fingerprint(loaded.certificate)


def test_the_first_certificate_of_a_chain_is_the_servers(tmp_path: Path) -> None:
    cert_file, key_file = write_certificate(tmp_path / "server")
    other_cert, _other_key = write_certificate(tmp_path / "issuer")
    chain = tmp_path / "chain.pem"
    chain.write_bytes(cert_file.read_bytes() + other_cert.read_bytes())
    loaded = load_certificate(chain, key_file, now=NOW)
    assert loaded.certificate == x509.load_pem_x509_certificate(cert_file.read_bytes())


def test_a_missing_certificate_file_is_refused(tmp_path: Path) -> None:
    _cert_file, key_file = write_certificate(tmp_path)
    with pytest.raises(UnreadableFile, match="no such file"):
        load_certificate(tmp_path / "absent.pem", key_file, now=NOW)


def test_a_file_that_is_no_certificate_is_refused(tmp_path: Path) -> None:
    _cert_file, key_file = write_certificate(tmp_path)
    with pytest.raises(NotPem, match="is not a PEM certificate"):
        load_certificate(key_file, key_file, now=NOW)


def test_a_file_that_is_no_key_is_refused(tmp_path: Path) -> None:
    cert_file, _key_file = write_certificate(tmp_path)
    with pytest.raises(NotPem, match="is not a PEM key"):
        load_certificate(cert_file, cert_file, now=NOW)


def test_an_encrypted_key_is_refused(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert_file, key_file = write_certificate(tmp_path, key=key)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    with pytest.raises(EncryptedKey, match="passphrase"):
        load_certificate(cert_file, key_file, now=NOW)


def test_a_key_of_another_certificate_is_refused(tmp_path: Path) -> None:
    cert_file, _key_file = write_certificate(tmp_path / "one")
    _other_cert, other_key = write_certificate(tmp_path / "two")
    with pytest.raises(KeyMismatch, match="does not belong to the certificate"):
        load_certificate(cert_file, other_key, now=NOW)


def test_an_expired_certificate_is_refused(tmp_path: Path) -> None:
    cert_file, key_file = write_certificate(tmp_path, not_after=NOW - dt.timedelta(seconds=1))
    with pytest.raises(CertificateExpired, match="expired on"):
        load_certificate(cert_file, key_file, now=NOW)


def test_a_certificate_not_yet_valid_is_refused(tmp_path: Path) -> None:
    cert_file, key_file = write_certificate(tmp_path, not_before=NOW + dt.timedelta(hours=1))
    with pytest.raises(CertificateNotYetValid, match="not valid before"):
        load_certificate(cert_file, key_file, now=NOW)


# The self-signed certificate


def test_self_signed_names_the_loopback_address_and_localhost(tmp_path: Path) -> None:
    made = self_signed_certificate(tmp_path, BindAddress.parse("127.0.0.1"), now=NOW)
    names = made.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.IPAddress) == [IPv4Address("127.0.0.1")]
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert made.certificate.not_valid_before_utc <= NOW < made.not_after


def test_self_signed_names_a_specific_address(tmp_path: Path) -> None:
    made = self_signed_certificate(tmp_path, BindAddress.parse("192.0.2.7"), now=NOW)
    names = made.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.IPAddress) == [IPv4Address("192.0.2.7")]


def test_self_signed_key_is_readable_by_the_owner_only(tmp_path: Path) -> None:
    made = self_signed_certificate(tmp_path, BindAddress.parse("127.0.0.1"), now=NOW)
    assert stat.S_IMODE(made.key_file.stat().st_mode) == 0o600


def test_self_signed_is_made_once_then_reused(tmp_path: Path) -> None:
    bind = BindAddress.parse("127.0.0.1")
    first = self_signed_certificate(tmp_path, bind, now=NOW)
    again = self_signed_certificate(tmp_path, bind, now=NOW + dt.timedelta(days=100))
    assert again.fingerprint == first.fingerprint


def test_self_signed_is_remade_once_expired(tmp_path: Path) -> None:
    bind = BindAddress.parse("127.0.0.1")
    first = self_signed_certificate(tmp_path, bind, now=NOW)
    later = first.not_after + dt.timedelta(days=1)
    renewed = self_signed_certificate(tmp_path, bind, now=later)
    assert renewed.fingerprint != first.fingerprint
    assert renewed.certificate.not_valid_before_utc <= later < renewed.not_after


def test_a_broken_self_signed_pair_is_reported_not_replaced(tmp_path: Path) -> None:
    bind = BindAddress.parse("127.0.0.1")
    first = self_signed_certificate(tmp_path, bind, now=NOW)
    first.key_file.unlink()
    with pytest.raises(UnreadableFile, match="no such file"):
        self_signed_certificate(tmp_path, bind, now=NOW)
    assert first.cert_file.exists()


# The server over HTTPS


def test_self_signed_server_answers_health_over_verified_https(
    self_signed_server: ServerProcess, tmp_path: Path
) -> None:
    assert self_signed_server.url.startswith("https://127.0.0.1:")
    cert_file = tmp_path / "data" / "tls" / "self-signed-cert.pem"
    verify = ssl.create_default_context(cafile=cert_file)
    health = httpx.get(f"{self_signed_server.url}/api/v1/health", verify=verify).json()
    assert health["status"] == "ok"
    assert health["protocol_version"] == PROTOCOL_VERSION


def test_self_signed_server_is_refused_by_a_client_that_does_not_trust_it(
    self_signed_server: ServerProcess,
) -> None:
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{self_signed_server.url}/api/v1/health")


def test_logged_fingerprint_is_the_served_certificates(
    self_signed_server: ServerProcess, tmp_path: Path
) -> None:
    served = served_certificate_der(self_signed_server.url)
    stored = x509.load_pem_x509_certificate(
        (tmp_path / "data" / "tls" / "self-signed-cert.pem").read_bytes()
    )
    assert served == stored.public_bytes(serialization.Encoding.DER)
    assert logged_fingerprint(self_signed_server) == sha256_colon_hex(served)


def test_a_restarted_server_keeps_its_self_signed_fingerprint(tmp_path: Path) -> None:
    with ServerProcess(tmp_path / "data", ["--tls", "self-signed"]) as first:
        first_fingerprint = logged_fingerprint(first)
        first.stop()
    with ServerProcess(tmp_path / "data", ["--tls", "self-signed"]) as second:
        assert logged_fingerprint(second) == first_fingerprint


def test_a_given_certificate_is_served(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    cert_file, key_file = write_certificate(
        tmp_path / "given", not_before=now - dt.timedelta(hours=1), not_after=now + dt.timedelta(1)
    )
    args = ["--tls-cert", str(cert_file), "--tls-key", str(key_file)]
    with ServerProcess(tmp_path / "data", args) as server:
        served = served_certificate_der(server.url)
        assert served == x509.load_pem_x509_certificate(cert_file.read_bytes()).public_bytes(
            serialization.Encoding.DER
        )
        assert logged_fingerprint(server) == sha256_colon_hex(served)


def test_plain_http_stays_the_default(vaxla_server: ServerProcess) -> None:
    assert vaxla_server.url.startswith("http://127.0.0.1:")
    assert not any(FINGERPRINT_LINE.search(line) for line in vaxla_server.log_lines)


# Bad input stops the server before it listens


def assert_refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode != 0
    assert message in result.stderr
    assert "Uvicorn running" not in result.stderr


def test_serve_refuses_a_missing_certificate(tmp_path: Path) -> None:
    _cert_file, key_file = write_certificate(tmp_path / "given")
    missing = tmp_path / "missing.pem"
    result = run_serve(tmp_path / "data", "--tls-cert", str(missing), "--tls-key", str(key_file))
    assert_refused(result, f"cannot read the TLS certificate {missing}: no such file")


def test_serve_refuses_a_key_that_does_not_match(tmp_path: Path) -> None:
    cert_file, _key_file = write_certificate(tmp_path / "one")
    _other_cert, other_key = write_certificate(tmp_path / "two")
    result = run_serve(tmp_path / "data", "--tls-cert", str(cert_file), "--tls-key", str(other_key))
    assert_refused(result, "does not belong to the certificate")


def test_serve_refuses_an_expired_certificate(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    cert_file, key_file = write_certificate(
        tmp_path / "given",
        not_before=now - dt.timedelta(days=10),
        not_after=now - dt.timedelta(days=1),
    )
    result = run_serve(tmp_path / "data", "--tls-cert", str(cert_file), "--tls-key", str(key_file))
    assert_refused(result, f"the TLS certificate {cert_file} expired on")


def test_serve_refuses_a_certificate_without_its_key(tmp_path: Path) -> None:
    cert_file, _key_file = write_certificate(tmp_path / "given")
    result = run_serve(tmp_path / "data", "--tls-cert", str(cert_file))
    assert_refused(result, "--tls-cert and --tls-key go together")


def test_serve_refuses_self_signed_together_with_a_given_certificate(tmp_path: Path) -> None:
    cert_file, key_file = write_certificate(tmp_path / "given")
    result = run_serve(
        tmp_path / "data",
        "--tls",
        "self-signed",
        "--tls-cert",
        str(cert_file),
        "--tls-key",
        str(key_file),
    )
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr


def test_the_event_socket_is_served_over_wss_with_the_self_signed_certificate(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    with open_store(data_dir=data_dir) as store:
        Auth.open(store, CHEAP_SETTINGS).users.create("sofia", PASSWORD, Role.SUPERVISOR, now=NOW)
    with ServerProcess(data_dir, ["--tls", "self-signed"]) as server:
        verify = ssl.create_default_context(cafile=data_dir / "tls" / "self-signed-cert.pem")
        login = httpx.post(
            f"{server.url}/api/v1/auth/login",
            json={"username": "sofia", "password": PASSWORD},
            verify=verify,
        )
        assert login.status_code == 200, login.text
        hello = Hello(token=login.json()["token"], protocol_version=PROTOCOL_VERSION)
        url = server.url.replace("https://", "wss://", 1) + "/api/v1/events"
        with connect(url, ssl=verify, open_timeout=10) as socket_:
            socket_.send(hello.model_dump_json())
            welcome = SERVER_EVENT.validate_json(socket_.recv(timeout=10))
        assert welcome == Welcome(
            protocol_version=PROTOCOL_VERSION, username="sofia", role=Role.SUPERVISOR
        )
        with pytest.raises(ssl.SSLCertVerificationError), connect(url, open_timeout=10):
            pass
