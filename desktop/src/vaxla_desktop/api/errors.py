"""What can go wrong talking to a server, as typed errors worded for the agent.

Every error the client raises is a :class:`ServerError`; the login window and the
banner show ``str(error)`` as it is, so each message says what happened and what to do.
"""

from vaxla_protocol import ProtocolMismatch


class ServerError(Exception):
    """The server could not be reached or gave an answer this client cannot use."""


class ServerUnreachable(ServerError):
    def __init__(self, url: str, detail: str) -> None:
        self.url = url
        super().__init__(f"cannot reach the server at {url}: {detail}")


class BadAnswer(ServerError):
    def __init__(self, url: str, detail: str) -> None:
        self.url = url
        super().__init__(f"{url}: the server gave an answer this app cannot use: {detail}")


class WrongCredentials(ServerError):
    def __init__(self) -> None:
        super().__init__("wrong user name or password")


class TooManyAttempts(ServerError):
    def __init__(self, retry_after_s: int | None) -> None:
        self.retry_after_s = retry_after_s
        wait = f"in {retry_after_s} seconds" if retry_after_s else "in a while"
        super().__init__(f"too many failed logins from this computer; try again {wait}")


class SessionEnded(ServerError):
    def __init__(self) -> None:
        super().__init__("your session on the server has ended; log in again")


class IncompatibleServer(ServerError, ProtocolMismatch):
    """The server speaks another protocol version; also a ``ProtocolMismatch``."""

    def __init__(self, *, local: int, remote: int) -> None:
        ProtocolMismatch.__init__(self, local=local, remote=remote)
        upgrade = "the server" if remote < local else "this app"
        Exception.__init__(
            self,
            f"the server speaks protocol {remote}, this app speaks {local}: "
            f"upgrade {upgrade} so that both speak the same version",
        )


class ActionRefused(ServerError):
    """The server understood the request and said no (409, 422, 404): the agent's action
    does not fit the state it is in, or names something the configuration does not know.
    ``detail`` is the server's own sentence; ``problems`` are the places and sentences
    of a body the server could not take (a 422's list: ``("service_goal.percent",
    "Input should be less than or equal to 100")``), empty when it gave one sentence."""

    def __init__(
        self, status: int, detail: str, problems: tuple[tuple[str, str], ...] = ()
    ) -> None:
        self.status = status
        self.detail = detail
        self.problems = problems
        super().__init__(f"the server refused ({status}): {detail}")


class CertificateError(ServerError):
    """The server's TLS certificate is not the one this app may trust."""


class UnknownCertificate(CertificateError):
    """First use: nobody has said yet whether this certificate belongs to the server."""

    def __init__(self, server: str, fingerprint: str) -> None:
        self.server = server
        self.fingerprint = fingerprint
        super().__init__(
            f"{server} presents a certificate this app has not seen before; compare its "
            f"SHA-256 fingerprint with the one the server logs:\n{fingerprint}"
        )


class CertificateChanged(CertificateError):
    """The certificate differs from the pinned or the expected one: refuse to talk."""

    def __init__(self, server: str, *, expected: str, presented: str, source: str) -> None:
        self.server = server
        self.expected = expected
        self.presented = presented
        self.source = source
        super().__init__(
            f"WARNING: {server} presents a different certificate than {source}. Someone may "
            f"be listening in; this app will not send your password there.\n"
            f"expected: {expected}\npresented: {presented}\n"
            "If your administrator has replaced the certificate, compare the new "
            "fingerprint with the server's log and start the app with --fingerprint."
        )


class CertificateRefused(CertificateError):
    """A TLS handshake failed because the server's certificate is not the pinned one."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            f"WARNING: {url} now presents a certificate other than the pinned one; this app "
            "stopped talking to it. If your administrator has replaced the certificate, "
            "start the app with --fingerprint and the new fingerprint from the server's log."
        )
