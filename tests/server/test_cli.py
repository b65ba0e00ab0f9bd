import os
import re
import signal
import subprocess
from pathlib import Path

import httpx

from tests.server_process import BIN_DIR, ServerProcess
from vaxla_protocol import PROTOCOL_VERSION

SERVER = str(BIN_DIR / "vaxla-server")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SERVER, *args], capture_output=True, text=True, timeout=60, check=False)


def test_help_names_the_serve_command() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "serve" in result.stdout


def test_serve_help_lists_its_options() -> None:
    result = run_cli("serve", "--help")
    assert result.returncode == 0
    for option in ("--data-dir", "--http-port", "--bind"):
        assert option in result.stdout
    assert "127.0.0.1" in result.stdout


def test_serve_rejects_a_bad_port() -> None:
    result = run_cli("serve", "--data-dir", "unused", "--http-port", "70000")
    assert result.returncode == 2
    assert "port out of range" in result.stderr


def test_serve_rejects_an_outside_gateway_that_is_not_a_sip_uri_of_a_host() -> None:
    for bad in ("gw.example.net", "sip:0701234567@gw.example.net", "sip:", "http://gw"):
        result = run_cli("serve", "--data-dir", "unused", "--http-port", "0",
                         "--outside-gateway", bad)  # fmt: skip
        assert result.returncode == 2, bad
        assert "not a SIP URI of a gateway" in result.stderr, result.stderr


def test_serve_rejects_bad_media_plane_settings() -> None:
    for option, bad, problem in [
        ("--media-workers", "5:2", "1 <= MIN <= MAX"),
        ("--media-workers", "two", "not MIN:MAX"),
        ("--rtp-timeout", "-1", "seconds from 0"),
    ]:
        result = run_cli("serve", "--data-dir", "unused", "--http-port", "0", option, bad)
        assert result.returncode == 2, (option, bad)
        assert problem in result.stderr, result.stderr


def test_serve_refuses_sip_over_tls_and_srtp_it_cannot_give(tmp_path: Path) -> None:
    """Each refused with what is missing, exit 1, and nothing made (no data directory)."""
    data = tmp_path / "data"
    base = ["serve", "--data-dir", str(data), "--http-port", "0", "--no-discovery"]
    for options, problem in [
        (["--sip-port", "5998", "--srtp", "optional"], "--srtp optional needs --sip-tls-port"),
        (["--tls", "self-signed", "--sip-tls-port", "5997"], "needs --sip-port"),
        (["--sip-port", "5998", "--sip-tls-port", "5997"], "needs the server's certificate"),
        (["--tls", "self-signed", "--sip-port", "5998", "--sip-tls-port", "5998"],
         "is --sip-port's"),
        (["--tls", "self-signed", "--sip-port", "5998", "--sip-tls-port", "0"], "not 0"),
    ]:  # fmt: skip
        result = run_cli(*base, *options)
        assert result.returncode == 1, (options, result.stderr)
        assert problem in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert not data.exists()
    result = run_cli(*base, "--srtp", "always")
    assert result.returncode == 2
    assert "invalid choice: 'always'" in result.stderr
    assert "--sip-tls-port" in run_cli("serve", "--help").stdout


def test_serve_with_a_sip_port_says_when_kamailio_is_missing(tmp_path: Path) -> None:
    """Without Kamailio on the PATH: a clear message naming the fix, exit 1, no traceback."""
    result = subprocess.run(
        [SERVER, "serve", "--data-dir", str(tmp_path), "--http-port", "0", "--no-discovery",
         "--sip-port", "5999"],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "PATH": f"{BIN_DIR}{os.pathsep}{tmp_path}"},
    )  # fmt: skip
    assert result.returncode == 1
    assert "Kamailio" in result.stderr and "make setup" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_answers_health_and_stops_cleanly(vaxla_server: ServerProcess) -> None:
    health = httpx.get(f"{vaxla_server.url}/api/v1/health").json()
    assert health["status"] == "ok"
    assert health["protocol_version"] == PROTOCOL_VERSION
    # uvicorn shuts down gracefully, then re-raises SIGTERM so that the exit status
    # tells a service manager the process ended on its request.
    assert vaxla_server.stop() == -signal.SIGTERM
    vaxla_server.wait_for_line(re.compile("Application shutdown complete"))
