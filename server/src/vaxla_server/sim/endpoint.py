"""One pjsua2 endpoint per simulator process: UDP on loopback (or a given address),
null audio device, callbacks on the thread that calls ``libHandleEvents``."""

from typing import Any

import pjsua2 as pj

# The pjsua2-python wheel is compiled with PJSUA_MAX_CALLS=4: a process holds 4 legs.
MAX_LEGS = 4


# Offer G.711 only, as a trunk (and SIPp in the tests) does; pjsua2 would pick speex/16000.
_G711 = ("PCMA/8000", "PCMU/8000")


def _g711_only(endpoint: Any) -> None:
    for codec in endpoint.codecEnum2():
        name = str(codec.codecId)
        wanted = any(name.startswith(g711) for g711 in _G711)
        endpoint.codecSetPriority(name, 200 if wanted else 0)


class SimEndpointError(Exception):
    """pjsua2 could not start (no free port, a bad bind address)."""


class SimEndpoint:
    """A started pjsua2 endpoint with one UDP transport and one account ``user``."""

    def __init__(self, account: Any, user: str, bind: str = "127.0.0.1") -> None:
        self.endpoint = pj.Endpoint()
        self.endpoint.libCreate()
        try:
            config = pj.EpConfig()
            config.uaConfig.threadCnt = 0
            config.uaConfig.mainThreadOnly = True
            config.uaConfig.maxCalls = MAX_LEGS
            config.uaConfig.userAgent = "vaxla-sim"
            config.logConfig.level = 1
            config.logConfig.consoleLevel = 1
            config.medConfig.noVad = True
            self.endpoint.libInit(config)
            transport = pj.TransportConfig()
            transport.boundAddress = bind
            handle = self.endpoint.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
            self.endpoint.audDevManager().setNullDev()
            self.endpoint.libStart()
            _g711_only(self.endpoint)
            self.address: str = self.endpoint.transportGetInfo(handle).localName
            account_config = pj.AccountConfig()
            account_config.idUri = f"sip:{user}@{self.address}"
            account_config.regConfig.registrarUri = ""
            # RTP on the SIP address too (pjsua2 would offer the default interface's).
            account_config.mediaConfig.transportConfig.boundAddress = bind
            self.account = account
            self.account.create(account_config, True)
        except pj.Error as error:
            self.endpoint.libDestroy()
            raise SimEndpointError(f"pjsua2 could not start: {error.info()}") from None

    def pump(self, max_ms: int = 10) -> None:
        self.endpoint.libHandleEvents(max_ms)

    def destroy(self) -> None:
        self.account.shutdown()
        self.account = None
        self.endpoint.libDestroy()
