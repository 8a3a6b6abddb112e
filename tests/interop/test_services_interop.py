"""Interop through the record store: round trip to FHIR, audited exports, audited lab import."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fhir.resources.R4B.bundle import Bundle

from cartox_desktop import services as S
from cartox_desktop.interop.fhir import LAB_LOINC, LOINC, fhir_time, read_bundle
from cartox_desktop.interop.labcsv import LabFileInvalid, mappings_from_text
from cartox_desktop.services import interop as I

LOINC_TO_LAB = {spec[0]: lab for lab, spec in LAB_LOINC.items()}
GRADE_CODES = {"crs-grade-astct-2019": "crs_astct", "crs-grade-ctcae-5": "crs_ctcae",
               "icans-grade-astct-2019": "icans_astct"}


@pytest.fixture(scope="module")
def mappings(repo_root: Path):  # type: ignore[no-untyped-def]
    return mappings_from_text((repo_root / "resources" / "lab-mappings.toml").read_text(encoding="utf-8"))


def _event_count(store: Any) -> int:
    return len(S.events(store))


def _labs_of(store: Any, mrn: str) -> list[dict[str, Any]]:
    return [dict(r.content) for r in S.patient_timeline(store, mrn=mrn).labs if not r.voided]


# --- FHIR round trip -----------------------------------------------------------------------

def test_recorded_case_exported_to_fhir_reads_back_equal(store, actor, recorded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "exports" / "MRN-7.json"
    result = I.export_fhir(store, actor, "MRN-7", out, tz=ZoneInfo("Europe/Paris"))
    data = out.read_bytes()
    bundle = json.loads(data)
    Bundle.model_validate(bundle)  # a valid FHIR Bundle
    timeline = S.patient_timeline(store, mrn="MRN-7")

    # grades: what is stored for each assessment is what the export says, by reading the
    # Observations as any FHIR receiver would (code system + code, valueInteger)
    stored_grades = {a.case_id: a.grades for a in timeline.assessments}
    seen = 0
    for entry in bundle["entry"]:
        r = entry["resource"]
        if r["resourceType"] != "Observation":
            continue
        code = r["code"]["coding"][0]["code"]
        record = r["identifier"][0]["value"].split("/")
        if code in GRADE_CODES:
            stored = getattr(stored_grades[record[2]], GRADE_CODES[code])
            assert r.get("valueInteger") == stored, (record, stored)
            seen += 1
    assert seen == 3 * len(timeline.assessments)

    # lab values: every stored lab value comes back, found by LOINC code, in the case-format unit
    exported: dict[tuple[str, str], Any] = {}
    for entry in bundle["entry"]:
        r = entry["resource"]
        coding = r.get("code", {}).get("coding", [{}])[0]
        if r["resourceType"] == "Observation" and coding.get("system") == LOINC and coding["code"] in LOINC_TO_LAB:
            where = r.get("effectiveDateTime", "baseline")
            exported[(where, LOINC_TO_LAB[coding["code"]])] = r["valueQuantity"]["value"]
    expected: dict[tuple[str, str], Any] = {}
    paris = ZoneInfo("Europe/Paris")
    for a in timeline.assessments:
        for lab, v in (a.content.get("labs") or {}).items():
            expected[(fhir_time(a.content["time"], paris), lab)] = v
    for e in timeline.labs:
        when = e.content.get("time") or e.content.get("date")
        for lab, v in e.content.items():
            if lab not in ("time", "date"):
                expected[(fhir_time(when, paris), lab)] = v
    for lab, v in timeline.patient.baseline_labs.items():
        expected[("baseline", lab)] = v
    assert exported == expected and len(expected) > 20

    # and the round-trip reader agrees with the stored course
    back = read_bundle(bundle)
    assert back["course"]["crs-max-grade-astct-2019"] == timeline.course.crs_max_grade
    assert back["course"]["icans-max-grade-astct-2019"] == timeline.course.icans_max_grade

    # the export is an audit event naming the exact bytes
    event = S.events(store)[-1]
    assert (event.seq, event.action) == (result.event_seq, "export")
    assert event.detail["kind"] == "fhir_r4" and event.detail["mrn"] == "MRN-7"
    assert event.detail["sha256"] == hashlib.sha256(data).hexdigest() == result.sha256
    assert event.patient_id == timeline.patient.id and event.actor == "nurse1"
    assert S.verify(store).ok


def test_voided_records_are_not_exported(store, actor, recorded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lab = S.patient_timeline(store, mrn="MRN-7").labs[0]
    S.void_record(store, actor, "lab", lab.id, expected_version=lab.version, reason="wrong patient",
                  signature=S.Signature("interop-pass-1", "amended"))
    I.export_fhir(store, actor, "MRN-7", tmp_path / "p.json")
    text = (tmp_path / "p.json").read_text(encoding="utf-8")
    assert "MRN-7/labs/2026-03-06/anc_per_ul" not in text
    assert "MRN-7/labs/2026-03-07T06:15/anc_per_ul" in text


def test_unknown_mrn_writes_and_logs_nothing(store, actor, recorded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = _event_count(store)
    with pytest.raises(S.NotFound):
        I.export_fhir(store, actor, "NOPE", tmp_path / "x.json")
    assert not list(tmp_path.glob("x.json*")) and _event_count(store) == before


def test_registry_export_is_an_audit_event(store, actor, recorded, case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    later = dict(case, infusion_date="2026-05-01", assessments=[], labs=[], interventions=[])
    S.record_case(store, actor, later, mrn="MRN-8", name="Roe, Rick")
    out = tmp_path / "registry.csv"
    result = I.export_registry(store, actor, out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["mrn"] for r in rows] == ["MRN-7", "MRN-8"] and result.rows == 2
    first = rows[0]
    course = S.patient_timeline(store, mrn="MRN-7").course
    assert first["crs_max_grade"] == str(course.crs_max_grade) and first["tocilizumab"] == "yes"
    assert first["corticosteroids"] == "yes" and first["product"] == "axi-cel"
    event = S.events(store)[-1]
    assert event.action == "export" and event.detail["kind"] == "registry_csv"
    assert event.detail["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert event.detail["inputs"]["mrns"] == ["MRN-7", "MRN-8"]

    since = I.export_registry(store, actor, tmp_path / "since.csv", since=date(2026, 4, 1))
    assert since.rows == 1 and "MRN-8" in (tmp_path / "since.csv").read_text(encoding="utf-8")
    assert S.events(store)[-1].detail["inputs"]["since"] == "2026-04-01"


# --- lab import ----------------------------------------------------------------------------

GOOD = ("MRN,Collected,Test,Result,Unit\n"
        "MRN-7,2026-03-08T07:00,ANC,0.2,10^9/L\n"
        "MRN-7,2026-03-08T07:00,PLT,35,10^9/L\n"
        "MRN-7,2026-03-08T07:00,FERR,5200,µg/L\n"
        "MRN-7,2026-03-06,ANC,0.3,10^9/L\n"  # already stored (the case's own lab entry)
        "MRN-7,2026-03-09T07:00,CRP,12,mg/L\n"
        "MRN-7,2026-03-09T07:00,NA,139,mmol/L\n")


def test_lab_import_stores_and_audits_every_value_with_file_name_and_hash(store, actor, recorded, mappings) -> None:  # type: ignore[no-untyped-def]
    data = GOOD.encode()
    checked = I.preview_lab_file(store, data, "lab-2026-03-09.csv", mappings["generic-si"])
    assert checked.preview.ok and checked.patients["MRN-7"].mrn == "MRN-7"
    assert "day 7" in checked.render_text()
    stored_before = _labs_of(store, "MRN-7")

    result = I.import_lab_preview(store, actor, checked)
    assert (result.patients, result.entries, result.values, result.skipped_duplicates) == (1, 2, 4, 1)
    labs = _labs_of(store, "MRN-7")
    assert labs[: len(stored_before)] == stored_before
    assert {"time": "2026-03-08T07:00", "anc_per_ul": 200, "platelets_per_ul": 35000, "ferritin_ng_ml": 5200} in labs
    assert {"time": "2026-03-09T07:00", "crp_mg_dl": 1.2} in labs

    (event,) = [e for e in S.events(store) if e.action == "import"]
    assert event.seq == result.import_event_seqs[0]
    assert event.detail["file_name"] == "lab-2026-03-09.csv"
    assert event.detail["sha256"] == hashlib.sha256(data).hexdigest()
    assert event.detail["mapping"] == "generic-si" and event.detail["skipped_duplicates"] == 1
    traced = {v["lab"]: v for r in event.detail["records"] for v in r["values"]}
    assert traced["anc_per_ul"]["conversion"] == "ANC 0.2 10^9/L → 200 /µL" and traced["anc_per_ul"]["row"] == 2
    assert sorted(r["event_seq"] for r in event.detail["records"]) == sorted(result.lab_event_seqs)
    for seq in result.lab_event_seqs:  # each stored entry has its own create event, before the import event
        (created,) = [e for e in S.events(store) if e.seq == seq]
        assert created.action == "create" and created.entity == "lab"
    # the imported values are graded like typed ones (profound neutropenia extends ICAHT)
    assert S.patient_timeline(store, mrn="MRN-7").course.result["icaht"]["early_grade"] is not None
    assert S.verify(store).ok

    again = I.import_lab_preview(store, actor, I.preview_lab_file(store, data, "lab-2026-03-09.csv",
                                                                  mappings["generic-si"]))
    assert again.values == 0 and again.skipped_duplicates == 5
    assert _labs_of(store, "MRN-7") == labs


@pytest.mark.parametrize("body", [
    "MRN-7,2026-03-08T07:00,ANC,0.2,10^9/L\nMRN-7,2026-03-08T07:00,HB,300,g/L\n",  # impossible value
    "MRN-7,2026-03-08T07:00,ANC,0.2,10^9/L\nMRN-7,2026-03-08T07:00,ANC,1,mmol/L\n",  # unknown unit
    "MRN-7,2026-03-08T07:00,ANC,0.2,10^9/L\nMRN-9,2026-03-08T07:00,CRP,5,mg/L\n",  # unknown MRN
])
def test_invalid_lab_file_stores_nothing(store, actor, recorded, mappings, body: str) -> None:  # type: ignore[no-untyped-def]
    checked = I.preview_lab_file(store, ("MRN,Collected,Test,Result,Unit\n" + body).encode(), "bad.csv",
                                 mappings["generic-si"])
    assert not checked.preview.ok
    before, labs = _event_count(store), _labs_of(store, "MRN-7")
    with pytest.raises(S.ValidationFailed) as exc:
        I.import_lab_preview(store, actor, checked)
    assert "row 3" in str(exc.value) and "nothing was saved" in str(exc.value)
    assert _event_count(store) == before and _labs_of(store, "MRN-7") == labs


def test_unknown_mrn_rows_skipped_only_when_asked(store, actor, recorded, mappings) -> None:  # type: ignore[no-untyped-def]
    body = "MRN-7,2026-03-08T07:00,ANC,0.2,10^9/L\nMRN-9,2026-03-08T07:00,CRP,5,mg/L\n"
    checked = I.preview_lab_file(store, ("MRN,Collected,Test,Result,Unit\n" + body).encode(), "b.csv",
                                 mappings["generic-si"])
    result = I.import_lab_preview(store, actor, checked, skip_unknown_mrns=True)
    assert (result.patients, result.values) == (1, 1)


def test_malformed_lab_file_refused_before_anything(store, mappings) -> None:  # type: ignore[no-untyped-def]
    before = _event_count(store)
    with pytest.raises(LabFileInvalid) as exc:
        I.preview_lab_file(store, b"MRN,Collected,Test,Result,Unit\nMRN-7,2026-03-08T07:00,ANC,\"0.2,10^9/L\n",
                           "broken.csv", mappings["generic-si"])
    assert exc.value.issues[0].row == 2
    assert _event_count(store) == before


def test_mappings_saved_per_hospital(tmp_path: Path, monkeypatch, mappings) -> None:  # type: ignore[no-untyped-def]
    from cartox_desktop.interop.labcsv import parse_mapping

    saved = tmp_path / "settings" / "lab-mappings.toml"
    monkeypatch.setenv(I.ENV_LAB_MAPPINGS, str(saved))
    ours = parse_mapping("st-elsewhere", {**mappings["generic-si"].to_dict(), "mrn_column": "Patient number"})
    assert I.save_lab_mapping(ours) == saved
    loaded = I.load_lab_mappings()
    assert loaded["st-elsewhere"][0] == ours and loaded["st-elsewhere"][1] == str(saved)
    assert "generic-us" in loaded  # the bundled ones stay available
