"""The ``vaxla-server`` command line."""

import argparse
import ipaddress
import json
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from vaxla_protocol.outbound import SRTP_MODES
from vaxla_server import __version__
from vaxla_server.app import create_app
from vaxla_server.auth import AuthSettings
from vaxla_server.auth.cli import add_create_user_command
from vaxla_server.config import Configuration
from vaxla_server.demo import load_demo
from vaxla_server.discovery import SERVICE_TYPE, InvalidInstanceName, check_instance_name
from vaxla_server.http_server import Listener
from vaxla_server.http_server import serve as serve_http
from vaxla_server.media.host import add_arguments as add_media_host_arguments
from vaxla_server.media.host import run as run_media_host
from vaxla_server.media.kamailio import FrontError, FrontTls, installed_kamailio
from vaxla_server.media.pool import DEFAULT_RTP_BASE, Network
from vaxla_server.network import BindAddress, host_name
from vaxla_server.store import StoreError, open_store
from vaxla_server.store.backup import BackupError, restore_sqlite
from vaxla_server.store.backup import backup as backup_store
from vaxla_server.telephony import (
    DEFAULT_RTP_TIMEOUT,
    DEFAULT_WORKERS,
    LOOPBACK,
    TelephonySettings,
)
from vaxla_server.tls import TlsError, load_certificate, self_signed_certificate

log = logging.getLogger("vaxla_server")

GATEWAY = re.compile(r"sips?:[A-Za-z0-9.\-\[\]:]+(;[^\s<>@]*)?")
"""``sip:host[:port][;params]`` with no user part (the number to call goes there)."""
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class _RenameUvicornLogger(logging.Filter):
    """uvicorn logs its life-cycle as "uvicorn.error", which reads like a failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.error":
            record.name = "uvicorn"
        return True


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range 0-65535: {port}")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vaxla-server",
        description="Vaxla contact-centre queue server.",
        epilog="example: vaxla-server serve --data-dir /var/lib/vaxla --http-port 8780",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the server until interrupted",
        description="Run the HTTP API (OpenAPI schema at /openapi.json) until interrupted.",
    )
    serve.add_argument(
        "--data-dir",
        type=Path,
        required=True,
        metavar="DIR",
        help="directory for the server's data; created if missing",
    )
    serve.add_argument(
        "--http-port",
        type=_port,
        required=True,
        metavar="PORT",
        help="TCP port for the HTTP API (0 picks a free port)",
    )
    serve.add_argument(
        "--bind",
        default="127.0.0.1",
        metavar="ADDR",
        help="address to listen on (default: %(default)s; 0.0.0.0 for all interfaces)",
    )
    tls = serve.add_argument_group("TLS", "Serve HTTPS instead of plain HTTP.")
    tls_source = tls.add_mutually_exclusive_group()
    tls_source.add_argument(
        "--tls",
        choices=["self-signed"],
        help="make a self-signed certificate for the bind address on first start, "
        "keep it in DIR/tls/ and reuse it after",
    )
    tls_source.add_argument(
        "--tls-cert",
        type=Path,
        metavar="FILE",
        help="PEM certificate (the server's first, then its chain); needs --tls-key",
    )
    tls.add_argument("--tls-key", type=Path, metavar="FILE", help="its unencrypted PEM key")
    discovery = serve.add_argument_group(
        "discovery", f"Advertise the server as {SERVICE_TYPE} with zeroconf."
    )
    discovery.add_argument(
        "--name",
        type=_service_name,
        metavar="NAME",
        help="service name to advertise (default: this host's name)",
    )
    discovery.add_argument(
        "--no-discovery",
        dest="discovery",
        action="store_false",
        help="do not advertise the server",
    )
    serve.add_argument(
        "--trusted-proxy",
        dest="trusted_proxies",
        action="append",
        type=ipaddress.ip_network,
        default=[],
        metavar="CIDR",
        help="a reverse proxy (address or network) whose X-Forwarded-For header names the "
        "client for login throttling; repeat for several (default: none, the header is "
        "ignored)",
    )
    serve.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        default="info",
        help="lowest level of log lines to print (default: %(default)s)",
    )
    serve.add_argument(
        "--database",
        metavar="URL",
        help="keep the store in this database (postgresql+psycopg://USER@HOST/DB) "
        "instead of SQLite in the data directory",
    )
    voice = serve.add_argument_group(
        "telephony",
        "Take calls: Kamailio is the SIP front on --sip-port (the only address trunks and "
        "phones see) and spreads callers over a pool of pjsua2 media workers behind it.",
    )
    voice.add_argument(
        "--sip-port",
        type=_port,
        metavar="PORT",
        help="UDP (and TCP) port of the SIP front, which callers (the SIP trunk) and agents' "
        "phones reach the server on; without it the server takes no calls, only API requests",
    )
    voice.add_argument(
        "--sip-tls-port",
        type=_port,
        metavar="PORT",
        help="TCP port of SIP over TLS on the front, with the server's certificate (--tls or "
        "--tls-cert, the API's own, so the desktop pins one fingerprint): agents' phones "
        "register and call over it when the server says so; default: none",
    )
    voice.add_argument(
        "--srtp",
        choices=SRTP_MODES,
        default="off",
        help="encrypted call audio (SRTP, keys in the SDP: needs --sip-tls-port) between "
        "the media workers and agents' phones over TLS: 'optional' offers it and takes "
        "plain RTP, 'mandatory' refuses plain RTP; unless 'off', a trunk's offer of SRTP "
        "is taken too (default: %(default)s)",
    )
    voice.add_argument(
        "--media-workers",
        type=_worker_range,
        default=DEFAULT_WORKERS,
        metavar="MIN:MAX",
        help="media workers kept running at least and started at most; each takes one "
        f"caller and costs about 8 MB (default: {DEFAULT_WORKERS[0]}:{DEFAULT_WORKERS[1]})",
    )
    voice.add_argument(
        "--rtp-base",
        type=_port,
        default=DEFAULT_RTP_BASE,
        metavar="PORT",
        help="first RTP port: each worker has 20 of its own from here (default: %(default)s)",
    )
    voice.add_argument(
        "--rtp-timeout",
        type=_seconds,
        default=DEFAULT_RTP_TIMEOUT,
        metavar="S",
        help="end a call whose far end sent no RTP for S seconds; 0: never (default: %(default)s)",
    )
    voice.add_argument(
        "--call-rate",
        type=int,
        default=200,
        metavar="N",
        help="new calls per second the SIP front admits; more are answered 503 "
        "(default: %(default)s)",
    )
    voice.add_argument(
        "--trunk",
        action="append",
        type=_network,
        metavar="NET",
        help="address or network calls are accepted from (repeatable; default: loopback), "
        "besides the stored trunks' addresses (/config/trunks); calls from elsewhere are "
        "answered 403",
    )
    voice.add_argument(
        "--outside-gateway",
        type=_gateway,
        metavar="URI",
        help="SIP URI of the gateway outside numbers are called through when no stored "
        "trunk is marked outbound, e.g. sip:gw.example.net:5060; a transfer or overflow to "
        "a number needs one or the other",
    )
    voice.add_argument(
        "--media-hosts",
        type=_host_port,
        metavar="ADDR:PORT",
        help="take media hosts (`vaxla-server media` on other machines, with a copy of the "
        "data directory's media-hosts.key) on this TCP address: their workers join the pool "
        "(default: none, every worker runs here); --bind must be an address they reach",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="load the demo site on first start: entry points 100 and 200, queues Support "
        "and Sales, users agent1-agent20, operator1, supervisor1 and admin1, all with the "
        "password 'demo' (see vaxla_server/demo.py)",
    )
    serve.set_defaults(run=_serve)
    add_create_user_command(commands)
    check = commands.add_parser(
        "check-config",
        help="list the problems of the stored configuration",
        description="Check the whole stored configuration (entry points that reach no "
        "queue, queues nobody is a member of, prompts without audio, ...). Exits 1 when "
        "there is an error, 0 otherwise (warnings included).",
        epilog="example: vaxla-server check-config --data-dir /var/lib/vaxla",
    )
    where = check.add_mutually_exclusive_group(required=True)
    where.add_argument("--data-dir", type=Path, metavar="DIR", help="the server's data directory")
    where.add_argument("--database", metavar="URL", help="database URL (PostgreSQL)")
    check.add_argument("--json", action="store_true", help="print the problems as JSON")
    check.set_defaults(run=_check_config, log_level="warning")
    backup = commands.add_parser(
        "backup",
        help="write a backup of the store while the server runs",
        description="Write a consistent backup of the whole store (event log, "
        "configuration, users) to a new file, also while the server runs: SQLite's "
        "online backup for a data directory, pg_dump (custom format) for PostgreSQL. "
        "Restore a SQLite backup with 'vaxla-server restore'; a PostgreSQL one with "
        "'pg_restore --clean --if-exists --no-owner -d URL FILE', the server stopped.",
        epilog="example: vaxla-server backup --data-dir /var/lib/vaxla "
        "--to /backup/vaxla-2026-12-05.sqlite3",
    )
    where = backup.add_mutually_exclusive_group(required=True)
    where.add_argument("--data-dir", type=Path, metavar="DIR", help="the server's data directory")
    where.add_argument("--database", metavar="URL", help="database URL (PostgreSQL)")
    backup.add_argument("--to", type=Path, required=True, metavar="FILE", help="a new file")
    backup.set_defaults(run=_backup, log_level="warning")
    restore = commands.add_parser(
        "restore",
        help="put a SQLite backup in place as a data directory's store",
        description="Put a backup made by 'vaxla-server backup' in place as the store of "
        "DIR, with the server stopped. It is checked to be a Vaxla store and migrated to "
        "this version's schema. An existing store is kept unless --replace is given.",
        epilog="example: vaxla-server restore --from /backup/vaxla-2026-12-05.sqlite3 "
        "--data-dir /var/lib/vaxla --replace",
    )
    restore.add_argument("--from", dest="source", type=Path, required=True, metavar="FILE")
    restore.add_argument("--data-dir", type=Path, required=True, metavar="DIR")
    restore.add_argument(
        "--replace", action="store_true", help="overwrite the data directory's store"
    )
    restore.set_defaults(run=_restore, log_level="warning")
    media = commands.add_parser(
        "media",
        help="run media workers on this machine for a server elsewhere",
        description="Join a Vaxla server's media pool from this machine: the server forks "
        "media workers here (SIP and RTP on this host's address) and spreads callers over "
        "them with its own. Joins again whenever the server goes.",
        epilog="example: vaxla-server media --server tcp://10.0.0.1:5070 "
        "--key-file /etc/vaxla/media-hosts.key --workers 2:100",
    )
    add_media_host_arguments(media)
    media.set_defaults(run=_media_host)
    return parser


def _media_host(args: argparse.Namespace) -> int:
    return run_media_host(args)


def _host_port(text: str) -> tuple[str, int]:
    host, separator, port = text.rpartition(":")
    try:
        ipaddress.ip_address(host.strip("[]"))
        number = int(port)
    except ValueError:
        number = -1
    if not separator or not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"ADDR:PORT (an IP address and a port): {text!r}")
    return host.strip("[]"), number


def _backup(args: argparse.Namespace) -> int:
    try:
        store = open_store(data_dir=args.data_dir, url=args.database)
    except StoreError as error:
        raise SystemExit(f"vaxla-server: {error}") from None
    shown = -1

    def progress(copied: int, total: int) -> None:
        nonlocal shown
        percent = 100 * copied // max(1, total)
        if percent >= shown + 10 or copied == total:
            shown = percent
            print(f"backup: {percent} % ({copied} of {total} pages)", flush=True)

    with store:
        try:
            written = backup_store(store, args.to, progress=progress)
        except BackupError as error:
            raise SystemExit(f"vaxla-server: {error}") from None
    print(f"backup written to {written} ({written.stat().st_size:,} bytes)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    try:
        target = restore_sqlite(args.source, args.data_dir, replace=args.replace)
    except (BackupError, StoreError) as error:
        raise SystemExit(f"vaxla-server: {error}") from None
    print(f"restored {args.source} as {target}")
    return 0


def _network(text: str) -> Network:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an address or network: {text!r} (like 192.0.2.10 or 192.0.2.0/24)"
        ) from None


def _worker_range(text: str) -> tuple[int, int]:
    least, colon, most = text.partition(":")
    try:
        low, high = int(least), int(most if colon else least)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not MIN:MAX: {text!r} (like 2:200: two workers at least, 200 at most)"
        ) from None
    if not 1 <= low <= high <= 2000:
        raise argparse.ArgumentTypeError(
            f"media workers must be 1 <= MIN <= MAX <= 2000, not {text!r}"
        )
    return low, high


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"not a number of seconds from 0 to 86400: {text!r}")
    return value


def _gateway(text: str) -> str:
    if not GATEWAY.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"not a SIP URI of a gateway: {text!r} (like sip:gw.example.net:5060 or "
            "sip:192.0.2.10:5060; no user part, the number is put there)"
        )
    return text


def _check_config(args: argparse.Namespace) -> int:
    try:
        store = open_store(data_dir=args.data_dir, url=args.database)
    except StoreError as error:
        raise SystemExit(f"vaxla-server: {error}") from None
    with store:
        problems = Configuration(store.engine).check()
    errors = [p for p in problems if p.severity.value == "error"]
    if args.json:
        print(
            json.dumps(
                [
                    {"severity": p.severity.value, "where": p.where, "message": p.message}
                    for p in problems
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    elif not problems:
        print("the configuration has no problems")
    else:
        for problem in problems:
            print(f"{problem.severity.value}: {problem.where}: {problem.message}")
        print(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    return 1 if errors else 0


def _serve(args: argparse.Namespace) -> None:
    data_dir: Path = args.data_dir
    _check_sip_tls(args)  # before anything is made: a refused setting changes nothing
    if data_dir.exists() and not data_dir.is_dir():
        raise SystemExit(f"vaxla-server: --data-dir {data_dir} exists and is not a directory")
    data_dir.mkdir(parents=True, exist_ok=True)
    log.info("vaxla-server %s, data directory %s", __version__, data_dir.resolve())
    listener = _listener(args, data_dir)
    sip_tls = _sip_tls(args, listener)
    try:
        if args.database is None:
            store = open_store(data_dir=data_dir)
        else:
            store = open_store(url=args.database)
    except StoreError as error:
        raise SystemExit(f"vaxla-server: {error}") from None
    with store:
        if args.demo:
            for line in load_demo(store, Configuration(store.engine), datetime.now(UTC)):
                log.info("demo: %s", line)
            if listener.bind.is_loopback:
                log.info("demo: listening on loopback only (pass --bind to change that)")
            else:
                log.warning(
                    "demo: every demo user's password is 'demo' and this server is reachable on %s",
                    args.bind,
                )
        telephony = None
        if args.sip_port is None:
            log.info("no --sip-port: this server takes no calls, only API requests")
        else:
            trunks = tuple(args.trunk) if args.trunk else LOOPBACK
            try:
                installed_kamailio()
            except FrontError as error:
                raise SystemExit(f"vaxla-server: --sip-port needs the SIP front: {error}") from None
            if args.media_hosts is not None and listener.bind.is_loopback:
                raise SystemExit(
                    "vaxla-server: --media-hosts needs --bind to be an address the media "
                    f"hosts reach, not {args.bind}"
                )
            if args.call_rate < 1:
                raise SystemExit(f"vaxla-server: --call-rate must be 1 or more: {args.call_rate}")
            telephony = TelephonySettings(
                sip_port=args.sip_port,
                data_dir=data_dir.resolve(),
                bind=args.bind,
                trunks=trunks,
                outside_gateway=args.outside_gateway,
                workers=args.media_workers,
                rtp_base=args.rtp_base,
                rtp_timeout=args.rtp_timeout,
                call_rate=args.call_rate,
                media_hosts=args.media_hosts,
                tls=sip_tls,
                srtp=args.srtp,
            )
        app = create_app(
            store,
            auth_settings=AuthSettings(trusted_proxies=tuple(args.trusted_proxies)),
            telephony=telephony,
            data_dir=data_dir.resolve(),
        )
        serve_http(app, listener, log_level=args.log_level)


def _check_sip_tls(args: argparse.Namespace) -> None:
    """Exit with what is wrong in the SIP-over-TLS and SRTP settings."""
    if args.srtp != "off" and args.sip_tls_port is None:
        raise SystemExit(
            f"vaxla-server: --srtp {args.srtp} needs --sip-tls-port: SRTP's keys travel in "
            "the SDP and must go over TLS"
        )
    if args.sip_tls_port is None:
        return
    if args.sip_port is None:
        raise SystemExit("vaxla-server: --sip-tls-port needs --sip-port (the SIP front)")
    if args.tls is None and args.tls_cert is None:
        raise SystemExit(
            "vaxla-server: --sip-tls-port needs the server's certificate: give --tls "
            "self-signed or --tls-cert and --tls-key"
        )
    if args.sip_tls_port == 0:
        raise SystemExit("vaxla-server: --sip-tls-port must name a port (1-65535), not 0")
    if args.sip_tls_port == args.sip_port:
        raise SystemExit(
            f"vaxla-server: --sip-tls-port {args.sip_tls_port} is --sip-port's: TCP there "
            "is plain SIP; give another port"
        )


def _sip_tls(args: argparse.Namespace, listener: Listener) -> FrontTls | None:
    """SIP over TLS with the API's certificate, if asked for (checked before)."""
    if args.sip_tls_port is None or listener.certificate is None:
        return None
    return FrontTls(
        port=args.sip_tls_port,
        cert_file=listener.certificate.cert_file.resolve(),
        key_file=listener.certificate.key_file.resolve(),
    )


def _service_name(text: str) -> str:
    try:
        return check_instance_name(text)
    except InvalidInstanceName as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _listener(args: argparse.Namespace, data_dir: Path) -> Listener:
    """Where to listen, with which certificate; exits with a message if TLS is unusable."""
    bind = BindAddress.parse(args.bind)
    if (args.tls_cert is None) != (args.tls_key is None):
        raise SystemExit("vaxla-server: --tls-cert and --tls-key go together; give both")
    try:
        if args.tls_cert is not None:
            certificate = load_certificate(args.tls_cert, args.tls_key)
        elif args.tls == "self-signed":
            certificate = self_signed_certificate(data_dir, bind)
        else:
            certificate = None
    except TlsError as error:
        raise SystemExit(f"vaxla-server: {error}") from None
    if certificate is not None:
        log.info(
            "TLS certificate %s, valid until %s",
            certificate.cert_file,
            f"{certificate.not_after:%Y-%m-%d}",
        )
        log.info("TLS fingerprint for pinning: %s", certificate.fingerprint)
    return Listener(
        bind=bind,
        port=args.http_port,
        certificate=certificate,
        service_name=(args.name or host_name()) if args.discovery else None,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format=LOG_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_RenameUvicornLogger())
    try:
        result = args.run(args)
    except KeyboardInterrupt:
        # uvicorn has shut down cleanly by now; it re-raises the interrupt it caught.
        log.info("stopped")
        return 0
    return result if isinstance(result, int) else 0
