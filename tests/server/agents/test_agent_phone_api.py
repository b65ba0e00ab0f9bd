"""``GET /agent/phone`` on a server that takes no calls, and the address it gives for the
SIP front (a stand-in for the telephony with the front's address; the demo server with
real Kamailio and workers is in tests/e2e/test_outbound_calls.py)."""

import asyncio
import dataclasses
import functools
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from tests.server.api.running import Centre
from vaxla_protocol import API_PREFIX
from vaxla_protocol.outbound import AgentPhone
from vaxla_server.media.credentials import agent_credentials
from vaxla_server.media.kamailio import FrontTls
from vaxla_server.media.trunks import OutsideLine
from vaxla_server.telephony import TelephonySettings

PHONE = f"{API_PREFIX}/agent/phone"
SECRET = "the front's secret"


def test_without_telephony_there_is_nowhere_to_send_calls(running: Centre) -> None:
    response = running.api.request("GET", PHONE, token=running.token("anna"))
    assert response.status_code == 200, response.text
    phone = AgentPhone.model_validate(response.json())
    assert (phone.sip_uri, phone.outside_calls, phone.header) == (None, False, "X-Vaxla-Session")


def test_only_agents_ask_where_to_send_calls(running: Centre) -> None:
    assert running.api.request("GET", PHONE, token=running.token("ada")).status_code == 403
    assert running.api.request("GET", PHONE).status_code == 401
    # An operator without a profile answers no switchboard: no phone.
    refused = running.api.request("GET", PHONE, token=running.token("olle"))
    assert refused.status_code == 404
    # A supervisor without an agent profile takes no calls: no phone.
    refused = running.api.request("GET", PHONE, token=running.token("sofia"))
    assert refused.status_code == 404
    assert "user 'sofia' has no agent profile" in refused.json()["detail"]


def test_a_supervisor_with_an_agent_profile_has_a_phone(running: Centre) -> None:
    given = running.api.request(
        "PUT", f"{API_PREFIX}/config/agents/sofia", token=running.token("ada"), json={}
    )
    assert given.status_code == 200, given.text
    response = running.api.request("GET", PHONE, token=running.token("sofia"))
    assert response.status_code == 200, response.text


def _phone_at(
    running: Centre, base_url: str, worker: str, bind: str, tls: str | None = None
) -> AgentPhone:
    """``GET /agent/phone`` asked through ``base_url`` (the address the request comes in
    on: ASGI's ``scope["server"]``, as uvicorn sets it from the socket's local end) of a
    server whose SIP front is at ``worker`` (and over TLS at ``tls``) and was started on
    ``bind``."""
    certificate = FrontTls(5061, Path("cert.pem"), Path("key.pem")) if tls else None
    settings = TelephonySettings(
        sip_port=5060,
        data_dir=Path("unused"),
        bind=bind,
        outside_gateway="sip:gw",
        tls=certificate,
        srtp="mandatory" if tls else "off",
    )
    services = running.api.app.state.services
    line = OutsideLine.of_gateway("sip:gw")
    front: Any = SimpleNamespace(
        front_address=worker,
        tls_address=tls,
        settings=settings,
        trunks=SimpleNamespace(outside_line=lambda: line),
        agent_credentials=functools.partial(agent_credentials, SECRET),
    )
    running.api.app.state.services = dataclasses.replace(services, telephony=front)
    token = running.token("anna")

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=running.api.app, client=("192.0.2.77", 50000))
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            return await client.get(PHONE, headers={"Authorization": f"Bearer {token}"})

    try:
        response = asyncio.run(ask())
    finally:
        running.api.app.state.services = services
    assert response.status_code == 200, response.text
    phone = AgentPhone.model_validate(response.json())
    assert phone.outside_calls
    # The credentials the front takes from anna's phone for the next hour.
    assert phone.credentials == agent_credentials(SECRET, running.ids["anna"], running.clock())
    return phone


@pytest.mark.parametrize(
    ("base_url", "worker", "bind", "sip_uri"),
    [
        # Bound to every address: pjsua2 reports its guess (the default route's address),
        # the desktop gets the address it reached the server on, with the worker's port.
        ("http://198.51.100.5:8080", "192.0.2.2:5062", "0.0.0.0", "sip:198.51.100.5:5062"),
        ("http://192.0.2.2:8080", "192.0.2.2:5062", "0.0.0.0", "sip:192.0.2.2:5062"),
        # A worker that reports the wildcard itself.
        ("http://198.51.100.5:8080", "0.0.0.0:5062", "0.0.0.0", "sip:198.51.100.5:5062"),
        # Over loopback: loopback, which the worker on the wildcard listens on too.
        ("http://127.0.0.1:8080", "192.0.2.2:5062", "0.0.0.0", "sip:127.0.0.1:5062"),
        # IPv6, bracketed in the URI; an IPv4 client on a dual-stack socket is IPv4.
        ("http://[2001:db8::5]:8080", "2001:db8::1:5062", "::", "sip:[2001:db8::5]:5062"),
        ("http://[::ffff:198.51.100.5]:8080", "::1:5062", "::", "sip:198.51.100.5:5062"),
        # A worker on one address is named by it, however the request came.
        ("http://127.0.0.1:8080", "127.0.0.1:5062", "127.0.0.1", "sip:127.0.0.1:5062"),
        ("http://198.51.100.5:8080", "192.0.2.2:5062", "192.0.2.2", "sip:192.0.2.2:5062"),
        ("http://[::1]:8080", "::1:5062", "::1", "sip:[::1]:5062"),
    ],
)
def test_a_worker_on_a_wildcard_is_named_by_the_address_the_request_came_in_on(
    running: Centre, base_url: str, worker: str, bind: str, sip_uri: str
) -> None:
    phone = _phone_at(running, base_url, worker, bind)
    assert (phone.sip_uri, phone.tls_uri, phone.srtp) == (sip_uri, None, "off")


@pytest.mark.parametrize(
    ("base_url", "tls", "bind", "tls_uri"),
    [
        ("http://127.0.0.1:8080", "127.0.0.1:5061", "127.0.0.1", "sip:127.0.0.1:5061"),
        ("http://198.51.100.5:8080", "0.0.0.0:5061", "0.0.0.0", "sip:198.51.100.5:5061"),
    ],
)
def test_with_sip_over_tls_the_phone_is_told_where_and_the_srtp_policy(
    running: Centre, base_url: str, tls: str, bind: str, tls_uri: str
) -> None:
    phone = _phone_at(running, base_url, "127.0.0.1:5060", bind, tls=tls)
    assert phone.tls_uri == f"{tls_uri};transport=tls"
    assert phone.srtp == "mandatory"
