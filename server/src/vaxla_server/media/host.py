"""``vaxla-server media``: run media workers on this machine for a Vaxla server elsewhere.

The process connects to the server's media-host address (``serve --media-hosts``), proves
it holds the server's key (:mod:`.hosts`), and then is a zygote (:mod:`.zygote`) the
server's pool forks workers from: pjsua2 imported once here, each worker forked on the
pool's request with SIP and RTP on this host's address. When the connection closes or the
server says nothing for :data:`~.pool.HOST_SILENCE_S`, its workers end and it joins again,
waiting longer after each failure (1 s doubling to 30 s). A refusal (a wrong key, a name
already in the pool, bad settings) is said and ends the command with status 2: trying
again would be refused the same way.
"""

import argparse
import json
import logging
import os
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vaxla_server.media.hosts import PROTOCOL, VERSION, HostError, proof, read_key
from vaxla_server.media.pool import DEFAULT_RTP_BASE, HOST_SILENCE_S

log = logging.getLogger("vaxla_server.media.host")

RETRY_S = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
HEARTBEAT_S = 2.0


class Refused(Exception):
    """The server will not take this host; the message is its reason."""


def parse_server(url: str) -> tuple[str, int]:
    """``tcp://HOST:PORT`` (the address ``serve --media-hosts`` logs) as host and port."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "tcp" or not parts.hostname or port is None or parts.path not in ("", "/"):
        raise HostError(
            f"the server's media-host address is tcp://HOST:PORT (as `serve --media-hosts` "
            f"logs it), not {url!r}"
        )
    return parts.hostname, port


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server",
        required=True,
        metavar="URL",
        help="the server's media-host address, tcp://HOST:PORT (its `serve --media-hosts`)",
    )
    parser.add_argument(
        "--key-file",
        required=True,
        type=Path,
        metavar="FILE",
        help="a copy of the server's media-hosts.key (in its data directory)",
    )
    parser.add_argument(
        "--name",
        default=socket.gethostname(),
        help="this host's name in the server's logs and pool (default: the host name)",
    )
    parser.add_argument(
        "--address",
        metavar="ADDR",
        help="this host's address for SIP and RTP, which the server, phones and trunks reach "
        "(default: the address the server sees this host connect from)",
    )
    parser.add_argument(
        "--workers",
        default="1:50",
        metavar="MIN:MAX",
        help="media workers kept running here at least and started at most (default: %(default)s)",
    )
    parser.add_argument(
        "--rtp-base",
        type=int,
        default=DEFAULT_RTP_BASE,
        metavar="PORT",
        help="first RTP port here: each worker has 20 of its own (default: %(default)s)",
    )
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        default="info",
        help="lowest level of log lines to print (default: %(default)s)",
    )


def _workers(text: str) -> tuple[int, int]:
    least, _, most = text.partition(":")
    try:
        pair = int(least), int(most or least)
    except ValueError:
        raise HostError(f"--workers is MIN:MAX, two whole numbers: {text!r}") from None
    if not 0 <= pair[0] <= pair[1] or pair[1] < 1:
        raise HostError(f"--workers needs 0 <= MIN <= MAX and MAX >= 1: {text!r}")
    return pair


def _line(sock: socket.socket, buffer: bytearray) -> dict[str, Any]:
    while b"\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        buffer += chunk
    line, _, rest = bytes(buffer).partition(b"\n")
    buffer[:] = rest
    message = json.loads(line)
    if not isinstance(message, dict):
        raise ConnectionError(f"the server said no JSON object: {line[:80]!r}")
    return message


def join(sock: socket.socket, args: argparse.Namespace, key: bytes) -> bytes:
    """The handshake on a connected socket: what the server said after its welcome (its
    first commands); raises :class:`Refused` or ConnectionError."""
    buffer = bytearray()
    hello = _line(sock, buffer)
    if hello.get("vaxla") != PROTOCOL or hello.get("version") != VERSION:
        raise Refused(f"that address is no Vaxla server's media-host address: {hello!r:.120}")
    least, most = _workers(args.workers)
    answer = {
        "name": args.name,
        "proof": proof(key, str(hello.get("challenge", ""))),
        "workers": [least, most],
        "rtp_base": args.rtp_base,
        "address": args.address,
    }
    sock.sendall(json.dumps(answer).encode() + b"\n")
    reply = _line(sock, buffer)
    if "refused" in reply:
        raise Refused(str(reply["refused"]))
    if "welcome" not in reply:
        raise ConnectionError(f"the server said neither welcome nor refused: {reply!r:.120}")
    return bytes(buffer)


def serve_once(address: tuple[str, int], args: argparse.Namespace, key: bytes) -> bool:
    """Join the server and fork its workers until it goes: True to join again, False
    when this process was told to stop."""
    from vaxla_server.media.zygote import Zygote  # imports pjsua2: only once joining

    with socket.create_connection(address, timeout=10) as sock:
        sock.settimeout(10)
        pending = join(sock, args, key)
        sock.settimeout(None)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        log.info("joined the server at %s:%d as media host %s", *address, args.name)
        zygote = Zygote(
            os.dup(sock.fileno()), os.dup(sock.fileno()),
            heartbeat_s=HEARTBEAT_S, silence_s=HOST_SILENCE_S, exit_on_term=True,
            pending=pending,
        )  # fmt: skip
    try:
        zygote.run()
    finally:
        os.close(zygote.commands)
        os.close(zygote.answers)
    if zygote.terminated:
        log.info("stopped (SIGTERM): the workers here ended")
        return False
    if zygote.silent:
        log.error("nothing heard from the server for %.0f s: its workers here ended",
                  HOST_SILENCE_S)  # fmt: skip
    else:
        log.error("the server closed the connection: its workers here ended")
    return True


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        address = parse_server(args.server)
        key = read_key(args.key_file)
        _workers(args.workers)
    except HostError as error:
        print(f"vaxla-server media: {error}", file=sys.stderr)
        return 2
    failures = 0
    while True:
        try:
            if not serve_once(address, args, key):
                return 0
            failures = 0
        except KeyboardInterrupt:
            return 130
        except Refused as refusal:
            log.error("the server refused this media host: %s", refusal)
            return 2
        except (OSError, ValueError) as error:
            wait = RETRY_S[min(failures, len(RETRY_S) - 1)]
            failures += 1
            log.warning("cannot join the server at %s:%d (%s); trying again in %.0f s",
                        *address, error, wait)  # fmt: skip
            time.sleep(wait)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vaxla-server media", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))
