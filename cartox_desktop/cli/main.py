"""Entry point of the ``cartox`` console script (contract: shared/spec/cli.md).

Each verb lives in its own module exposing ``register(subparsers)``; the module is imported
only for the verb that runs, so ``cartox grade`` never pays for Qt, SQLAlchemy or ReportLab.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from cartox_desktop import __version__

# (verb, module, one-line help). Modules are imported lazily by ``_load``.
VERBS: list[tuple[str, str, str]] = [
    ("grade", "cartox_desktop.cli.cmd_grade", "grade a case (JSON) or cases (JSON Lines); stores nothing"),
    ("user", "cartox_desktop.cli.cmd_user", "manage users: user add NAME --role nurse|physician|admin"),
    ("demo", "cartox_desktop.cli.cmd_demo", "fill the database with a demonstration ward (user demo, password demo)"),
    ("record", "cartox_desktop.cli.cmd_record", "store a case file as a new patient through the audit trail"),
    ("audit", "cartox_desktop.cli.cmd_audit", "audit trail: verify | export --out FILE.csv | regrade"),
    ("backup", "cartox_desktop.cli.cmd_backup", "a consistent copy of the database while it is in use"),
    ("labs", "cartox_desktop.cli.cmd_labs", "laboratory CSV: labs import FILE --mapping NAME (preview, store after confirmation)"),
    ("export", "cartox_desktop.cli.cmd_export", "exports: export fhir MRN --out FILE.json | export registry --out FILE.csv [--since DATE]"),
    ("handover", "cartox_desktop.cli.cmd_handover", "the ward handover PDF of every active patient: handover --out FILE.pdf [--at TIME]"),
    ("report", "cartox_desktop.cli.cmd_report", "one patient's toxicity summary PDF: report MRN --out FILE.pdf"),
    ("discharge", "cartox_desktop.cli.cmd_discharge", "the patient and caregiver discharge sheet PDF: discharge MRN --out FILE.pdf"),
    ("gui", "cartox_desktop.cli.cmd_gui", "start the desktop app (the same as cartox-desktop)"),
]


class UsageError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def _load(module_name: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(module_name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cartox",
        description="CARTOX Desktop command line. Supports, never replaces, clinical judgement.",
    )
    parser.add_argument("--version", action="version", version=f"cartox {__version__}")
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: $CARTOX_DB_URL, else the embedded SQLite file)")
    parser.add_argument("--user", default=None, help="who is acting (password from $CARTOX_PASSWORD or the terminal)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    sub.required = True
    # Only the module of the verb being run is imported (fast start for `cartox grade`);
    # for --help every verb is loaded so the listing is complete.
    wanted = _wanted_verb(sys.argv[1:])
    for verb, module, help_text in VERBS:
        if wanted is None or wanted == verb:
            _load(module).register(sub, verb, help_text)
        else:
            sub.add_parser(verb, help=help_text)
    return parser


def _wanted_verb(argv: Sequence[str]) -> str | None:
    known = {v for v, _, _ in VERBS}
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--db", "--user"):
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in known else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # bundle: a spawned audit-verify worker runs here and exits
        import multiprocessing

        multiprocessing.freeze_support()
    if argv is not None:
        sys.argv = [sys.argv[0], *argv]
    parser = build_parser()
    args = parser.parse_args()
    debug = args.debug or os.environ.get("CARTOX_DEBUG") == "1"
    try:
        code: int = args.run(args)
        return code
    except UsageError as exc:
        print(f"cartox: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cartox: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `cartox grade | head`: the reader went away; that is not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # a traceback is never shown to a user unless --debug
        if debug:
            raise
        print(f"cartox: error: {exc} (run with --debug for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
