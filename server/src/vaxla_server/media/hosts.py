"""Media hosts: machines that run media workers for this server.

``vaxla-server media --server tcp://SERVER:PORT --key-file KEY`` on another machine
(:mod:`.host`) connects here, proves it holds the server's media-host key and becomes one
more place the pool forks workers: it runs the same zygote the server runs for its own
workers, over this connection instead of a pipe. Its workers bind SIP and RTP to that
host's address, connect their control connection back to the server, and send every call
they make through the SIP front; the pool puts them in Kamailio's list like its own, so
callers are spread over every host.

A host that goes (its process killed, its machine down: the connection closes; a network
cut: nothing heard for :data:`~.pool.HOST_SILENCE_S`) leaves the pool with its workers,
each handled as a dead worker: Kamailio sends a BYE to the far ends of its dialogs, its
calls are closed in the event log (``worker_died``) and their agents freed.

The handshake, one JSON line each:

- server → host ``{"vaxla": "media-host", "version": 1, "challenge": HEX}``;
- host → server ``{"name": ..., "proof": HMAC-SHA256(key, challenge), "workers": [MIN, MAX],
  "rtp_base": PORT, "address": ADDR or null}``;
- server → host ``{"welcome": NAME}`` or ``{"refused": REASON}`` (then it closes).

From then on the zygote's lines (:mod:`.zygote`), and ``{"alive": true}`` from each side
every :data:`HEARTBEAT_S`.
"""

import asyncio
import contextlib
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import re
import secrets
from pathlib import Path
from typing import Any

from vaxla_server.media.pool import HOST_SILENCE_S, MediaPool, PoolError

log = logging.getLogger(__name__)

KEY_FILE = "media-hosts.key"
PROTOCOL = "media-host"
VERSION = 1
HEARTBEAT_S = 2.0
HANDSHAKE_S = 10.0
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
_LINE_LIMIT = 1 << 20


class HostError(Exception):
    """A media host's key, address or handshake is not right; the message says how."""


def make_key(data_dir: Path) -> Path:
    """The server's media-host key file (created on first use, readable by its owner
    only); hosts are given a copy."""
    path = data_dir / KEY_FILE
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32) + "\n")
    read_key(path)
    return path


def read_key(path: Path) -> bytes:
    """The key in ``path``: 64 hexadecimal digits (the server's ``media-hosts.key``)."""
    try:
        text = path.read_text().strip()
    except OSError as error:
        raise HostError(f"cannot read the media-host key {path}: {error.strerror}") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise HostError(
            f"{path} holds no media-host key (64 hexadecimal digits, as the server's "
            f"{KEY_FILE} in its data directory)"
        )
    return key


def proof(key: bytes, challenge: str) -> str:
    return hmac.new(key, challenge.encode(), hashlib.sha256).hexdigest()


async def read_message(reader: asyncio.StreamReader) -> dict[str, Any] | None:
    """The next JSON line as an object; None at the end of the stream; raises
    :class:`ValueError` on anything else."""
    line = await reader.readline()
    if not line:
        return None
    message = json.loads(line)
    if not isinstance(message, dict):
        raise ValueError(f"not a JSON object: {line[:80]!r}")
    return message


class _Link:
    """One joined host's connection, as the pool uses it (:class:`~.pool.HostLink`)."""

    def __init__(
        self,
        name: str,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        address: str,
        control_host: str,
        front: str,
    ) -> None:
        self.name = name
        self.address = address
        self.control_host = control_host
        self.proxy = f"sip:{front};lr"
        self.allow: tuple[str, ...] = (f"{front.rsplit(':', 1)[0].strip('[]')}/32",)
        self._reader = reader
        self._writer = writer
        self._lock = asyncio.Lock()

    async def send(self, command: dict[str, Any]) -> None:
        async with self._lock:
            if self._writer.is_closing():
                raise PoolError(f"media host {self.name}'s connection is closed")
            self._writer.write(json.dumps(command).encode() + b"\n")
            try:
                await self._writer.drain()
            except ConnectionError as error:
                raise PoolError(f"media host {self.name}: {error}") from None

    async def receive(self) -> dict[str, Any] | None:
        return await read_message(self._reader)

    async def beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            await self.send({"alive": True})


class MediaHostListener:
    """Takes media hosts on ``listen:port`` for ``pool``. ``front`` is the SIP front's
    ``HOST:PORT``; on a wildcard front (``0.0.0.0``) the address each host reached the
    server on is used instead."""

    def __init__(
        self,
        pool: MediaPool,
        *,
        listen: str,
        port: int,
        key: bytes,
        front: str,
        silence_s: float = HOST_SILENCE_S,
    ) -> None:
        self._pool = pool
        self._listen = listen
        self._port = port
        self._key = key
        self._front_host, self._front_port = front.rsplit(":", 1)
        self._silence_s = silence_s
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def address(self) -> str:
        assert self._server is not None
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"{host}:{port}"

    async def start(self) -> None:
        await self._pool.open_to_hosts(self._listen)
        self._server = await asyncio.start_server(
            self._on_host, self._listen, self._port, limit=_LINE_LIMIT
        )
        log.info("media hosts join at tcp://%s with the key in the data directory's %s",
                 self.address, KEY_FILE)  # fmt: skip

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def _on_host(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        peer = writer.get_extra_info("peername")[0]
        try:
            await self._serve(peer, reader, writer)
        except (HostError, PoolError) as error:
            log.error("media host at %s refused: %s", peer, error)
            with contextlib.suppress(ConnectionError):
                writer.write(json.dumps({"refused": str(error)}).encode() + b"\n")
                await writer.drain()
        except (ConnectionError, TimeoutError, ValueError) as error:
            log.error("media host at %s: the handshake failed: %s", peer, error or "timed out")
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _serve(
        self, peer: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        challenge = secrets.token_hex(32)
        hello = {"vaxla": PROTOCOL, "version": VERSION, "challenge": challenge}
        writer.write(json.dumps(hello).encode() + b"\n")
        await writer.drain()
        answer = await asyncio.wait_for(read_message(reader), HANDSHAKE_S)
        if answer is None:
            raise ConnectionError("closed before it said who it is")
        if not hmac.compare_digest(str(answer.get("proof", "")), proof(self._key, challenge)):
            raise HostError("wrong key (give it a copy of the server's media-hosts.key)")
        name, least, most, rtp_base, address = _hello(answer, peer)
        self._pool.check_host(name, least, most, rtp_base)
        local = writer.get_extra_info("sockname")[0]
        wildcard = self._front_host in ("0.0.0.0", "::")
        front_host = local if wildcard else self._front_host
        front = f"[{front_host}]" if ":" in front_host else front_host
        link = _Link(
            name, reader, writer, address=address, control_host=local,
            front=f"{front}:{self._front_port}",
        )  # fmt: skip
        await link.send({"welcome": name})
        beat = asyncio.create_task(link.beat())
        try:
            await self._pool.serve_host(
                link, least=least, most=most, rtp_base=rtp_base, silence_s=self._silence_s
            )
        finally:
            beat.cancel()
            await asyncio.gather(beat, return_exceptions=True)


def _hello(answer: dict[str, Any], peer: str) -> tuple[str, int, int, int, str]:
    """The host's name, least and most workers, RTP base and address, checked."""
    name = answer.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise HostError(f"a media host's name is 1-63 letters, digits, '.', '_' or '-': {name!r}")
    workers = answer.get("workers")
    if (
        not isinstance(workers, list)
        or len(workers) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in workers)
    ):
        raise HostError(f"workers must be [least, most]: {workers!r}")
    rtp_base = answer.get("rtp_base")
    if not isinstance(rtp_base, int) or isinstance(rtp_base, bool):
        raise HostError(f"the RTP base must be a port number: {rtp_base!r}")
    address = answer.get("address") or peer
    try:
        ip = ipaddress.ip_address(str(address))
    except ValueError:
        raise HostError(f"the host's address is no IP address: {address!r}") from None
    if ip.is_unspecified or ip.is_multicast:
        raise HostError(f"the host's address must be one the server reaches: {address}")
    return name, workers[0], workers[1], rtp_base, str(ip)
