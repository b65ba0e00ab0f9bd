"""The voice side of a running server: the media worker pool, the call router and the
call flow, composed over the contact centre.

``Telephony.start()`` starts the workers (one SIP port each; the first takes the
configured port), makes the call flow the centre's delivery, and keeps the flow's view of
the configuration current: every committed configuration change replaces it, so a call
in progress finishes on the version it started with only where that version still holds
(a menu or queue deleted meanwhile ends the call with a clear log line).
"""

import ipaddress
import logging
from dataclasses import dataclass

from vaxla_server.acd.centre import ContactCentre
from vaxla_server.callflow.flow import CallFlow, FlowPlan
from vaxla_server.callflow.legs import CallRouter
from vaxla_server.clock import Clock, SystemClock
from vaxla_server.config import Configuration
from vaxla_server.config.changes import ConfigChange
from vaxla_server.media.pool import MediaPool, Network

log = logging.getLogger(__name__)

LOOPBACK: tuple[Network, ...] = (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)


@dataclass(frozen=True)
class TelephonySettings:
    """Where callers reach the server and from where they may."""

    sip_ports: tuple[int, ...]
    """One media worker per port; callers (or the SIP front) dial the first."""
    bind: str = "127.0.0.1"
    trunks: tuple[Network, ...] = LOOPBACK
    """Networks calls are accepted from (the SIP trunk); others are answered 403."""
    outside_gateway: str | None = None
    """SIP URI (``sip:host[:port]``) outside numbers are called through; ``None``: none."""


class Telephony:
    def __init__(
        self,
        settings: TelephonySettings,
        *,
        centre: ContactCentre,
        configuration: Configuration,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self._configuration = configuration
        self._plan = FlowPlan.of(configuration.export_document())
        self.flow = CallFlow(
            centre=centre,
            plan=lambda: self._plan,
            clock=clock or SystemClock(),
            outside_gateway=settings.outside_gateway,
        )
        self.pool = MediaPool(
            self._route,
            size=len(settings.sip_ports),
            allowed=settings.trunks,
            bind=settings.bind,
            sip_ports=settings.sip_ports,
        )
        self.router = CallRouter(self.pool, self.flow, clock or SystemClock())
        self._centre = centre
        configuration.subscribe(self._configuration_changed)

    def _route(self, message: object) -> None:
        self.router(message)  # type: ignore[arg-type]

    def _configuration_changed(self, change: ConfigChange) -> None:
        try:
            self._plan = FlowPlan.of(self._configuration.export_document())
        except Exception:
            log.exception("the call flow keeps the previous configuration after %s", change)
            return
        self.flow.notify_changed()

    async def start(self) -> None:
        self._centre.delivery = self.flow
        await self.pool.start()
        for worker in self.pool.workers:
            log.info("media worker %s (pid %d) takes calls at sip:%s", worker.worker_id,
                     worker.pid, worker.sip_address)  # fmt: skip
        trunks = ", ".join(str(network) for network in self.settings.trunks)
        log.info("calls are accepted from %s only", trunks)
        if self.settings.outside_gateway is not None:
            log.info("outside numbers are called through %s", self.settings.outside_gateway)

    async def stop(self) -> None:
        await self.pool.stop()
        await self.router.drain()
