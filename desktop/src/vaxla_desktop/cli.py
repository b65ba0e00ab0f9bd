"""The ``vaxla-desktop`` command line."""

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from vaxla_desktop import __version__
from vaxla_desktop.core.dial import DialRequest, InvalidDialLink, parse_dial_link

if TYPE_CHECKING:
    from vaxla_desktop.app import AppOptions

PASSWORD_VARIABLE = "VAXLA_PASSWORD"

EPILOG = f"""\
examples:
  vaxla-desktop
      open the login window (servers on the network are listed)
  {PASSWORD_VARIABLE}=... vaxla-desktop --server https://vaxla.example.com:8780 --user anna
      log in without the window; the password comes from ${PASSWORD_VARIABLE}, or
      else one line on standard input
  vaxla-desktop tel:+4687654321
      start the app, or hand it a number to call (the link handler's form)

Without a display: QT_QPA_PLATFORM=offscreen vaxla-desktop ... --screenshot out.png
"""


def _dial_link(text: str) -> DialRequest:
    try:
        return parse_dial_link(text)
    except InvalidDialLink as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _fingerprint(text: str) -> str:
    # Imported here so that --help does not load the TLS machinery.
    from vaxla_desktop.api.tls import InvalidFingerprint, normalise_fingerprint

    try:
        return normalise_fingerprint(text)
    except InvalidFingerprint as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vaxla-desktop",
        description="Vaxla desktop: log in to a Vaxla server and work as an agent.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "link",
        nargs="?",
        type=_dial_link,
        metavar="tel:|sip:LINK",
        help="a number or SIP address to call, such as tel:+46876543 or sip:1001@pbx",
    )
    login = parser.add_argument_group("logging in")
    login.add_argument(
        "--server",
        metavar="URL",
        help="the server's address, such as https://vaxla.example.com:8780",
    )
    login.add_argument(
        "--user",
        metavar="NAME",
        help=f"log in as NAME without the login window (password from ${PASSWORD_VARIABLE} "
        "or standard input); needs --server",
    )
    login.add_argument(
        "--fingerprint",
        type=_fingerprint,
        metavar="SHA256",
        help="the server's TLS certificate fingerprint (AB:CD:…, as the server logs it); "
        "trusted without asking, and replaces a fingerprint remembered before",
    )
    running = parser.add_argument_group("running")
    running.add_argument(
        "--minimized",
        action="store_true",
        help="start in the system tray (or minimized where there is no tray)",
    )
    running.add_argument(
        "--auto-answer",
        action="store_true",
        help="answer offered calls without a click, for this run (kiosks and tests)",
    )
    running.add_argument(
        "--queues",
        metavar="all|NAME[,NAME…]",
        type=parse_queues,
        help='log in to these queues once connected ("all": every queue the agent is '
        "a member of); without it the agent ticks the queues in the panel",
    )
    running.add_argument(
        "--language",
        choices=["sv", "en"],
        help="the language of the windows (default: Swedish if the system is Swedish, "
        "else English)",
    )
    running.add_argument(
        "--settings",
        type=Path,
        metavar="FILE",
        help="keep settings in this INI file instead of the system's place",
    )
    running.add_argument(
        "--no-discovery",
        action="store_true",
        help="do not look for servers on the local network",
    )
    running.add_argument(
        "--log-file",
        type=Path,
        metavar="FILE",
        help="write the log here (default: vaxla-desktop.log in the app's data folder, "
        "e.g. %%LOCALAPPDATA%%\\Vaxla\\Vaxla\\logs on Windows, "
        "~/.local/share/Vaxla/Vaxla/logs on Linux)",
    )
    running.add_argument(
        "--verbose",
        action="store_true",
        help="print the whole log on standard error too (else warnings and errors only)",
    )
    running.add_argument(
        "--screenshot",
        type=Path,
        metavar="PNG",
        help="save a picture of the first window (the main window once logged in, "
        "else the login window), then exit",
    )
    return parser


def parse_queues(text: str) -> list[str]:
    """``all`` → ``[]`` (every queue the agent is a member of), else the names given."""
    if text.strip().casefold() == "all":
        return []
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give 'all' or queue names separated by commas")
    return names


def read_password(environ: Mapping[str, str], stdin: TextIO) -> str | None:
    """The password from the environment, else one line from standard input."""
    if PASSWORD_VARIABLE in environ:
        return environ[PASSWORD_VARIABLE]
    if stdin.isatty():
        import getpass

        return getpass.getpass(f"Password (or set ${PASSWORD_VARIABLE}): ")
    line = stdin.readline()
    return line.rstrip("\r\n") or None


def parse_options(
    argv: Sequence[str] | None, environ: Mapping[str, str], stdin: TextIO
) -> "AppOptions":
    """The run's options from the command line; exits with a usage message if wrong."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.user and not args.server:
        parser.error("--user needs --server: which server should NAME log in to?")
    password = None
    if args.user:
        password = read_password(environ, stdin)
        if password is None:
            parser.error(
                f"--user needs a password: set ${PASSWORD_VARIABLE} or give it as one line "
                "on standard input"
            )
    # Qt loads late so that --help and --version work without a display.
    from vaxla_desktop import policies as policy
    from vaxla_desktop.app import AppOptions
    from vaxla_desktop.i18n import Language

    rules = policy.system_policies()
    server_locked = rules.is_locked(policy.SERVER_URL)
    return AppOptions(
        # A locked server is the only one; unlocked, it comes after the user's last one.
        server_url=rules.server_url if server_locked else args.server,
        username=args.user,
        password=password,
        fingerprint=args.fingerprint,
        minimized=rules.decide(
            policy.START_MINIMIZED, rules.start_minimized, args.minimized or None, False
        ),
        auto_answer=args.auto_answer,
        dial=args.link,
        screenshot=args.screenshot,
        language=rules.decide(
            policy.LANGUAGE,
            rules.language,
            Language(args.language) if args.language else None,
            None,
        ),
        settings_path=args.settings,
        discovery=not args.no_discovery and not server_locked,
        queues=args.queues,
        log_file=args.log_file,
        verbose=args.verbose,
        policies=rules,
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv, os.environ, sys.stdin)
    from vaxla_desktop.app import run

    return run(options)
