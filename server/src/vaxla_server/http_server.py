"""The HTTP listener: uvicorn serving the API over HTTP or HTTPS."""

from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

from vaxla_server.network import BindAddress
from vaxla_server.tls import ServerCertificate


@dataclass(frozen=True)
class Listener:
    """Where and how the API is served."""

    bind: BindAddress
    port: int
    certificate: ServerCertificate | None


def serve(app: FastAPI, listener: Listener, *, log_level: str) -> None:
    """Serve ``app`` until SIGTERM or SIGINT."""
    certificate = listener.certificate
    config = uvicorn.Config(
        app,
        host=listener.bind.text,
        port=listener.port,
        ssl_certfile=certificate.cert_file if certificate else None,
        ssl_keyfile=certificate.key_file if certificate else None,
        # None leaves logging to the command line, so uvicorn's lines share its format.
        log_config=None,
        log_level=log_level,
    )
    uvicorn.Server(config).run()
