"""The words the windows use for each typed error, in the user's language.

Errors carry English text for logs and the command line; the windows show these
translated sentences instead, chosen by the error's type and filled from its fields.
"""

from PySide6.QtCore import QCoreApplication

from vaxla_desktop.api import (
    BadAnswer,
    CertificateChanged,
    IncompatibleServer,
    ServerError,
    ServerUnreachable,
    SessionEnded,
    TooManyAttempts,
    UnknownCertificate,
    WrongCredentials,
)
from vaxla_desktop.api.tls import InvalidFingerprint


def _tr(text: str) -> str:
    return QCoreApplication.translate("Messages", text)


def describe(error: ServerError | InvalidFingerprint | ValueError) -> str:
    """One or two sentences for the login window or the banner."""
    match error:
        case WrongCredentials():
            return _tr("Wrong user name or password.")
        case TooManyAttempts(retry_after_s=seconds) if seconds:
            return _tr("Too many failed logins from this computer. Try again in {0} s.").format(
                seconds
            )
        case TooManyAttempts():
            return _tr("Too many failed logins from this computer. Try again in a while.")
        case IncompatibleServer(remote=remote, local=local) if remote > local:
            return _tr(
                "The server speaks protocol {0}, this app speaks {1}: upgrade this app."
            ).format(remote, local)
        case IncompatibleServer(remote=remote, local=local):
            return _tr(
                "The server speaks protocol {0}, this app speaks {1}: the server needs upgrading."
            ).format(remote, local)
        case SessionEnded():
            return _tr("Your session on the server has ended. Log in again.")
        case ServerUnreachable(url=url):
            return _tr("Cannot reach the server at {0}.").format(url)
        case BadAnswer(url=url):
            return _tr("The server at {0} gave an answer this app cannot use.").format(url)
        case CertificateChanged(server=server, expected=expected, presented=presented):
            return _tr(
                "Warning: {0} presents a different certificate than before. Someone may be "
                "listening in, so this app will not send your password.\n"
                "Expected: {1}\nPresented: {2}\n"
                "If your administrator replaced the certificate, start the app with "
                "--fingerprint and the new fingerprint from the server's log."
            ).format(server, expected, presented)
        case UnknownCertificate(server=server):
            return _tr("First connection to {0}.").format(server)
        case InvalidFingerprint():
            return _tr("That is not a SHA-256 fingerprint (32 hexadecimal byte pairs).")
        case ValueError():
            return _tr("Type a server address starting with http:// or https://.")
    return _tr("Something went wrong talking to the server.")
