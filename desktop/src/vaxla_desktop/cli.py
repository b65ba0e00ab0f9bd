"""The ``vaxla-desktop`` command line."""

import argparse
import getpass
from collections.abc import Sequence
from pathlib import Path

from vaxla_desktop import __version__

DEFAULT_SERVER = "http://127.0.0.1:8780"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vaxla-desktop",
        description="Vaxla desktop: connect to a Vaxla server and work as an agent.",
        epilog="Without a display, run with QT_QPA_PLATFORM=offscreen and --screenshot.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--server",
        default=DEFAULT_SERVER,
        metavar="URL",
        help="base URL of the Vaxla server (default: %(default)s)",
    )
    parser.add_argument(
        "--user",
        default=getpass.getuser(),
        metavar="NAME",
        help="user name to work as (default: the login name, %(default)s)",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="PNG",
        help="save a picture of the window once the server has answered, then exit",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Qt loads late so that --help and --version work without a display.
    from vaxla_desktop.app import run

    return run(server_url=args.server, user=args.user, screenshot=args.screenshot)
