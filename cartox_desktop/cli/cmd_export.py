"""``cartox export fhir MRN --out FILE.json`` and ``cartox export registry --out FILE.csv
[--since DATE]`` (cli.md, issue 7).

fhir: one patient's FHIR R4 Bundle (Patient, grade Observations on the ASTCT 2019 scale, the ICE
score with its items, lab Observations with LOINC codes and UCUM units, MedicationAdministration
for the infusion and every intervention); exit 2 for an unknown MRN.
registry: a row per patient (infusion on or after ``--since``) with the registry summary fields.
Every export is written whole or not at all and logged as an audit event with its SHA-256.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any


def register(sub: Any, verb: str, help_text: str) -> None:
    p = sub.add_parser(verb, help=help_text, description=help_text)
    kinds = p.add_subparsers(dest="export_kind", metavar="KIND")
    kinds.required = True
    fhir = kinds.add_parser("fhir", help="one patient's FHIR R4 Bundle (JSON)")
    fhir.add_argument("mrn", help="medical record number of the patient")
    fhir.add_argument("--out", required=True, help="JSON file to write")
    fhir.add_argument("--tz", help="the ward's time zone for the FHIR times, e.g. Europe/Paris "
                                   "(default: this computer's zone)")
    fhir.add_argument("--mrn-system", help="the hospital's MRN identifier system URI (default urn:cartox:mrn)")
    registry = kinds.add_parser("registry", help="registry summary CSV: a row per patient")
    registry.add_argument("--out", required=True, help="CSV file to write")
    registry.add_argument("--since", help="only patients infused on or after this date (YYYY-MM-DD)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cartox_desktop.services import ServiceError

    from .main import UsageError
    from .session import login_cli_user, open_cli_store

    tz = None
    since = None
    if args.export_kind == "fhir" and args.tz:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            tz = ZoneInfo(args.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise UsageError(f"--tz {args.tz!r}: not a known time zone (e.g. Europe/Paris, America/New_York)") from exc
    if args.export_kind == "registry" and args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError as exc:
            raise UsageError(f"--since {args.since!r}: expected a date such as 2026-03-04 (YYYY-MM-DD)") from exc
    store = open_cli_store(args)
    try:
        if args.export_kind == "fhir":
            from cartox_desktop.services.interop import export_fhir

            actor = login_cli_user(args, store, "export a patient (FHIR)")
            result = export_fhir(store, actor, args.mrn, Path(args.out), tz=tz, mrn_system=args.mrn_system)
            print(f"exported MRN {args.mrn.strip()} as a FHIR R4 Bundle of {result.rows} resources to {result.path} "
                  f"(sha256 {result.sha256}); logged as event #{result.event_seq}")
            return 0
        from cartox_desktop.services.interop import export_registry

        actor = login_cli_user(args, store, "export the registry summary")
        result = export_registry(store, actor, Path(args.out), since=since)
        print(f"exported {result.rows} patient(s) to {result.path} (sha256 {result.sha256}); "
              f"logged as event #{result.event_seq}")
        return 0
    except ServiceError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"--out {args.out}: cannot write the file: {exc.strerror}") from exc
    finally:
        store.close()
