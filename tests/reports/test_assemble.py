"""Phase 2: service data → view models → PDFs, printing archived in the audit trail, CLI verbs."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cartox_desktop.cli.main import main
from cartox_desktop.reports import build_patient_report_pdf
from cartox_desktop.reports.assemble import (
    ReportSettings,
    audit_report_data,
    handover_data,
    patient_report_data,
    print_audit_report,
    print_handover,
    print_patient_report,
)
from cartox_desktop.services import (
    PatientInput,
    Signature,
    add_assessment,
    add_intervention,
    add_lab,
    add_user,
    amend_record,
    configure_hashing,
    create_patient,
    discharge_patient,
    events,
    login,
)
from cartox_desktop.storage import open_store

from .helpers import flat, pages_text

PASSWORD = "correct horse"
ICE10 = {"year": 1, "month": 1, "city": 1, "hospital": 1, "naming": 3, "commands": 1, "writing": 1, "attention": 1}
SETTINGS = ReportSettings("Universitätsklinikum Süd", "7B")


def _obs(time: str, **kw: Any) -> dict[str, Any]:
    a: dict[str, Any] = {"time": time, "temperature_c": 36.9, "systolic_bp_mmhg": 122, "hypotension": False,
                         "o2_device": "room_air", "spo2_percent": 97, "ice": dict(ICE10), "consciousness": "awake",
                         "seizure": "none", "motor_weakness": "none", "raised_icp": []}
    a.update(kw)
    return a


@pytest.fixture(scope="module")
def ward(tmp_path_factory: pytest.TempPathFactory) -> Any:
    configure_hashing(time_cost=1, memory_cost_kib=1024, parallelism=1)
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'cartox.sqlite3'}"
    store = open_store(url)
    add_user(store, None, "anna", PASSWORD, "admin", "Anna Weiß")
    actor = login(store, "anna", PASSWORD)
    sig = Signature(PASSWORD, "recorded")
    base = {"anc_per_ul": 1800, "hemoglobin_g_dl": 10.2, "platelets_per_ul": 140000, "crp_mg_dl": 1.2,
            "ferritin_ng_ml": 900}
    jurgen = create_patient(store, actor, PatientInput(
        mrn="M-100", name="Groß-Böll, Jürgen", infusion_date="2026-03-01", age_years=58, weight_kg=82.0,
        ward="7B", bed="10", product="axi-cel", baseline_labs=base))
    anh = create_patient(store, actor, PatientInput(
        mrn="M-200", name="Nguyễn Thị Ánh", infusion_date="2026-03-02", age_years=44, weight_kg=60.0,
        ward="7B", bed="2", product="cilta-cel", baseline_labs=base))
    gone = create_patient(store, actor, PatientInput(
        mrn="M-300", name="Øverli, Åse", infusion_date="2026-02-01", age_years=70, ward="7B", bed="5"))
    discharge_patient(store, actor, gone.id, expected_version=gone.version, reason="home")
    other = create_patient(store, actor, PatientInput(
        mrn="M-400", name="Other Ward", infusion_date="2026-03-01", age_years=50, ward="ICU", bed="1"))
    for t in ("2026-03-02T08:00", "2026-03-02T20:00"):
        add_assessment(store, actor, jurgen.id, _obs(t))
    add_assessment(store, actor, jurgen.id, _obs(
        "2026-03-03T08:00", temperature_c=39.1, systolic_bp_mmhg=84, hypotension=True,
        vasopressors=[{"agent": "norepinephrine", "dose_mcg_kg_min": 0.08}], o2_device="nasal_cannula",
        o2_flow_l_min=4, labs={"ferritin_ng_ml": 2400, "crp_mg_dl": 9.1}), signature=sig)
    add_intervention(store, actor, jurgen.id, {"time": "2026-03-03T09:00", "drug": "tocilizumab", "dose_mg": 656})
    add_lab(store, actor, jurgen.id, {"time": "2026-03-03T06:00", "anc_per_ul": 400, "platelets_per_ul": 90000})
    first = add_assessment(store, actor, anh.id, _obs("2026-03-03T07:00", temperature_c=38.4))
    add_assessment(store, actor, anh.id, _obs("2026-03-04T10:00", temperature_c=38.2))  # after the first handover
    add_intervention(store, actor, anh.id, {"time": "2026-03-04T11:00", "drug": "dexamethasone", "dose_mg": 10})
    amend_record(store, actor, "assessment", first.record.id, {**first.record.content, "temperature_c": 38.6},
                 expected_version=first.record.version, reason="tympanic reading re-checked",
                 signature=Signature(PASSWORD, "amended"))
    add_assessment(store, actor, other.id, _obs("2026-03-03T07:00"))
    yield {"store": store, "actor": actor, "url": url}
    store.close()


AT1 = datetime(2026, 3, 3, 19, 0)
AT2 = datetime(2026, 3, 4, 19, 0)


def test_handover_view_model_from_the_services(ward: Any) -> None:
    data = handover_data(ward["store"], as_of=AT1, printed_by="Anna Weiß (anna)", printed_at=AT1, settings=SETTINGS)
    # the other ward is left out; the discharged patient left after AT1 (discharged "now"), so is still listed
    assert sorted(p.patient.mrn for p in data.patients) == ["M-100", "M-200", "M-300"]
    later = handover_data(ward["store"], as_of=datetime.now() + timedelta(days=1), printed_by="anna",
                          printed_at=AT1, settings=SETTINGS)
    assert sorted(p.patient.mrn for p in later.patients) == ["M-100", "M-200"]
    j = next(p for p in data.patients if p.patient.mrn == "M-100")
    assert j.crs_now.value == 3 and "norepinephrine" in " ".join(j.crs_now.reasons)
    assert j.course.crs_max == 3 and j.course.crs_onset_day == 2 and j.course.crs_max_day == 2
    assert j.dose_counts == {"tocilizumab": 1}
    assert j.last_ice_score == 10
    assert any(v.vasopressors == ("norepinephrine",) for v in j.vitals)
    assert {lab.name for lab in j.labs} >= {"anc_per_ul", "ferritin_ng_ml"}
    assert j.suggested_actions and all(a.source for a in j.suggested_actions)
    assert j.suggested_actions[0].text.startswith("CRS Grade 3 (severe): ")
    a = next(p for p in data.patients if p.patient.mrn == "M-200")
    assert len([v for v in a.vitals]) == 1  # the 2026-03-04 assessment is after the handover time
    assert a.dose_counts == {}
    assert data.meta.ward == "7B" and data.meta.chain_head_seq and len(data.meta.chain_head_hash) == 64
    assert data.previous is None


def test_print_handover_archives_and_the_next_one_shows_changes(ward: Any) -> None:
    store, actor = ward["store"], ward["actor"]
    first = print_handover(store, actor, as_of=AT1, printed_at=AT1, settings=SETTINGS)
    ev = next(e for e in events(store) if e.seq == first.event_seq)
    assert ev.action == "print" and ev.actor == "anna"
    assert ev.detail["kind"] == "handover"
    assert ev.detail["sha256"] == hashlib.sha256(first.pdf).hexdigest()
    inputs = ev.detail["inputs"]
    assert inputs["as_of"] == "2026-03-03T19:00:00" and inputs["ward"] == "7B"
    assert inputs["chain_head_seq"] == first.data.meta.chain_head_seq
    assert set(inputs["snapshot"]["patients"]) == {"M-100", "M-200", "M-300"}
    # the chain head printed is the one before the print event
    assert first.data.meta.chain_head_seq == first.event_seq - 1

    second = print_handover(store, actor, as_of=AT2, printed_at=AT2, settings=SETTINGS)
    assert second.data.previous is not None and second.data.previous.at == AT1
    text = flat(" ".join(pages_text(second.pdf)))
    assert "previous handover 2026-03-03 19:00 by Anna Weiß (anna)" in text
    assert "new dose: dexamethasone 10 mg at 11:00" in text
    assert "Groß-Böll, Jürgen" in text and "Nguyễn Thị Ánh" in text


def test_patient_report_and_its_archive(ward: Any) -> None:
    store, actor = ward["store"], ward["actor"]
    doc = print_patient_report(store, actor, "M-100", printed_at=AT2, settings=ReportSettings("Uni Süd"))
    data = doc.data
    assert data.meta.ward == "7B"  # the patient's ward when the settings name none
    assert len(data.assessments) == 3
    assert data.assessments[-1].crs.value == 3
    assert [iv.drug for iv in data.interventions] == ["tocilizumab"]
    text = flat(" ".join(pages_text(doc.pdf)))
    assert "Patient: Groß-Böll, Jürgen · MRN M-100" in text
    assert "Grade 3 (severe)" in text and "656 mg" in text and "Tocilizumab used yes (1 dose)" in text
    ev = next(e for e in events(store) if e.seq == doc.event_seq)
    assert ev.detail["kind"] == "patient_report" and ev.detail["mrn"] == "M-100"
    assert ev.detail["sha256"] == hashlib.sha256(doc.pdf).hexdigest()
    # the recorded inputs re-create the archived bytes (records unchanged; chain head as recorded)
    inputs = ev.detail["inputs"]
    again = patient_report_data(store, "M-100", printed_by=inputs["printed_by"],
                                printed_at=datetime.fromisoformat(inputs["printed_at"]),
                                settings=ReportSettings(inputs["institution"]))
    assert again.meta.chain_head_seq == doc.event_seq  # the print event itself moved the head
    again = replace(again, meta=replace(again.meta, chain_head_seq=inputs["chain_head_seq"],
                                        chain_head_hash=inputs["chain_head_hash"]))
    assert hashlib.sha256(build_patient_report_pdf(again)).hexdigest() == ev.detail["sha256"]


def test_audit_report_shows_amendment_with_reason_and_verified_chain(ward: Any) -> None:
    store, actor = ward["store"], ward["actor"]
    data = audit_report_data(store, printed_by="anna", printed_at=AT2, mrn="M-200", settings=SETTINGS)
    amend = next(e for e in data.events if e.action == "amend")
    assert amend.reason == "tympanic reading re-checked"
    assert any(c.field == "temperature_c" and c.old == "38.4" and c.new == "38.6" for c in amend.changes)
    assert data.verification.ok and data.verification.events_checked >= len(data.events)
    doc = print_audit_report(store, actor, mrn="M-200", printed_at=AT2, settings=SETTINGS)
    text = flat(" ".join(pages_text(doc.pdf)))
    assert "temperature_c: 38.4 → 38.6" in text and "tympanic reading re-checked" in text
    assert "INTACT — verified" in text
    assert "Patient: Nguyễn Thị Ánh · MRN M-200" in text


def test_cli_handover_and_report(ward: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARTOX_PASSWORD", PASSWORD)
    monkeypatch.setenv("CARTOX_INSTITUTION", "Universitätsklinikum Süd")
    out = tmp_path / "handover.pdf"
    rc = main(["--db", ward["url"], "--user", "anna", "handover", "--out", str(out), "--at", "2026-03-04T19:00",
               "--ward", "7B"])
    assert rc == 0 and out.read_bytes().startswith(b"%PDF")
    text = flat(" ".join(pages_text(out.read_bytes())))
    assert "Universitätsklinikum Süd — 7B" in text and "As of 2026-03-04 19:00" in text
    rep = tmp_path / "sub" / "report.pdf"
    assert main(["--db", ward["url"], "--user", "anna", "report", "M-200", "--out", str(rep)]) == 0
    assert "Nguyễn Thị Ánh" in flat(" ".join(pages_text(rep.read_bytes())))
    missing = tmp_path / "missing.pdf"
    assert main(["--db", ward["url"], "--user", "anna", "report", "NOPE", "--out", str(missing)]) == 2
    assert not missing.exists() and not (tmp_path / "missing.pdf.partial").exists()
    assert main(["--db", ward["url"], "--user", "anna", "handover", "--out", str(out), "--at", "yesterday"]) == 2
