"""``cartox gui``: start the desktop app (the same as ``cartox-desktop``); ``--db`` is passed on."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, verb: str, help_text: str) -> None:
    p = sub.add_parser(verb, help=help_text, description=help_text + ". The global --db option chooses "
                       "the database; otherwise the app's settings, $CARTOX_DB_URL or the embedded file.")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cartox_desktop.__main__ import main

    return main(["--db", args.db] if getattr(args, "db", None) else [])
