"""The HTTP listener: uvicorn serving the API over HTTP or HTTPS, advertised while it listens."""

import asyncio
import logging
import socket
from dataclasses import dataclass

import uvicorn
import zeroconf
from fastapi import FastAPI

from vaxla_server.discovery import Advertisement, ServiceAdvertiser
from vaxla_server.network import BindAddress
from vaxla_server.tls import ServerCertificate

log = logging.getLogger(__name__)

SHUTDOWN_ASK_AGAIN_S = 0.1


@dataclass(frozen=True)
class Listener:
    """Where and how the API is served."""

    bind: BindAddress
    port: int
    certificate: ServerCertificate | None
    # None: the server does not advertise itself.
    service_name: str | None


class _AdvertisingServer(uvicorn.Server):
    """A uvicorn server that advertises itself once listening and withdraws first at shutdown.

    Withdrawing inside the shutdown matters: uvicorn re-raises the stopping signal as
    soon as it has shut down, which ends the process.
    """

    def __init__(self, config: uvicorn.Config, listener: Listener) -> None:
        super().__init__(config)
        self._listener = listener
        self._advertiser: ServiceAdvertiser | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        name = self._listener.service_name
        if not self.started or name is None:
            return
        certificate = self._listener.certificate
        listening = self.servers[0].sockets[0]
        advertisement = Advertisement(
            instance_name=name,
            bind=self._listener.bind,
            port=listening.getsockname()[1],
            tls_fingerprint=certificate.fingerprint if certificate else None,
        )
        try:
            self._advertiser = await ServiceAdvertiser.register(advertisement)
        except (OSError, zeroconf.Error) as error:
            # Clients can still be given the address by hand; serving matters more.
            log.warning("serving without a zeroconf advertisement: %s", error)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self._advertiser is not None:
            advertiser, self._advertiser = self._advertiser, None
            try:
                await advertiser.withdraw()
            except (OSError, zeroconf.Error) as error:
                log.warning("could not withdraw the zeroconf advertisement: %s", error)
        closing = asyncio.create_task(self._close_late_connections())
        try:
            await super().shutdown(sockets=sockets)
        finally:
            closing.cancel()

    async def _close_late_connections(self) -> None:
        """Ask the open connections to close, again every moment until shut down.

        uvicorn asks each connection once, as it stops listening; a keep-alive
        connection busy at that instant and kept busy by its client (a desktop checking
        the server as its event socket closes) was seen being served on and on, and the
        shutdown never ended. Asking again closes it as soon as it is idle.
        """
        while True:
            await asyncio.sleep(SHUTDOWN_ASK_AGAIN_S)
            for connection in list(self.server_state.connections):
                transport = getattr(connection, "transport", None)
                if transport is not None and not transport.is_closing():
                    connection.shutdown()


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
    _AdvertisingServer(config, listener).run()
