"""SRTP in the media workers (``--srtp``): an agent leg under ``mandatory`` offers only
SRTP, so a phone without it cannot take the call (488) and no plain audio reaches it,
while a call to an outside number (no offer token) still offers plain RTP;
under ``optional`` a phone without SRTP still answers; and unless off, a trunk's caller
that offers SRTP (RTP/SAVP with an SDES crypto line) is answered with SRTP. A leg to an
outside number through a trunk with ``srtp`` on (the server's ``X-Vaxla-Srtp`` header)
offers SRTP whatever the worker's own ``--srtp``, and the header is not sent. The capture
of the encrypted audio itself, over TLS through the front, is in
tests/e2e/test_sip_tls.py."""

import asyncio
from pathlib import Path

import pytest

from tests.media.harness import (
    LOOPBACK,
    SCENARIOS,
    Harness,
    Sipp,
    caller_and_agent_leg,
    offer_headers,
    started,
)
from vaxla_protocol.outbound import SrtpMode
from vaxla_server.media.messages import (
    SRTP_HEADER,
    AgentLegState,
    Answer,
    IncomingCall,
    OriginateAgentLeg,
    Ready,
)
from vaxla_server.media.pool import free_udp_port
from vaxla_server.network import free_media_port


async def _agent_leg(h: Harness, *, offer: bool = True) -> AgentLegState:
    """A caller (SIPp, plain RTP) answered, and a leg to a pjsua2 phone without SRTP
    (with an offer token, as to an agent, or without, as to an outside number); the
    leg's first answer or failure."""
    headers = offer_headers("offer-1") if offer else {}
    _call, sipp, _agent = await caller_and_agent_leg(h, "caller_talks.xml", headers)
    state = await h.expect(AgentLegState, lambda s: s.state in ("answered", "failed"))
    await sipp.succeeded()
    return state


def _agent_leg_with(tmp_path: Path, srtp: SrtpMode, *, offer: bool = True) -> AgentLegState:
    async def run() -> AgentLegState:
        async with started(tmp_path, allowed=[LOOPBACK], srtp=srtp) as h:
            return await _agent_leg(h, offer=offer)

    return asyncio.run(run())


def test_mandatory_srtp_leaves_a_phone_without_it_unanswered(tmp_path: Path) -> None:
    state = _agent_leg_with(tmp_path, "mandatory")
    assert (state.state, state.code) == ("failed", 488)


def test_under_mandatory_srtp_a_call_to_a_number_still_offers_plain_rtp(tmp_path: Path) -> None:
    # No offer token: the phone's own refusal (403, after the SDP was taken), not 488.
    state = _agent_leg_with(tmp_path, "mandatory", offer=False)
    assert (state.state, state.code) == ("failed", 403)


def test_optional_srtp_lets_a_phone_without_it_answer(tmp_path: Path) -> None:
    assert _agent_leg_with(tmp_path, "optional").state == "answered"


def test_a_trunks_offer_of_srtp_is_answered_with_srtp(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[LOOPBACK], srtp="optional") as h:
            ready = await h.expect(Ready)
            sipp = await h.sipp("caller_offers_srtp.xml", ready.sip_address)
            call = await h.expect(IncomingCall)
            await h.pool.send(Answer(call_id=call.call_id))
            await sipp.succeeded()  # the answer had RTP/SAVP and a crypto line

    asyncio.run(run())


async def _trunk(h: Harness, port: int) -> Sipp:
    """SIPp on ``port`` as an operator's trunk that wants SRTP (``trunk_answers_srtp.xml``)."""
    errors = h.tmp_path / "trunk.errors"
    process = await asyncio.create_subprocess_exec(
        "sipp", "-sf", str(SCENARIOS / "trunk_answers_srtp.xml"), "-m", "1",
        "-i", "127.0.0.1", "-p", str(port), "-mp", str(free_media_port()),
        "-timeout", "15s", "-timeout_error", "-nostdin", "-trace_err",
        "-error_file", str(errors),
        cwd=h.tmp_path, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    h.started.append(process)
    return Sipp(process, errors)


@pytest.mark.parametrize("mode", ["optional", "mandatory"])
def test_a_trunk_with_srtp_is_offered_srtp_and_not_the_header(
    tmp_path: Path, mode: SrtpMode
) -> None:
    async def run() -> None:
        # The worker's own policy (agents' phones) is off: the trunk's setting decides.
        async with started(tmp_path, allowed=[LOOPBACK], srtp="off") as h:
            ready = await h.expect(Ready)
            port = free_udp_port()
            trunk = await _trunk(h, port)
            caller = await h.sipp("caller_talks.xml", ready.sip_address)
            call = await h.expect(IncomingCall)
            await h.pool.send(Answer(call_id=call.call_id))
            headers = {"X-Vaxla-Trunk": "vaxla-trunk-1", SRTP_HEADER: mode}
            uri = f"sip:+46701234567@127.0.0.1:{port}"
            await h.pool.send(OriginateAgentLeg(call_id=call.call_id, sip_uri=uri, headers=headers))
            state = await h.expect(AgentLegState, lambda s: s.state in ("answered", "failed"))
            assert state.state == "answered", state
            await caller.succeeded()
            await trunk.succeeded()  # SRTP offered, no X-Vaxla-Srtp, and its BYE came

    asyncio.run(run())
