"""The words the windows use for each typed error, in the user's language.

Errors carry English text for logs and the command line; the windows show these
translated sentences instead, chosen by the error's type and filled from its fields.
"""

from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QCoreApplication

from vaxla_desktop.api import (
    ActionRefused,
    BadAnswer,
    CertificateChanged,
    CertificateRefused,
    IncompatibleServer,
    ServerError,
    ServerUnreachable,
    SessionEnded,
    TooManyAttempts,
    UnknownCertificate,
    WrongCredentials,
)
from vaxla_desktop.api.tls import InvalidFingerprint
from vaxla_desktop.ui.notices import Notices


def describe(error: ServerError | InvalidFingerprint | ValueError) -> str:
    """One or two sentences for the login window or the banner."""
    match error:
        case WrongCredentials():
            return QCoreApplication.translate("Messages", "Wrong user name or password.")
        case TooManyAttempts(retry_after_s=seconds) if seconds:
            return QCoreApplication.translate(
                "Messages", "Too many failed logins from this computer. Try again in {0} s."
            ).format(seconds)
        case TooManyAttempts():
            return QCoreApplication.translate(
                "Messages", "Too many failed logins from this computer. Try again in a while."
            )
        case IncompatibleServer(remote=remote, local=local) if remote > local:
            return QCoreApplication.translate(
                "Messages", "The server speaks protocol {0}, this app speaks {1}: upgrade this app."
            ).format(remote, local)
        case IncompatibleServer(remote=remote, local=local):
            return QCoreApplication.translate(
                "Messages",
                "The server speaks protocol {0}, this app speaks {1}: the server needs upgrading.",
            ).format(remote, local)
        case SessionEnded():
            return QCoreApplication.translate(
                "Messages", "Your session on the server has ended. Log in again."
            )
        case ActionRefused(detail=detail):
            # The server's own sentence says what does not fit (it is in English).
            return QCoreApplication.translate("Messages", "The server said no: {0}").format(detail)
        case ServerUnreachable(url=url):
            return QCoreApplication.translate("Messages", "Cannot reach the server at {0}.").format(
                url
            )
        case BadAnswer(url=url):
            return QCoreApplication.translate(
                "Messages", "The server at {0} gave an answer this app cannot use."
            ).format(url)
        case CertificateChanged(server=server, expected=expected, presented=presented):
            return QCoreApplication.translate(
                "Messages",
                "Warning: {0} presents a different certificate than before. Someone may be "
                "listening in, so this app will not send your password.\n"
                "Expected: {1}\nPresented: {2}\n"
                "If your administrator replaced the certificate, start the app with "
                "--fingerprint and the new fingerprint from the server's log.",
            ).format(server, expected, presented)
        case CertificateRefused(url=url):
            return QCoreApplication.translate(
                "Messages",
                "Warning: {0} now presents a certificate other than the one you trusted, so "
                "this app stopped talking to it. If your administrator replaced the "
                "certificate, start the app with --fingerprint and the new fingerprint from "
                "the server's log.",
            ).format(url)
        case UnknownCertificate(server=server):
            return QCoreApplication.translate("Messages", "First connection to {0}.").format(server)
        case InvalidFingerprint():
            return QCoreApplication.translate(
                "Messages", "That is not a SHA-256 fingerprint (32 hexadecimal byte pairs)."
            )
        case ValueError():
            return QCoreApplication.translate(
                "Messages", "Type a server address starting with http:// or https://."
            )
    return QCoreApplication.translate("Messages", "Something went wrong talking to the server.")


async def answered_on(notices: Notices, work: Coroutine[Any, Any, object]) -> bool:
    """Await a request: a refusal shows the server's reason on ``notices`` (False); a
    success clears the last one (True)."""
    try:
        await work
    except ServerError as error:
        notices.show_error(describe(error))
        return False
    notices.show_error("")
    return True
