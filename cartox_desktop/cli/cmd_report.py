"""``cartox report MRN --out FILE.pdf`` (cli.md, issue 5): one patient's toxicity summary PDF.

The whole course: maximum grades with onset, resolution and duration, every assessment's grades
with reasons, treatments with doses, ICAHT, CAR-HEMATOTOX, IEC-HS, EASIX and the registry-style
summary fields. Exit status 2 for an unknown MRN. The print is an audit event (``--user``).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def register(sub: Any, verb: str, help_text: str) -> None:
    p = sub.add_parser(verb, help=help_text, description=help_text)
    p.add_argument("mrn", help="medical record number of the patient")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.add_argument("--institution", help="institution printed in the header (default: the ward settings, else $CARTOX_INSTITUTION)")
    p.set_defaults(run=run)


def write_printed(out_name: str, make: Callable[[], Any]) -> Any:
    """Make (build and archive) a document and write its PDF whole or not at all.

    The target folder is checked for writing before anything is archived; the file appears (by
    rename) only after the print event is committed."""
    from cartox_desktop.services import ServiceError

    from .main import UsageError

    out = Path(out_name)
    tmp = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb"):
            pass
    except OSError as exc:
        raise UsageError(f"--out {out_name}: cannot write the file: {exc.strerror}") from exc
    try:
        try:
            doc = make()
        except ServiceError as exc:
            raise UsageError(str(exc)) from exc
        with open(tmp, "wb") as handle:
            handle.write(doc.pdf)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
        return doc
    except OSError as exc:
        raise UsageError(f"--out {out_name}: cannot write the file: {exc.strerror}") from exc
    finally:
        if tmp.exists():
            tmp.unlink()


def run(args: argparse.Namespace) -> int:
    from cartox_desktop.reports.assemble import ReportSettings, print_patient_report

    from .session import login_cli_user, open_cli_store

    store = open_cli_store(args)
    try:
        settings = ReportSettings.from_store(store, institution=args.institution)
        actor = login_cli_user(args, store, "print a patient report")
        doc = write_printed(args.out, lambda: print_patient_report(store, actor, args.mrn, settings=settings))
        p = doc.data.patient
        print(f"printed the toxicity summary of MRN {p.mrn} ({len(doc.data.assessments)} assessments) to {args.out}; "
              f"archived as audit event #{doc.event_seq}")
        return 0
    finally:
        store.close()
