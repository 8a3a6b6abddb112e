"""``cartox record FILE --mrn MRN --name NAME``: store a case file as a new patient (cli.md).

Everything goes through the audit trail; invalid input stores nothing and exits 2 with one line
per refused field. A case with an assessment graded 3 or more is signed with the acting user's
password (meaning "recorded").
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_INVALID = 2


def register(sub: Any, verb: str, help_text: str) -> None:
    p = sub.add_parser(verb, help=help_text, description=help_text)
    p.add_argument("file", help="case file (JSON, case-format.md)")
    p.add_argument("--mrn", required=True, help="medical record number of the new patient")
    p.add_argument("--name", required=True, help="patient name")
    p.add_argument("--ward")
    p.add_argument("--bed")
    p.add_argument("--dob", help="date of birth, YYYY-MM-DD")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cartox_desktop.services import (
        ServiceError,
        Signature,
        SignatureRequired,
        ValidationFailed,
        record_case,
    )

    from .main import UsageError
    from .session import cli_password, login_cli_user, open_cli_store, print_problems

    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read case file {args.file}: {exc.strerror}") from exc
    try:
        case = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{args.file}: not valid JSON at line {exc.lineno} column {exc.colno} "
                         "(expected one case object, case-format.md)") from exc
    store = open_cli_store(args)
    try:
        actor = login_cli_user(args, store, "record a case")
        options = {"mrn": args.mrn, "name": args.name, "ward": args.ward, "bed": args.bed, "date_of_birth": args.dob}
        try:
            try:
                result = record_case(store, actor, case, **options)
            except SignatureRequired:
                result = record_case(store, actor, case, signature=Signature(cli_password(args), "recorded"),
                                     **options)
        except ValidationFailed as exc:
            print(f"cartox: {args.file}: {len(exc.errors)} problem(s); nothing was stored", file=sys.stderr)
            print_problems(list(exc.errors))
            return EXIT_INVALID
        course = result.course
        maxima = f"; CRS max {course.crs_max_grade}, ICANS max {course.icans_max_grade}" if course else ""
        print(f"recorded {result.patient.mrn} ({result.patient.name}): {result.assessments} assessments, "
              f"{result.labs} labs, {result.interventions} interventions, {result.events} audit events{maxima}")
        return 0
    except ServiceError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        store.close()
