"""``vaxla-server create-user``: add a user to a store from the command line.

The password never comes from the command line, where other users of the machine can
read it: it is taken from ``VAXLA_PASSWORD``, or read from standard input (prompted for
when that is a terminal).
"""

import argparse
import getpass
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from vaxla_protocol import Role
from vaxla_server.auth import Auth, AuthError, AuthSettings
from vaxla_server.store import StoreError, open_store

PASSWORD_VARIABLE = "VAXLA_PASSWORD"


def add_create_user_command(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    parser = commands.add_parser(
        "create-user",
        help="add a user who can log in",
        description=(
            f"Add a user to the store. The password is read from ${PASSWORD_VARIABLE}, "
            "or else from standard input (one line)."
        ),
        epilog=(
            "example: VAXLA_PASSWORD=... vaxla-server create-user --data-dir /var/lib/vaxla "
            "--username anna --role supervisor"
        ),
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--data-dir", type=Path, metavar="DIR", help="the server's data directory (SQLite)"
    )
    where.add_argument(
        "--database", metavar="URL", help="database URL, such as postgresql+psycopg://HOST/DB"
    )
    parser.add_argument("--username", required=True, help="the name to log in with")
    parser.add_argument(
        "--role", required=True, choices=[role.value for role in Role], help="what the user may do"
    )
    parser.add_argument(
        "--display-name", metavar="NAME", help="the name others see (default: the user name)"
    )
    parser.set_defaults(run=_create_user, log_level="warning")


def _read_password() -> str:
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is not None:
        return password
    if sys.stdin.isatty():
        return getpass.getpass("password: ")
    line = sys.stdin.readline()
    return line.removesuffix("\n").removesuffix("\r")


def _create_user(args: argparse.Namespace) -> None:
    password = _read_password()
    try:
        store = open_store(data_dir=args.data_dir, url=args.database)
    except StoreError as error:
        raise SystemExit(f"vaxla-server: {error}") from None
    with store:
        users = Auth.open(store, AuthSettings()).users
        try:
            user = users.create(
                args.username,
                password,
                args.role,
                now=datetime.now(UTC),
                display_name=args.display_name,
            )
        except AuthError as error:
            raise SystemExit(f"vaxla-server: {error}; no user was added") from None
    print(f"created user {user.username!r} ({user.role.value})")
