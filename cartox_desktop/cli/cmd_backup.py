"""``cartox backup --out FILE``: a consistent copy of the database while it is in use (cli.md).

SQLite: the online backup API. PostgreSQL: a SQLite copy through SQLAlchemy (no pg_dump).
The backup is logged in the audit trail as an export.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any, verb: str, help_text: str) -> None:
    p = sub.add_parser(verb, help=help_text, description=help_text)
    p.add_argument("--out", required=True, help="new file to write (a SQLite database; never overwritten)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cartox_desktop.services import ServiceError, backup_database

    from .main import UsageError
    from .session import login_cli_user, open_cli_store

    store = open_cli_store(args)
    try:
        actor = login_cli_user(args, store, "make a backup")
        path, sha = backup_database(store, actor, Path(args.out))
        print(f"backup written to {path} ({path.stat().st_size} bytes, sha256 {sha})")
        return 0
    except ServiceError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        store.close()
