"""A real SMTP server for the alarm mails' tests: aiosmtpd on a free loopback port, in a
thread of its own, optionally asking for a user name and password, with STARTTLS or
implicit TLS on a self-signed certificate for 127.0.0.1."""

import email
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from vaxla_server.network import BindAddress
from vaxla_server.tls import self_signed_certificate

USER, SECRET = "larm@example.se", "hemligt"


def free_tcp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Inbox:
    """What the SMTP server took: (envelope sender, envelope recipients, message)."""

    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        with self._arrived:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        """The messages once ``count`` have come (woken by each arrival)."""
        with self._arrived:
            arrived = self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
            assert arrived, f"{len(self.received)} of {count} mails within {timeout:g} s"
            return [message for _, _, message in self.received]


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        SECRET.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled: aiosmtpd answers 535


@dataclass
class SmtpServer:
    host: str
    port: int
    inbox: Inbox
    client_context: ssl.SSLContext
    """Trusts the server's certificate (for the mailer under test)."""


@contextmanager
def smtp_server(
    tmp_path: Path, *, tls: str = "off", port: int | None = None, auth: bool = False
) -> Iterator[SmtpServer]:
    """A running SMTP server; ``tls``: ``off``, ``starttls`` or ``implicit``."""
    made = self_signed_certificate(tmp_path / "smtp-tls", BindAddress.parse("127.0.0.1"))
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(made.cert_file, made.key_file)
    client_context = ssl.create_default_context(cafile=str(made.cert_file))
    inbox = Inbox()
    options: dict[str, Any] = {}
    if auth:
        options.update(authenticator=_authenticator, auth_required=True)
        # aiosmtpd tells only STARTTLS apart as TLS: over implicit TLS it must be told
        # that a log-in needs none (the connection is encrypted from the start).
        options["auth_require_tls"] = tls == "starttls"
    if tls == "starttls":
        options.update(tls_context=server_context, require_starttls=True)
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port or free_tcp_port(),
        ssl_context=server_context if tls == "implicit" else None,
        server_hostname="127.0.0.1",
        **options,
    )
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, inbox, client_context)
    finally:
        controller.stop()
