"""``cartox audit verify | export --out FILE.csv [--mrn] [--since] | regrade`` (cli.md).

verify: exit 0 and ``verified N events`` when intact; exit 1 with the first broken event when
anything was altered, removed or reordered, or a stored record no longer matches the trail.
regrade: exit 0 when no stored grade differs from the current rules, 1 when some do.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any


def register(sub: Any, verb: str, help_text: str) -> None:
    p = sub.add_parser(verb, help=help_text, description=help_text)
    actions = p.add_subparsers(dest="audit_action", metavar="ACTION")
    actions.required = True
    verify = actions.add_parser(
        "verify", help="check the hash chain and that every record matches its latest audited version")
    verify.add_argument("--anchor", action="append", default=[], metavar="SEQ:HASH",
                        help="a chain head kept outside the database (printed on every PDF as '#SEQ HASH'); "
                             "it must still be in the trail, unchanged. Repeatable")
    export = actions.add_parser("export", help="the audit trail as CSV (logged as an export)")
    export.add_argument("--out", required=True, help="CSV file to write")
    export.add_argument("--mrn", help="only this patient's events")
    export.add_argument("--since", help="only events from this local date on (YYYY-MM-DD)")
    actions.add_parser("regrade", help="re-grade every stored assessment with the current rules; list differences")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .main import UsageError
    from .session import open_cli_store

    store = open_cli_store(args)
    try:
        if args.audit_action == "verify":
            return _verify(store, _anchors(args.anchor))
        if args.audit_action == "regrade":
            return _regrade(store)
        return _export(args, store)
    except UsageError:
        raise
    except Exception as exc:
        from cartox_desktop.services import ServiceError

        if isinstance(exc, ServiceError):
            raise UsageError(str(exc)) from exc
        raise
    finally:
        store.close()


def _anchors(values: list[str]) -> list[tuple[int, str]]:
    import re

    from .main import UsageError

    anchors = []
    for value in values:
        match = re.fullmatch(r"\s*#?(\d+)\s*[: ]\s*([0-9a-fA-F]{64})\s*", value)
        if match is None:
            raise UsageError(f"--anchor {value!r}: expected SEQ:HASH, the event number and its 64 hex digits "
                             "as printed on a PDF (e.g. 1042:3f9a...)")
        anchors.append((int(match.group(1)), match.group(2).lower()))
    return anchors


def _verify(store: Any, anchors: list[tuple[int, str]] | None = None) -> int:
    from cartox_desktop.services import verify

    report = verify(store, anchors=anchors or ())
    if report.ok:
        head = f"; chain head #{report.head.seq} {report.head.hash}" if report.head else ""
        print(f"verified {report.events} events and {report.records} records in {report.seconds:.2f} s{head}")
        return 0
    first = report.problems[0]
    print(f"audit trail NOT intact: {first.message}", file=sys.stderr)
    if len(report.problems) > 1:
        print(f"({len(report.problems) - 1} more problem(s); the first is shown)", file=sys.stderr)
        for other in report.problems[1:6]:
            print(f"  also: {other.message}", file=sys.stderr)
    print(f"checked {report.events} intact events before the break", file=sys.stderr)
    return 1


def _regrade(store: Any) -> int:
    from cartox_desktop.clinical import RULES_VERSION
    from cartox_desktop.services import regrade_all

    differences = regrade_all(store)
    if not differences:
        print(f"no stored grade differs from the current rules ({RULES_VERSION})")
        return 0
    for d in differences:
        where = f"{d.mrn} {d.case_id} {d.time.isoformat(timespec='minutes')}" if d.case_id and d.time else d.mrn
        if d.note:
            print(f"{where}\t{d.scale}: {d.note} (stored by {d.stored_rules_version}; now {d.current_rules_version})")
        else:
            print(f"{where}\t{d.scale}: stored {d.stored_grade} ({d.stored_rules_version}) -> now {d.current_grade} "
                  f"({d.current_rules_version})")
    print(f"{len(differences)} stored grade(s) differ from the current rules", file=sys.stderr)
    return 1


def _export(args: argparse.Namespace, store: Any) -> int:
    from cartox_desktop.services import export_audit_csv

    from .main import UsageError
    from .session import login_cli_user

    since = None
    if args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError as exc:
            raise UsageError(f"--since {args.since!r}: expected a date such as 2026-03-04 (YYYY-MM-DD)") from exc
    actor = login_cli_user(args, store, "export the audit trail")
    result = export_audit_csv(store, actor, Path(args.out), mrn=args.mrn, since=since)
    print(f"exported {result.rows} audit events to {result.path} (sha256 {result.sha256}); logged as event "
          f"#{result.event_seq}")
    return 0
