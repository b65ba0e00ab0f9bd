"""Joining a server's media pool from another host (``vaxla-server media``): the key, the
settings and the address are checked before a host joins, and refusals say why; a host
that falls silent leaves the pool. A real pool (its zygote and one worker on loopback)
and the real handshake over TCP; only the joining host's side is this test, speaking the
protocol by hand where it must misbehave."""

import argparse
import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from vaxla_server.media.host import Refused, join, parse_server
from vaxla_server.media.host import main as host_main
from vaxla_server.media.hosts import HostError, MediaHostListener, make_key, proof, read_key
from vaxla_server.media.pool import MediaPool

KEY = bytes(range(32))


def host_args(**changes: object) -> argparse.Namespace:
    values: dict[str, object] = {
        "name": "host-b", "workers": "1:2", "rtp_base": 30000, "address": None,
    }  # fmt: skip
    values.update(changes)
    return argparse.Namespace(**values)


@asynccontextmanager
async def listening(silence_s: float = 10.0) -> AsyncIterator[tuple[str, int]]:
    pool = MediaPool(lambda message: None, size=1)
    await pool.start()
    listener = MediaHostListener(
        pool, listen="127.0.0.1", port=0, key=KEY, front="127.0.0.1:5060", silence_s=silence_s
    )
    try:
        await listener.start()
        host, port = listener.address.rsplit(":", 1)
        yield host, int(port)
    finally:
        await listener.stop()
        await pool.stop()


def joined(server: tuple[str, int], key: bytes, **changes: object) -> bytes:
    with socket.create_connection(server, timeout=5) as sock:
        sock.settimeout(5)
        return join(sock, host_args(**changes), key)


async def refusal(server: tuple[str, int], key: bytes, **changes: object) -> str:
    with pytest.raises(Refused) as refused:
        await asyncio.to_thread(joined, server, key, **changes)
    return str(refused.value)


def said_to(server: tuple[str, int], **changes: object) -> dict[str, object]:
    """The server's answer to a hello with the right proof and ``changes`` (what
    ``vaxla-server media`` itself would not send)."""
    answer: dict[str, object] = {
        "name": "host-b", "workers": [1, 2], "rtp_base": 30000, "address": None,
    }  # fmt: skip
    answer.update(changes)
    with socket.create_connection(server, timeout=5) as sock:
        reader = sock.makefile("rb")
        challenge = json.loads(reader.readline())["challenge"]
        sock.sendall(json.dumps({**answer, "proof": proof(KEY, challenge)}).encode() + b"\n")
        reply: dict[str, object] = json.loads(reader.readline())
        return reply


def test_a_host_is_refused_with_the_reason_for_a_wrong_key_or_bad_settings() -> None:
    async def run() -> None:
        async with listening() as address:
            assert "wrong key" in await refusal(address, bytes(32))
            assert "name" in await refusal(address, KEY, name="no spaces please")
            assert "RTP ports" in await refusal(address, KEY, workers="1:200", rtp_base=62000)
            assert "address" in await refusal(address, KEY, address="0.0.0.0")
            assert "address" in await refusal(address, KEY, address="host-b.example")
            for bad in ([3, 0], [1], [0, 0], [1, 201], ["1", 2], [True, 2]):
                reply = await asyncio.to_thread(said_to, address, workers=bad)
                assert "workers" in str(reply.get("refused")), (bad, reply)
            reply = await asyncio.to_thread(said_to, address, rtp_base="30000")
            assert "RTP base" in str(reply.get("refused")), reply
            assert await asyncio.to_thread(said_to, address) == {"welcome": "host-b"}

    asyncio.run(run())


def test_a_joined_host_is_told_to_fork_and_a_silent_one_leaves_so_its_name_is_free(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="vaxla_server.media")

    async def run() -> None:
        async with listening(silence_s=0.5) as address:
            with socket.create_connection(address, timeout=5) as sock:
                sock.settimeout(5)
                pending = await asyncio.to_thread(join, sock, host_args(), KEY)
                while b"\n" not in pending:
                    pending += await asyncio.to_thread(sock.recv, 65536)
                spawn = json.loads(pending.split(b"\n")[0])
                argv = spawn["argv"]
                assert argv[argv.index("--bind") + 1] == "127.0.0.1"
                assert argv[argv.index("--proxy") + 1] == "sip:127.0.0.1:5060;lr"
                assert argv[argv.index("--rtp-port") + 1] == "30000"
                assert spawn["token"] and spawn["token"] not in argv  # not for ps to show
                # Saying nothing more: the pool counts the host as gone.
                assert "in the pool already" in await refusal(address, KEY)
                for _ in range(100):
                    if "left the pool: nothing heard for 0.5 s" in caplog.text:
                        break
                    await asyncio.sleep(0.05)
                assert "left the pool: nothing heard for 0.5 s" in caplog.text
                await asyncio.to_thread(joined, address, KEY)  # its name is free again

    asyncio.run(run())


def test_the_server_address_the_key_file_and_the_workers_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert parse_server("tcp://10.0.0.1:5070") == ("10.0.0.1", 5070)
    for bad in ("10.0.0.1:5070", "http://10.0.0.1:5070", "tcp://10.0.0.1", "tcp://h:99999"):
        with pytest.raises(HostError, match="tcp://HOST:PORT"):
            parse_server(bad)
    made = make_key(tmp_path)
    assert made.stat().st_mode & 0o777 == 0o600
    assert len(read_key(made)) == 32 and make_key(tmp_path) == made  # kept, not remade
    (tmp_path / "short").write_text("abcd\n")
    with pytest.raises(HostError, match="64 hexadecimal digits"):
        read_key(tmp_path / "short")
    with pytest.raises(HostError, match="cannot read"):
        read_key(tmp_path / "missing")
    # Said before any connection is tried (nobody listens on port 9).
    command = ["--server", "tcp://127.0.0.1:9", "--key-file", str(made), "--workers", "3:0"]
    assert host_main(command) == 2
    assert "--workers needs 0 <= MIN <= MAX" in capsys.readouterr().err
