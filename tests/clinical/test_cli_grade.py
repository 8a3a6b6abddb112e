"""`cartox grade [FILE]` (cli.md; case-format.md "Errors"): JSON or JSON Lines, exit 0 / 2, errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .helpers import assessment, at, case, cli_command, contract_view, grade

GOOD = case(assessments=[assessment(temperature_c=38.6, hypotension=True,
                                    vasopressors=[{"agent": "norepinephrine", "dose_mcg_kg_min": 0.08}])])
GOOD2 = case(assessments=[assessment(id="x", time=at(3), ice_score=6)])
BAD = case(assessments=[assessment(temperature_c=386)])


def run(args: list[str], stdin: str | None = None, cmd: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*(cmd or cli_command()), *args], input=stdin, capture_output=True, text=True,
                          timeout=120, encoding="utf-8")
    assert "Traceback" not in proc.stderr, "cli.md: a traceback is never shown to a user unless --debug"
    return proc


def test_grade_file(tmp_path: Path) -> None:
    f = tmp_path / "case.json"
    f.write_text(json.dumps(GOOD), encoding="utf-8")
    proc = run(["grade", str(f)])
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["assessments"][0]["crs_astct"]["grade"] == 3
    assert contract_view(out) == contract_view(grade(GOOD)), "cli.md: nothing is graded differently from the core"


def test_grade_stdin_pretty_json() -> None:
    """A pretty-printed document over several lines is one JSON document, not JSON Lines."""
    proc = run(["grade"], stdin=json.dumps(GOOD, indent=2))
    assert proc.returncode == 0, proc.stderr
    assert contract_view(json.loads(proc.stdout)) == contract_view(grade(GOOD))


def test_grade_stdin_single_line_json() -> None:
    proc = run(["grade"], stdin=json.dumps(GOOD) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert contract_view(json.loads(proc.stdout)) == contract_view(grade(GOOD))


def test_grade_module_entry_point() -> None:
    """The brief: `python -m cartox_desktop.cli.main grade` is the same command."""
    proc = run(["grade"], stdin=json.dumps(GOOD), cmd=[sys.executable, "-m", "cartox_desktop.cli.main"])
    assert proc.returncode == 0, proc.stderr
    assert contract_view(json.loads(proc.stdout)) == contract_view(grade(GOOD))


def test_console_script_exists() -> None:
    """cli.md: one console script, `cartox`, installed with the package."""
    assert (Path(sys.executable).parent / "cartox").is_file()


def test_invalid_case_exit_2_errors_on_stderr(tmp_path: Path) -> None:
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(BAD), encoding="utf-8")
    proc = run(["grade", str(f)])
    assert proc.returncode == 2
    assert proc.stdout == "", "case-format Errors: nothing written anywhere (stdout stays empty)"
    body = json.loads(proc.stderr)  # one JSON object
    assert isinstance(body, dict) and isinstance(body["errors"], list)
    e = next(x for x in body["errors"] if x["path"] == "assessments[0].temperature_c")
    assert e["value"] == 386 and e["message"]


def test_invalid_case_names_every_bad_field() -> None:
    bad = case(patient={"age_years": 200}, assessments=[assessment(temperature_c=101.3, labs={"platelets_per_ul": 90})],
               labs=[{"date": "2026-03-02", "anc_per_ul": 1}, {"date": "2026-03-03", "anc_per_ul": -1}])
    proc = run(["grade"], stdin=json.dumps(bad))
    assert proc.returncode == 2
    assert proc.stdout == ""
    paths = {e["path"] for e in json.loads(proc.stderr)["errors"]}
    assert {"patient.age_years", "assessments[0].temperature_c", "assessments[0].labs.platelets_per_ul",
            "labs[1].anc_per_ul"} <= paths
    fahrenheit = next(e for e in json.loads(proc.stderr)["errors"] if e["path"] == "assessments[0].temperature_c")
    assert "°F" in fahrenheit["message"] and "38.5" in fahrenheit["message"]


def test_stderr_is_utf8_json_with_units() -> None:
    proc = run(["grade"], stdin=json.dumps(case(assessments=[assessment(labs={"hemoglobin_g_dl": 102})])))
    assert proc.returncode == 2
    (e,) = json.loads(proc.stderr)["errors"]
    assert e["path"] == "assessments[0].labs.hemoglobin_g_dl"
    assert "g/L" in e["message"]


# ---------------------------------------------------------------------------------------------
# JSON Lines (case-format Errors)
# ---------------------------------------------------------------------------------------------
def _lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_json_lines_all_valid() -> None:
    stdin = "".join(json.dumps(c) + "\n" for c in (GOOD, GOOD2, GOOD))
    proc = run(["grade"], stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 3, "one line on standard output per input line"
    outs = _lines(proc.stdout)
    assert [contract_view(o) for o in outs] == [contract_view(grade(c)) for c in (GOOD, GOOD2, GOOD)]


def test_json_lines_invalid_line_is_reported_and_others_graded() -> None:
    stdin = "".join(json.dumps(c) + "\n" for c in (GOOD, BAD, GOOD2))
    proc = run(["grade"], stdin=stdin)
    assert proc.returncode == 2, "the exit status is 2 when any line was invalid"
    outs = _lines(proc.stdout)
    assert len(proc.stdout.splitlines()) == 3
    assert contract_view(outs[0]) == contract_view(grade(GOOD))
    assert outs[1]["line"] == 2, "N is 1-based"
    assert any(e["path"] == "assessments[0].temperature_c" for e in outs[1]["errors"])
    assert contract_view(outs[2]) == contract_view(grade(GOOD2))


def test_json_lines_first_line_invalid() -> None:
    stdin = json.dumps(BAD) + "\n" + json.dumps(GOOD) + "\n"
    proc = run(["grade"], stdin=stdin)
    assert proc.returncode == 2
    outs = _lines(proc.stdout)
    assert outs[0]["line"] == 1 and outs[0]["errors"]
    assert contract_view(outs[1]) == contract_view(grade(GOOD))


def test_json_lines_line_that_is_not_json() -> None:
    stdin = json.dumps(GOOD) + "\n" + "{not json\n" + json.dumps(GOOD2) + "\n"
    proc = run(["grade"], stdin=stdin)
    assert proc.returncode == 2
    outs = _lines(proc.stdout)
    assert len(outs) == 3
    assert outs[1]["line"] == 2 and outs[1]["errors"]
    assert contract_view(outs[0]) == contract_view(grade(GOOD)) and contract_view(outs[2]) == contract_view(grade(GOOD2))


def test_json_lines_without_final_newline() -> None:
    stdin = json.dumps(GOOD) + "\n" + json.dumps(GOOD2)
    proc = run(["grade"], stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    assert [contract_view(o) for o in _lines(proc.stdout)] == [contract_view(grade(GOOD)), contract_view(grade(GOOD2))]


def test_json_lines_from_file(tmp_path: Path) -> None:
    f = tmp_path / "cases.jsonl"
    f.write_text(json.dumps(GOOD) + "\n" + json.dumps(BAD) + "\n", encoding="utf-8")
    proc = run(["grade", str(f)])
    assert proc.returncode == 2
    outs = _lines(proc.stdout)
    assert contract_view(outs[0]) == contract_view(grade(GOOD))
    assert outs[1]["line"] == 2


def test_json_lines_output_is_one_line_each() -> None:
    """Each output line is a complete JSON document (no pretty printing across lines)."""
    stdin = json.dumps(GOOD) + "\n" + json.dumps(GOOD2) + "\n"
    proc = run(["grade"], stdin=stdin)
    for line in proc.stdout.splitlines():
        json.loads(line)


@pytest.mark.parametrize("stdin", [
    pytest.param("not json at all", id="garbage"),
    pytest.param("", id="empty"),
    pytest.param("[1, 2, 3]", id="json-array"),
    pytest.param('"a string"', id="json-string"),
])
def test_unreadable_input_exit_2(stdin: str) -> None:
    proc = run(["grade"], stdin=stdin)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr


def test_missing_file_is_not_a_traceback(tmp_path: Path) -> None:
    proc = run(["grade", str(tmp_path / "nope.json")])
    assert proc.returncode != 0
    assert proc.stdout == ""


def test_grade_stores_nothing(tmp_path: Path) -> None:
    """cli.md: `cartox grade` stores nothing (no database file appears)."""
    import os

    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "CARTOX_DB_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    proc = subprocess.run([*cli_command(), "grade"], input=json.dumps(GOOD), capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "db.sqlite3").exists()
    assert not any(p.suffix in (".sqlite3", ".db") for p in tmp_path.rglob("*"))
