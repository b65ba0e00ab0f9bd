"""The desktop's client for the server's HTTP API, and the TLS trust it needs."""

from vaxla_desktop.api.client import ServerClient, server_base_url
from vaxla_desktop.api.errors import (
    ActionRefused,
    BadAnswer,
    CertificateChanged,
    CertificateError,
    CertificateRefused,
    IncompatibleServer,
    ServerError,
    ServerUnreachable,
    SessionEnded,
    TooManyAttempts,
    UnknownCertificate,
    WrongCredentials,
)

__all__ = [
    "ActionRefused",
    "BadAnswer",
    "CertificateChanged",
    "CertificateError",
    "CertificateRefused",
    "IncompatibleServer",
    "ServerClient",
    "ServerError",
    "ServerUnreachable",
    "SessionEnded",
    "TooManyAttempts",
    "UnknownCertificate",
    "WrongCredentials",
    "server_base_url",
]
