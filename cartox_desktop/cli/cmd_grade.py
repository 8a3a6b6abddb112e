"""``cartox grade [FILE]``: grade a case (JSON) or cases (JSON Lines); stores nothing.

Contract: shared/spec/case-format.md ("Errors", "JSON Lines") and cli.md. Imports only the
clinical core and the protocol file, so one case grades in a fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_OK, EXIT_INVALID = 0, 2


def register(sub: Any, verb: str, help_text: str) -> None:
    p = sub.add_parser(verb, help=help_text, description=help_text)
    p.add_argument("file", nargs="?", help="case file (JSON or JSON Lines); default: standard input")
    p.add_argument("--protocol", help="protocol TOML file (default: the bundled resources/protocol.toml)")
    p.add_argument("--as-of", dest="as_of", help="judge alerts at this local time (default: the case's latest record)")
    p.set_defaults(run=run)


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _invalid_json(message: str) -> dict[str, Any]:
    return {"errors": [{"path": "", "value": None, "message": message}]}


def run(args: argparse.Namespace) -> int:
    from datetime import datetime
    from pathlib import Path

    from cartox_desktop.clinical import CaseInvalid, ProtocolInvalid, grade_case, parse_case
    from cartox_desktop.resources import default_protocol, load_protocol

    from .main import UsageError

    try:
        text = Path(args.file).read_text(encoding="utf-8-sig") if args.file else sys.stdin.read()
        text = text.removeprefix("\ufeff")  # a byte-order mark from a Windows editor is not part of the JSON
    except OSError as exc:
        raise UsageError(f"cannot read case file {args.file}: {exc.strerror}") from exc
    try:
        protocol = load_protocol(Path(args.protocol)) if args.protocol else default_protocol()
    except (OSError, ProtocolInvalid) as exc:
        raise UsageError(f"protocol file {args.protocol or 'resources/protocol.toml'}: {exc}") from exc
    as_of = None
    if args.as_of:
        try:
            as_of = datetime.fromisoformat(args.as_of)
        except ValueError as exc:
            raise UsageError(f"--as-of {args.as_of!r}: expected a local time such as 2026-03-04T08:00") from exc

    def grade_one(data: Any) -> dict[str, Any]:
        return grade_case(parse_case(data), protocol, as_of).to_json()

    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        document = None
        lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        if len(lines) <= 1:
            where = lines[0][0] if lines else 1
            print(_dump(_invalid_json(f"line {where}: not valid JSON (expected one case object or JSON Lines)")),
                  file=sys.stderr)
            return EXIT_INVALID
    else:
        try:
            print(_dump(grade_one(document)))
        except CaseInvalid as exc:
            print(_dump(exc.to_json()), file=sys.stderr)
            return EXIT_INVALID
        return EXIT_OK

    status = EXIT_OK
    out = sys.stdout
    for n, line in lines:
        try:
            out.write(_dump(grade_one(json.loads(line))) + "\n")
        except json.JSONDecodeError as exc:
            status = EXIT_INVALID
            out.write(_dump({"line": n, "errors": [{"path": "", "value": None,
                                                     "message": f"not valid JSON: {exc.msg} at column {exc.colno}"}]}) + "\n")
        except CaseInvalid as exc:
            status = EXIT_INVALID
            out.write(_dump({"line": n, **exc.to_json()}) + "\n")
    return status
