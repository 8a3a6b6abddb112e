"""The storage verbs of the ``cartox`` command line, exactly as cli.md specifies them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cartox_desktop.cli.main import main as cartox
from cartox_desktop.services import events, patient_timeline
from cartox_desktop.storage import Store, open_store

from .conftest import Backend
from .helpers import PASSWORD, assessment, grade3, raw_exec


@pytest.fixture
def db(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CARTOX_DB_URL", backend.url)
    monkeypatch.setenv("CARTOX_PASSWORD", PASSWORD)
    monkeypatch.setenv("CARTOX_NEW_PASSWORD", PASSWORD)
    assert cartox(["user", "add", "ada", "--role", "admin"]) == 0
    return backend.url


def _case(*assessments: dict[str, object]) -> dict[str, object]:
    return {"patient": {"age_years": 58, "weight_kg": 82.0}, "product": "axi-cel", "infusion_date": "2026-03-01",
            "assessments": list(assessments), "labs": [{"date": "2026-03-05", "anc_per_ul": 300}],
            "interventions": [{"time": "2026-03-03T09:00", "drug": "tocilizumab", "dose_mg": 656}], "death": None}


def _open(url: str) -> Store:
    return open_store(url)


def test_user_add_rules(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cartox(["user", "list"]) == 0
    assert capsys.readouterr().out.startswith("ada\tadmin\tactive")
    assert cartox(["user", "add", "nina", "--role", "nurse"]) == 2
    assert "--user NAME is required" in capsys.readouterr().err
    assert cartox(["--user", "ada", "user", "add", "nina", "--role", "nurse"]) == 0
    assert cartox(["--user", "nina", "user", "add", "eve", "--role", "admin"]) == 2
    assert "needs role admin" in capsys.readouterr().err


def test_record_valid_and_invalid_cases(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_case(assessment("2026-03-03T08:00", id="a1"), grade3("2026-03-03T12:00") | {"id": "a2"})))
    assert cartox(["--user", "ada", "record", str(good), "--mrn", "M-1", "--name", "Zoë Müller"]) == 0
    out = capsys.readouterr().out
    assert "recorded M-1 (Zoë Müller): 2 assessments, 1 labs, 1 interventions" in out and "CRS max 3" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_case(assessment(id="a1", temperature_c=101.3, seizure="fits"))))
    assert cartox(["--user", "ada", "record", str(bad), "--mrn", "M-2", "--name", "X"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "nothing was stored" in err[0]
    assert any(line.startswith("cartox: assessments[0].temperature_c = 101.3: ") for line in err)
    assert any("assessments[0].seizure = \"fits\"" in line and "one of" in line for line in err)
    store = _open(db)
    try:
        signed = [e for e in events(store) if e.entity == "assessment" and e.detail.get("signature")]
        assert len(signed) == 2 and signed[0].detail["signature"]["meaning"] == "recorded"
        with pytest.raises(Exception, match="M-2"):
            patient_timeline(store, mrn="M-2")
    finally:
        store.close()
    assert cartox(["--user", "ada", "record", str(tmp_path / "missing.json"), "--mrn", "M-3", "--name", "Y"]) == 2


def test_audit_export_is_csv_and_is_itself_logged(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "c.json"
    case.write_text(json.dumps(_case(assessment(id="a1"))))
    assert cartox(["--user", "ada", "record", str(case), "--mrn", "M-1", "--name", "Zoë"]) == 0
    out = tmp_path / "audit.csv"
    assert cartox(["--user", "ada", "audit", "export", "--out", str(out), "--mrn", "M-1"]) == 0
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {r["mrn"] for r in rows} == {"M-1"}
    assert {r["action"] for r in rows} == {"create"}
    assert json.loads(rows[1]["grades_after"])["crs_astct"] == 1
    store = _open(db)
    try:
        assert events(store)[-1].action == "export" and events(store)[-1].detail["kind"] == "audit_csv"
    finally:
        store.close()
    assert cartox(["--user", "ada", "audit", "export", "--out", str(out), "--since", "1.3.2026"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_audit_regrade_lists_stored_grades_that_differ(db: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "c.json"
    case.write_text(json.dumps(_case(assessment(id="a1"))))
    assert cartox(["--user", "ada", "record", str(case), "--mrn", "M-1", "--name", "Zoë"]) == 0
    capsys.readouterr()
    assert cartox(["audit", "regrade"]) == 0
    assert "no stored grade differs" in capsys.readouterr().out
    store = _open(db)
    try:  # a manual override behind the app's back
        raw_exec(store, "UPDATE assessment_grade SET crs_astct = 3, rules_version = 'cartox-rules 0.9'")
    finally:
        store.close()
    assert cartox(["audit", "regrade"]) == 1
    out = capsys.readouterr().out
    assert "M-1 a1 2026-03-03T08:00\tcrs_astct: stored 3 (cartox-rules 0.9) -> now 1" in out


def test_backup_is_consistent_and_verifies(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "c.json"
    case.write_text(json.dumps(_case(assessment(id="a1"))))
    assert cartox(["--user", "ada", "record", str(case), "--mrn", "M-1", "--name", "Zoë"]) == 0
    out = tmp_path / "copy.sqlite3"
    assert cartox(["--user", "ada", "backup", "--out", str(out)]) == 0
    assert "backup written to" in capsys.readouterr().out
    assert cartox(["--db", f"sqlite:///{out}", "audit", "verify"]) == 0
    assert "verified" in capsys.readouterr().out
    copy = open_store(f"sqlite:///{out}")
    try:
        assert patient_timeline(copy, mrn="M-1").assessments[0].case_id == "a1"
    finally:
        copy.close()
    assert cartox(["--user", "ada", "backup", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
