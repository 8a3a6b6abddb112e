"""``cartox demo``: fill the database with the demonstration ward (cli.md); user demo/demo."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, verb: str, help_text: str) -> None:
    p = sub.add_parser(verb, help=help_text, description=help_text + ". On a database that already has "
                       "users, an admin (--user) must act to add the demo user.")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cartox_desktop.services import AuthenticationFailed, ServiceError, count_users, login
    from cartox_desktop.services.demo import DEMO_PASSWORD, DEMO_USER, build_demo_ward

    from .main import UsageError
    from .session import login_cli_user, open_cli_store

    store = open_cli_store(args)
    try:
        acting = None
        if count_users(store) > 0:
            try:
                login(store, DEMO_USER, DEMO_PASSWORD, workstation="cartox demo")
            except AuthenticationFailed:
                if not args.user:
                    raise UsageError("user demo does not exist in this database, which already has users: an "
                                     "admin must add it, give --user ADMIN") from None
                acting = login_cli_user(args, store, "add the demo user")
        result = build_demo_ward(store, acting)
        made = "created user demo (password demo); " if result.created_user else ""
        if result.already_present:
            print(f"{made}the demonstration ward is already present (patients DEMO-0001 ...)")
        else:
            print(f"{made}demonstration ward ready: {result.patients} patients, {result.entries} entries "
                  "saved through the audit trail; log in as demo / demo")
        return 0
    except ServiceError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        store.close()
