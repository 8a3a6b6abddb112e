"""Every worked case of shared/cases/public.jsonl, through the core API and through `cartox grade`.

`expected` maps dotted output paths to values; `expect_error` lists error paths that must appear.
The file is read from ../shared/cases/public.jsonl beside the repository when present, else from
tests/data/public.jsonl (a copy).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .helpers import cli_command, resolve

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared" / "cases" / "public.jsonl"
LOCAL = REPO / "tests" / "data" / "public.jsonl"
PUBLIC = SHARED if SHARED.is_file() else LOCAL


def _load() -> list[dict[str, Any]]:
    rows = []
    with PUBLIC.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
    return rows


CASES = _load()


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, bool) or want is None:
        return got is want
    if isinstance(want, int | float) and not isinstance(want, bool):
        return not isinstance(got, bool) and isinstance(got, int | float) and got == pytest.approx(want, abs=1e-9)
    if isinstance(want, list) and all(isinstance(x, str) for x in want):
        # `unassessed` names a set of domains: order is not part of the contract
        return isinstance(got, list) and sorted(got) == sorted(want)
    return bool(got == want)


def _check(row: dict[str, Any], out: dict[str, Any] | None, errs: list[dict[str, Any]] | None) -> None:
    if "expect_error" in row:
        assert errs is not None, f"{row['id']}: invalid case accepted: {out!r}"
        paths = [e["path"] for e in errs]
        for p in row["expect_error"]:
            assert p in paths, f"{row['id']}: no error at {p}; got {paths}"
        return
    assert errs is None, f"{row['id']}: valid case refused: {errs!r}"
    assert out is not None
    for dotted, want in row["expected"].items():
        got = resolve(out, dotted)
        if dotted.endswith(".grade") or dotted.endswith("_grade"):
            assert not isinstance(got, bool), f"{row['id']}: {dotted} is a boolean"
        assert _same(got, want), f"{row['id']} ({row['description']}): {dotted} = {got!r}, expected {want!r}"


def test_public_file_found() -> None:
    assert PUBLIC.is_file()
    assert len(CASES) >= 17
    assert LOCAL.is_file(), "tests/data/public.jsonl (the fallback copy) is missing"


@pytest.mark.parametrize("row", CASES, ids=[c["id"] for c in CASES])
def test_public_case_core(row: dict[str, Any]) -> None:
    from cartox_desktop.clinical import CaseInvalid, grade_case_json

    try:
        out, errs = grade_case_json(row["case"]), None
    except CaseInvalid as exc:
        out, errs = None, exc.to_json()["errors"]
    _check(row, out, errs)


@pytest.mark.parametrize("row", CASES, ids=[c["id"] for c in CASES])
def test_public_case_cli(row: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(row["case"], indent=2), encoding="utf-8")
    proc = subprocess.run([*cli_command(), "grade", str(path)], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr
    if "expect_error" in row:
        assert proc.returncode == 2, proc
        assert proc.stdout.strip() == "", "nothing may be written on invalid input"
        body = json.loads(proc.stderr)
        _check(row, None, body["errors"])
    else:
        assert proc.returncode == 0, proc.stderr
        _check(row, json.loads(proc.stdout), None)


def test_public_cases_as_json_lines() -> None:
    """All worked cases in one JSON Lines stream: one output line per input line, in order."""
    stdin = "".join(json.dumps(r["case"]) + "\n" for r in CASES)
    proc = subprocess.run([*cli_command(), "grade"], input=stdin, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr
    any_invalid = any("expect_error" in r for r in CASES)
    assert proc.returncode == (2 if any_invalid else 0)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    assert len(lines) == len(CASES)
    for n, (row, line) in enumerate(zip(CASES, lines, strict=True), start=1):
        obj = json.loads(line)
        if "expect_error" in row:
            assert obj.get("line") == n
            _check(row, None, obj["errors"])
        else:
            _check(row, obj, None)


# The worked example of case-format.md (Input → Output), checked value by value.
FORMAT_EXAMPLE: dict[str, Any] = {
    "patient": {"age_years": 58, "weight_kg": 82.0},
    "product": "axi-cel",
    "infusion_date": "2026-03-01",
    "baseline_labs": {"anc_per_ul": 1800, "hemoglobin_g_dl": 10.2, "platelets_per_ul": 140000,
                      "crp_mg_dl": 1.2, "ferritin_ng_ml": 900},
    "upper_limits": {"ferritin_ng_ml": 400, "alt_u_l": 40, "ast_u_l": 40, "ldh_u_l": 250},
    "assessments": [{
        "id": "a1", "time": "2026-03-03T08:00", "temperature_c": 38.6, "systolic_bp_mmhg": 84,
        "hypotension": True, "fluid_bolus_given": True,
        "vasopressors": [{"agent": "norepinephrine", "dose_mcg_kg_min": 0.08}],
        "spo2_percent": 93, "o2_device": "nasal_cannula", "o2_flow_l_min": 4,
        "ice": {"year": 1, "month": 1, "city": 1, "hospital": 1, "naming": 3, "commands": 1, "writing": 0,
                "attention": 1},
        "consciousness": "awake", "seizure": "none", "motor_weakness": "none", "raised_icp": [], "other_cause": [],
        "labs": {"anc_per_ul": 400, "ldh_u_l": 420, "creatinine_mg_dl": 1.1, "platelets_per_ul": 90000,
                 "crp_mg_dl": 8.5, "ferritin_ng_ml": 2400},
    }],
    "labs": [{"date": "2026-03-05", "anc_per_ul": 300}],
    "interventions": [{"time": "2026-03-03T09:00", "drug": "tocilizumab", "dose_mg": 656}],
    "death": None,
}
FORMAT_EXPECTED: dict[str, Any] = {
    "assessments[0].id": "a1", "assessments[0].day": 2,
    "assessments[0].crs_astct.grade": 3, "assessments[0].crs_astct.version": "ASTCT 2019",
    "assessments[0].crs_astct.complete": True, "assessments[0].crs_astct.unassessed": [],
    "assessments[0].crs_ctcae.grade": 3, "assessments[0].crs_ctcae.version": "CTCAE v5.0",
    "assessments[0].crs_ctcae.complete": True,
    "assessments[0].icans_astct.grade": 1, "assessments[0].icans_astct.ice_score": 9,
    "assessments[0].icans_astct.complete": True,
    "assessments[0].easix": 5.13, "assessments[0].m_easix": 39.67,
    "course.crs_max_grade": 3, "course.crs_onset_day": 2,
    "course.icans_max_grade": 1, "course.icans_onset_day": 2,
    "course.icaht.early_grade": 1, "course.icaht.late_grade": None,
    "course.car_hematotox.score": 2, "course.car_hematotox.risk": "high",
    "course.car_hematotox.points.platelets": 1, "course.car_hematotox.points.anc": 0,
    "course.car_hematotox.points.hemoglobin": 0, "course.car_hematotox.points.crp": 0,
    "course.car_hematotox.points.ferritin": 1,
    "course.iec_hs.met": False, "course.iec_hs.grade": None, "course.iec_hs.first_day": None,
}


def test_case_format_worked_example() -> None:
    from cartox_desktop.clinical import grade_case_json

    out = grade_case_json(FORMAT_EXAMPLE)
    _check({"id": "case-format-example", "description": "case-format.md example", "expected": FORMAT_EXPECTED},
           out, None)
    assert "fio2_estimated" in out["assessments"][0]["crs_ctcae"]["flags"]
    assert any("38.6" in r for r in out["assessments"][0]["crs_astct"]["reasons"])
    assert any("norepinephrine" in r.lower() for r in out["assessments"][0]["crs_astct"]["reasons"])
