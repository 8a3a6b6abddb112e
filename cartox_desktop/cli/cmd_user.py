"""``cartox user add NAME --role nurse|physician|admin``: add a local user (cli.md).

The new password comes from ``$CARTOX_NEW_PASSWORD`` or is asked twice. An admin must act
(``--user``), except for the first user of an empty database, who becomes an admin.
"""

from __future__ import annotations

import argparse
from typing import Any

ROLES = ("nurse", "physician", "admin")


def register(sub: Any, verb: str, help_text: str) -> None:
    p = sub.add_parser(verb, help=help_text, description=help_text)
    actions = p.add_subparsers(dest="user_action", metavar="ACTION")
    actions.required = True
    add = actions.add_parser("add", help="add a user (admins only; the first user of an empty database "
                                         "becomes an admin)")
    add.add_argument("name", help="user name (letters, digits, . _ -)")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--display-name", dest="display_name", help="full name shown on records and PDFs")
    unlock = actions.add_parser("unlock", help="clear a lock-out after repeated wrong passwords (admins)")
    unlock.add_argument("name")
    actions.add_parser("list", help="list users and their roles")
    p.set_defaults(run=run)


def _new_password() -> str:
    import os

    from .main import UsageError
    from .session import read_password

    if "CARTOX_NEW_PASSWORD" in os.environ:
        return os.environ["CARTOX_NEW_PASSWORD"]
    first = read_password("new user's password: ", env="CARTOX_NEW_PASSWORD")
    second = read_password("repeat the password: ", env="CARTOX_NEW_PASSWORD")
    if first != second:
        raise UsageError("password: the two entries differ; nothing was saved")
    return first


def run(args: argparse.Namespace) -> int:
    from cartox_desktop.services import ServiceError, add_user, count_users, list_users, unlock_user

    from .main import UsageError
    from .session import login_cli_user, open_cli_store

    store = open_cli_store(args)
    try:
        if args.user_action == "list":
            for u in list_users(store):
                state = "locked" if u.locked_until else ("active" if u.active else "deactivated")
                print(f"{u.username}\t{u.role}\t{state}\t{u.display_name}")
            return 0
        if args.user_action == "unlock":
            actor = login_cli_user(args, store, "unlock a user")
            unlock_user(store, actor, args.name)
            print(f"unlocked user {args.name}")
            return 0
        first = count_users(store) == 0
        acting = None if first else login_cli_user(args, store, "add a user")
        password = _new_password()
        info = add_user(store, acting, args.name, password, args.role, args.display_name)
        note = " (the first user of this database is always an admin)" if first and args.role != "admin" else ""
        print(f"added user {info.username} with role {info.role}{note}")
        return 0
    except ServiceError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        store.close()
