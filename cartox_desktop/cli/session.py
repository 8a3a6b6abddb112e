"""Opening the database and identifying the acting user for the CLI verbs that store data.

``--db`` / ``$CARTOX_DB_URL`` / the embedded file (cli.md); ``--user`` with the password from
``$CARTOX_PASSWORD`` or the terminal. Every failure becomes a one-line ``UsageError``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING

from .main import UsageError

if TYPE_CHECKING:
    from cartox_desktop.services.dto import Actor
    from cartox_desktop.storage.store import Store


def open_cli_store(args: argparse.Namespace) -> Store:
    """Open (create, migrate) the database named by ``--db``; refuse a network share. The
    services activate the protocol of the ward settings (a broken one is refused when grading)."""
    from sqlalchemy.exc import OperationalError

    from cartox_desktop.services import ServiceError, open_store, protocol_status
    from cartox_desktop.storage import NetworkShareError

    try:
        store = open_store(args.db)
        problem = protocol_status().error
        if problem:  # said at start-up; every command that grades then refuses with the same line
            print(f"cartox: {problem}; nothing is graded until an admin fixes it (desktop app: File → "
                  "Settings → Ward)", file=sys.stderr)
        return store
    except ServiceError as exc:
        raise UsageError(str(exc)) from exc
    except NetworkShareError as exc:
        raise UsageError(str(exc)) from exc
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise UsageError(f"--db: cannot open the database: {reason}") from exc


def read_password(prompt: str, env: str = "CARTOX_PASSWORD") -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UsageError(f"no password: set {env} or run the command in a terminal to be asked")
    return getpass.getpass(prompt)


def cli_password(args: argparse.Namespace) -> str:
    cached: str | None = getattr(args, "_password", None)
    if cached is None:
        cached = read_password(f"password for {args.user}: ")
        args._password = cached
    return cached


def login_cli_user(args: argparse.Namespace, store: Store, action: str) -> Actor:
    """Log in ``--user`` (audited); required for every command that writes."""
    from cartox_desktop.services import ServiceError, login

    if not args.user:
        raise UsageError(f"--user NAME is required to {action}: every change is signed by a user")
    try:
        return login(store, args.user, cli_password(args), workstation="cartox command line")
    except ServiceError as exc:
        raise UsageError(str(exc)) from exc


def print_problems(errors: list[object]) -> None:
    """One line per refused field on standard error (cli.md)."""
    for issue in errors:
        describe = getattr(issue, "describe", None)
        print(f"cartox: {describe() if describe else issue}", file=sys.stderr)
