"""``cartox handover --out FILE.pdf [--at TIME]`` (cli.md, issue 5).

The ward handover PDF of every active patient as of TIME (default now), in bed order: an overview
table, then one I-PASS page per patient. Printing is an audited act: the document's SHA-256 and
the inputs that re-create it are logged (``services.record_document_printed``), so ``--user`` is
required. The file appears only once that event is committed.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any


def register(sub: Any, verb: str, help_text: str) -> None:
    p = sub.add_parser(verb, help=help_text, description=help_text)
    p.add_argument("--out", required=True, help="PDF file to write")
    p.add_argument("--at", help="local time of the handover, e.g. 2026-03-04T07:00 (default: now)")
    p.add_argument("--ward", help="only the patients of this ward (default: $CARTOX_WARD, else every ward)")
    p.add_argument("--institution", help="institution printed in the header (default: the ward settings, else $CARTOX_INSTITUTION)")
    p.set_defaults(run=run)


def parse_at(value: str | None) -> datetime | None:
    from .main import UsageError

    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=None)
    except ValueError as exc:
        raise UsageError(f"--at {value!r}: expected a local time such as 2026-03-04T07:00 (YYYY-MM-DDTHH:MM)") from exc


def run(args: argparse.Namespace) -> int:
    from cartox_desktop.reports.assemble import ReportSettings, print_handover

    from .cmd_report import write_printed
    from .session import login_cli_user, open_cli_store

    at = parse_at(args.at)
    store = open_cli_store(args)
    try:
        settings = ReportSettings.from_store(store, ward=args.ward, institution=args.institution)
        actor = login_cli_user(args, store, "print the ward handover")
        doc = write_printed(args.out, lambda: print_handover(store, actor, as_of=at, settings=settings))
        data = doc.data
        n = len(data.patients)
        print(f"printed the ward handover of {n} patient{'s' if n != 1 else ''} ({data.meta.ward}) as of "
              f"{data.as_of:%Y-%m-%d %H:%M} to {args.out}; archived as audit event #{doc.event_seq}")
        return 0
    finally:
        store.close()
