"""``cartox discharge MRN --out FILE.pdf`` (cli.md, issue 8): the patient and caregiver discharge sheet.

Warning signs with the ward's telephone number (ward settings), the product's dated driving and
distance advice and the follow-up appointments (protocol file), and a 14-day symptom diary.
Exit status 2 for an unknown MRN. The print is an audit event (``--user``).
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, verb: str, help_text: str) -> None:
    p = sub.add_parser(verb, help=help_text, description=help_text)
    p.add_argument("mrn", help="medical record number of the patient")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cartox_desktop.reports.discharge import print_discharge_sheet

    from .cmd_report import write_printed
    from .session import login_cli_user, open_cli_store

    store = open_cli_store(args)
    try:
        actor = login_cli_user(args, store, "print a discharge sheet")
        doc = write_printed(args.out, lambda: print_discharge_sheet(store, actor, args.mrn))
        data = doc.data
        phone = data.ward_phone or "none set (a line to write it on is printed)"
        print(f"printed the discharge sheet of MRN {data.patient.mrn} ({len(data.appointments)} appointments, "
              f"ward phone {phone}) to {args.out}; archived as audit event #{doc.event_seq}")
        return 0
    finally:
        store.close()
