"""``cartox labs import FILE --mapping NAME``: import a laboratory CSV export (cli.md, issue 7).

The file is read with the named column mapping (bundled ``resources/lab-mappings.toml``, the
saved mappings file, the hospital's mappings in the ward settings, or ``--mappings FILE``),
every value converted to the case-format unit and validated; the preview is printed (one line per value with its conversion, then every
refused row with its column, value and what is accepted, then the unknown MRNs). Nothing is
stored unless every row is valid and every MRN known (``--skip-unknown-mrns`` leaves the rows of
unknown MRNs out, explicitly), and the user confirms on the terminal or gave ``--yes``. Invalid
input: exit 2, nothing stored. The whole file is stored in one transaction
(``services.import_labs``: all or nothing); each stored entry's audit event names the file and
its SHA-256.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_INVALID = 0, 2


def register(sub: Any, verb: str, help_text: str) -> None:
    p = sub.add_parser(verb, help=help_text, description=help_text)
    actions = p.add_subparsers(dest="labs_action", metavar="ACTION")
    actions.required = True
    imp = actions.add_parser(
        "import", help="import a laboratory CSV export: preview, then store after confirmation",
        description="Read a laboratory CSV with a column mapping, convert and validate every value, print the "
                    "preview, and store the values after confirmation (nothing is stored when any row is invalid).")
    imp.add_argument("file", help="the laboratory CSV file")
    imp.add_argument("--mapping", required=True, help="name of the column mapping (e.g. generic-si, generic-us)")
    imp.add_argument("--mappings", metavar="FILE",
                     help="a mappings file (TOML or JSON) to use besides the bundled and saved ones")
    imp.add_argument("--yes", action="store_true", help="store without asking once every row is valid")
    imp.add_argument("--skip-unknown-mrns", action="store_true",
                     help="leave out the rows of MRNs that are not in the record store (default: refuse the file)")
    p.set_defaults(run=run)


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        from .main import UsageError

        raise UsageError("nothing stored: no terminal to confirm on; review the preview and run again with --yes")
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in ("y", "yes")


def run(args: argparse.Namespace) -> int:
    from cartox_desktop.interop.labcsv import LabFileInvalid, MappingInvalid
    from cartox_desktop.services import ServiceError, ValidationFailed
    from cartox_desktop.services.interop import import_lab_preview, load_lab_mappings, preview_lab_file

    from .main import UsageError
    from .session import login_cli_user, open_cli_store, print_problems

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read lab file {args.file}: {exc.strerror}") from exc
    store = open_cli_store(args)
    try:
        try:
            mappings = load_lab_mappings(Path(args.mappings) if args.mappings else None, store=store)
        except MappingInvalid as exc:
            print(f"cartox: lab mappings refused: {len(exc.problems)} problem(s); nothing was stored",
                  file=sys.stderr)
            for problem in exc.problems:
                print(f"cartox: {problem}", file=sys.stderr)
            return EXIT_INVALID
        if args.mapping not in mappings:
            raise UsageError(f"--mapping {args.mapping!r}: no such mapping (accepted: {', '.join(sorted(mappings))})")
        mapping, source = mappings[args.mapping]
        actor = login_cli_user(args, store, "import lab results")
        try:
            checked = preview_lab_file(store, data, path.name, mapping)
        except LabFileInvalid as exc:
            print(f"cartox: {path.name}: cannot be read with mapping {mapping.name!r} ({source}); nothing was stored",
                  file=sys.stderr)
            for issue in exc.issues:
                print(f"cartox: {issue.describe()}", file=sys.stderr)
            return EXIT_INVALID
        print(checked.render_text())
        preview = checked.preview
        blocking = bool(preview.issues) or (bool(preview.unknown_mrns) and not args.skip_unknown_mrns)
        if blocking:
            what = []
            if preview.issues:
                what.append(f"{len(preview.bad_rows)} row(s) refused")
            if preview.unknown_mrns and not args.skip_unknown_mrns:
                what.append(f"{len(preview.unknown_mrns)} unknown MRN(s) (--skip-unknown-mrns leaves their rows out)")
            print(f"cartox: {path.name}: {'; '.join(what)}; nothing was stored", file=sys.stderr)
            return EXIT_INVALID
        values = preview.importable_values(args.skip_unknown_mrns)
        patients = len({v.mrn for v in values})
        if not values:
            print(f"cartox: {path.name}: no value to store (every MRN is unknown); nothing was stored", file=sys.stderr)
            return EXIT_INVALID
        if not args.yes and not _confirm(f"Store {len(values)} lab value(s) for {patients} patient(s) as {actor.username}?"):
            print("not confirmed: nothing was stored")
            return EXIT_OK
        try:
            result = import_lab_preview(store, actor, checked, skip_unknown_mrns=args.skip_unknown_mrns)
        except ValidationFailed as exc:
            print(f"cartox: {path.name}: {len(exc.errors)} problem(s); nothing was stored", file=sys.stderr)
            print_problems(list(exc.errors))
            return EXIT_INVALID
        skipped = (f"; {result.skipped_duplicates} value(s) already stored were skipped"
                   if result.skipped_duplicates else "")
        events = ", ".join(f"#{s}" for s in result.import_event_seqs)
        print(f"stored {result.values} lab value(s) in {result.entries} lab entr{'y' if result.entries == 1 else 'ies'} "
              f"for {result.patients} patient(s) from {result.file_name} (sha256 {result.sha256}){skipped}; "
              f"import logged as event(s) {events or '-'}")
        return EXIT_OK
    except ServiceError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        store.close()
