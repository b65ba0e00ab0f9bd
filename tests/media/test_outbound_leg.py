"""The worker's side of an agent's outbound call: an INVITE with an ``X-Vaxla-Session``
header is passed to the server from any source (the server verifies it), one without is
refused 403 as ever when it is not from a trunk, and a reject carries its reason phrase."""

import asyncio
import ipaddress
import shutil
from pathlib import Path

import pytest

from tests.media.harness import started
from vaxla_protocol.outbound import session_header
from vaxla_server.media.messages import CallEnded, IncomingCall, Ready, Reject, Stats

pytestmark = pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp is not installed")
TRUNK = ipaddress.ip_network("192.0.2.0/24")  # the phone on loopback is not the trunk


def test_a_session_header_is_passed_on_and_a_reject_says_why(tmp_path: Path) -> None:
    async def run() -> None:
        async with started(tmp_path, allowed=[TRUNK]) as h:
            ready = await h.expect(Ready)
            phone = await h.agent()
            header = session_header("k" * 64, 7, "+4687654321")
            await phone.command(f"dial sip:+4687654321@{ready.sip_address} {header}")
            incoming = await h.expect(IncomingCall)
            assert (incoming.to_user, incoming.session) == ("+4687654321", header)
            await h.pool.send(
                Reject(call_id=incoming.call_id, code=503, reason="no outside gateway")
            )
            ended = await phone.expect("ended")
            assert (ended["code"], ended["reason"]) == (503, "no outside gateway")
            await h.expect(CallEnded, lambda m: m.call_id == incoming.call_id)

            await phone.command(f"dial sip:+4687654321@{ready.sip_address}")
            ended = await phone.expect("ended")
            assert ended["code"] == 403
            await h.expect(Stats, lambda s: s.refused_sources == 1)
            assert [m for m in h.seen if isinstance(m, IncomingCall)] == [incoming]
            await phone.command("quit")

    asyncio.run(run())
