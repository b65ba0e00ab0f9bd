"""A worker on its own (no pool): it exits when it cannot reach its server, and a worker
that loses its server hangs up its calls and exits."""

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.media.harness import PROMPTS, Harness, Sipp
from vaxla_server.media.messages import (
    Answer,
    IncomingCall,
    Play,
    PlaybackFinished,
    Ready,
    decode_from_worker,
    encode,
)
from vaxla_server.media.pool import free_udp_port

pytestmark = pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp is not installed")


def worker_command(control_port: int) -> list[str]:
    return [
        sys.executable, "-m", "vaxla_server.media.worker",
        "--worker-id", "solo",
        "--sip-port", str(free_udp_port()),
        "--control", f"127.0.0.1:{control_port}",
        "--allow", "127.0.0.0/8",
    ]  # fmt: skip


def test_a_worker_that_cannot_reach_its_server_says_so() -> None:
    closed_port = free_udp_port()  # nothing listens on this TCP port either
    result = subprocess.run(
        worker_command(closed_port), capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 2
    assert "cannot reach the control address" in result.stderr


def test_a_worker_that_loses_its_server_hangs_up_and_exits(tmp_path: Path) -> None:
    async def run() -> None:
        connected: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]]
        connected = asyncio.Queue()

        async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await connected.put((reader, writer))

        server = await asyncio.start_server(accept, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        worker = await asyncio.create_subprocess_exec(
            *worker_command(port), stdout=asyncio.subprocess.DEVNULL
        )
        harness = Harness(tmp_path)
        try:
            reader, writer = await asyncio.wait_for(connected.get(), 15)

            async def next_of(kind: type) -> object:
                while True:
                    message = decode_from_worker(await asyncio.wait_for(reader.readline(), 10))
                    if isinstance(message, kind):
                        return message

            ready = await next_of(Ready)
            assert isinstance(ready, Ready) and ready.pid == worker.pid
            sipp: Sipp = await harness.sipp("caller_waits.xml", ready.sip_address)
            call = await next_of(IncomingCall)
            assert isinstance(call, IncomingCall)
            writer.write(encode(Answer(call_id=call.call_id)))
            welcome = str(PROMPTS / "en" / "welcome.wav")
            writer.write(encode(Play(call_id=call.call_id, play_id="w", files=[welcome])))
            await writer.drain()
            await next_of(PlaybackFinished)  # heard to the end: the call is up on both sides
            writer.close()  # the server is gone
            assert await asyncio.wait_for(worker.wait(), 10) == 0
            await sipp.succeeded()  # it got its BYE
        finally:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()
            await harness.close()
            server.close()
            await server.wait_closed()

    asyncio.run(run())
