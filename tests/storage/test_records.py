"""Recording, amending and voiding clinical entries: what a nurse or physician sees."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from cartox_desktop.clinical import RULES_VERSION
from cartox_desktop.services import (
    Actor,
    AuthenticationFailed,
    ConflictError,
    PermissionDenied,
    Signature,
    SignatureRequired,
    ValidationFailed,
    add_assessment,
    add_intervention,
    add_lab,
    amend_record,
    create_patient,
    events,
    patient_timeline,
    record_case,
    record_history,
    review_record,
    verify,
    void_record,
)
from cartox_desktop.storage import Store
from cartox_desktop.storage.models import Assessment, AuditEvent, LabResult, Patient

from .helpers import PASSWORD, admission, assessment, grade3


def _counts(store: Store) -> tuple[int, int, int, int]:
    with store.reading() as s:
        return (s.scalar(select(func.count()).select_from(Patient)) or 0,
                s.scalar(select(func.count()).select_from(Assessment)) or 0,
                s.scalar(select(func.count()).select_from(LabResult)) or 0,
                s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_saved_assessment_is_graded_with_the_rules_version(store: Store, nurse: Actor, patient: Any) -> None:
    saved = add_assessment(store, nurse, patient.id, assessment())
    assert saved.record.grades is not None
    assert saved.record.grades.crs_astct == 1
    assert saved.record.grades.rules_version == RULES_VERSION
    assert saved.record.day == 2
    assert saved.course is not None and saved.course.crs_max_grade == 1
    history = record_history(store, "assessment", saved.record.id)
    assert [v.action for v in history] == ["create"]
    assert history[0].actor == "nurse"
    assert history[0].grades_after == {"crs_astct": 1, "crs_ctcae": 1, "icans_astct": 0,
                                       "rules_version": RULES_VERSION}
    assert history[0].record["content"]["temperature_c"] == 38.6


def test_bad_input_is_refused_with_the_field_named_and_nothing_stored(store: Store, nurse: Actor,
                                                                      patient: Any) -> None:
    before = _counts(store)
    bad = assessment(temperature_c=101.3, ice={"year": 1, "month": 1, "city": 1, "hospital": 1, "naming": 4,
                                               "commands": 1, "writing": 1, "attention": 1})
    with pytest.raises(ValidationFailed) as caught:
        add_assessment(store, nurse, patient.id, bad)
    paths = {e.path for e in caught.value.errors}
    assert paths == {"temperature_c", "ice.naming"}
    message = str(caught.value)
    assert "temperature_c = 101.3" in message and "°F" in message and "nothing was saved" in message
    with pytest.raises(ValidationFailed) as lab_error:
        add_lab(store, nurse, patient.id, {"date": "2026-03-04", "platelets_per_ul": 90})
    assert lab_error.value.errors[0].path == "platelets_per_ul"
    with pytest.raises(ValidationFailed) as unknown:
        add_assessment(store, nurse, patient.id, assessment(temprature_c=38.0))
    assert unknown.value.errors[0].path == "temprature_c"
    assert _counts(store) == before


def test_duplicate_assessment_id_is_refused(store: Store, nurse: Actor, patient: Any) -> None:
    add_assessment(store, nurse, patient.id, assessment(id="a1"))
    with pytest.raises(ValidationFailed) as caught:
        add_assessment(store, nurse, patient.id, assessment("2026-03-03T12:00", id="a1"))
    assert caught.value.errors[0].path == "id"


def test_grade_3_needs_an_electronic_signature(store: Store, nurse: Actor, patient: Any) -> None:
    before = _counts(store)
    with pytest.raises(SignatureRequired) as caught:
        add_assessment(store, nurse, patient.id, grade3())
    assert "grade 3" in str(caught.value) and caught.value.meaning == "recorded"
    with pytest.raises(AuthenticationFailed) as wrong:
        add_assessment(store, nurse, patient.id, grade3(), signature=Signature("not my password", "recorded"))
    assert "nothing was saved" in str(wrong.value)
    after_failure = _counts(store)
    assert after_failure[:3] == before[:3]  # the failed signature is audited, nothing else stored
    saved = add_assessment(store, nurse, patient.id, grade3(), signature=Signature(PASSWORD, "recorded"))
    assert saved.record.grades is not None and saved.record.grades.crs_astct == 3
    event = events(store, entity="assessment", entity_id=saved.record.id)[-1]
    assert event.detail["signature"]["meaning"] == "recorded"
    assert event.detail["signature"]["signed_by"] == "nurse"
    failures = [e for e in events(store) if e.action == "signature_failed"]
    assert len(failures) == 1 and failures[0].actor == "nurse"


def test_amendment_keeps_every_version_with_reason_and_signature(store: Store, nurse: Actor,
                                                                  patient: Any) -> None:
    first = add_assessment(store, nurse, patient.id, assessment(temperature_c=36.1)).record
    changed = {**first.content, "temperature_c": 38.1}
    with pytest.raises(ValidationFailed) as no_reason:
        amend_record(store, nurse, "assessment", first.id, changed, expected_version=1, reason=" ",
                     signature=Signature(PASSWORD, "amended"))
    assert no_reason.value.errors[0].path == "reason"
    with pytest.raises(SignatureRequired):
        amend_record(store, nurse, "assessment", first.id, changed, expected_version=1, reason="typo",
                     signature=None)
    result = amend_record(store, nurse, "assessment", first.id, changed, expected_version=1,
                          reason="36.1 was a typing error for 38.1", signature=Signature(PASSWORD, "amended"))
    assert result.record.version == 2
    assert result.record.grades is not None and result.record.grades.crs_astct == 1
    history = record_history(store, "assessment", first.id)
    assert [(v.action, v.version) for v in history] == [("create", 1), ("amend", 2)]
    assert history[0].record["content"]["temperature_c"] == 36.1  # the original is not obscured
    assert history[1].reason == "36.1 was a typing error for 38.1"
    assert history[1].signature_meaning == "amended"
    assert history[1].grades_before["crs_astct"] == 0 and history[1].grades_after["crs_astct"] == 1


def test_optimistic_lock_second_save_gets_a_conflict_and_loses_nothing(store: Store, nurse: Actor,
                                                                       physician: Actor, patient: Any) -> None:
    record = add_assessment(store, nurse, patient.id, assessment(temperature_c=37.0)).record
    # Both computers opened version 1.
    mine = {**record.content, "temperature_c": 38.2}
    theirs = {**record.content, "temperature_c": 37.4, "spo2_percent": 95}
    amend_record(store, physician, "assessment", record.id, theirs, expected_version=1, reason="re-measured",
                 signature=Signature(PASSWORD, "amended"))
    with pytest.raises(ConflictError) as caught:
        amend_record(store, nurse, "assessment", record.id, mine, expected_version=1, reason="fever at 12:00",
                     signature=Signature(PASSWORD, "amended"))
    message = str(caught.value)
    assert "changed by doc" in message and "reload" in message and "version 2" in message
    assert caught.value.details.attempted["temperature_c"] == 38.2  # what the nurse typed is kept
    stored = patient_timeline(store, patient.id).assessments[0]
    assert stored.content["temperature_c"] == 37.4 and stored.version == 2  # the first save is intact
    again = amend_record(store, nurse, "assessment", record.id, {**stored.content, "temperature_c": 38.2},
                         expected_version=stored.version, reason="fever at 12:00",
                         signature=Signature(PASSWORD, "amended"))
    assert again.record.version == 3 and again.record.content["spo2_percent"] == 95


def test_only_physicians_and_admins_void(store: Store, nurse: Actor, physician: Actor, patient: Any) -> None:
    first = add_assessment(store, nurse, patient.id, assessment("2026-03-03T08:00", temperature_c=39.1)).record
    add_assessment(store, nurse, patient.id, assessment("2026-03-03T12:00", temperature_c=37.0))
    with pytest.raises(PermissionDenied) as denied:
        void_record(store, nurse, "assessment", first.id, expected_version=1, reason="wrong patient",
                    signature=Signature(PASSWORD, "amended"))
    assert "physician or admin" in str(denied.value)
    voided = void_record(store, physician, "assessment", first.id, expected_version=1,
                         reason="entered on the wrong patient", signature=Signature(PASSWORD, "amended"))
    assert voided.record.voided and voided.record.void_reason == "entered on the wrong patient"
    timeline = patient_timeline(store, patient.id)
    assert len(timeline.assessments) == 2 and len(timeline.active_assessments) == 1
    assert timeline.course is not None and timeline.course.crs_max_grade == 0  # re-graded without it
    with pytest.raises(ValidationFailed):
        amend_record(store, physician, "assessment", first.id, first.content, expected_version=2, reason="x",
                     signature=Signature(PASSWORD, "amended"))


def test_backdated_intervention_regrades_later_assessments_with_their_own_events(
        store: Store, nurse: Actor, patient: Any) -> None:
    add_assessment(store, nurse, patient.id, assessment("2026-03-03T08:00", temperature_c=38.9))
    later = add_assessment(store, nurse, patient.id, assessment(
        "2026-03-03T20:00", temperature_c=37.2, systolic_bp_mmhg=84, hypotension=True)).record
    assert later.grades is not None and later.grades.crs_astct == 0  # afebrile, no waiver yet
    # Tocilizumab at 10:00, entered late: fever is waived afterwards (clinical-rules §1), so the
    # 20:00 hypotension now counts as CRS grade 2.
    result = add_intervention(store, nurse, patient.id, {"time": "2026-03-03T10:00", "drug": "tocilizumab",
                                                         "dose_mg": 656}, given_by="Nina Nurse")
    assert result.record.given_by == "Nina Nurse"
    change = next(c for c in result.regraded if c.assessment_id == later.id)
    assert change.before is not None and change.after is not None
    assert (change.before["crs_astct"], change.after["crs_astct"]) == (0, 2)
    regrade = [e for e in events(store, entity="assessment", entity_id=later.id) if e.action == "regrade"][-1]
    assert regrade.detail["reason"] == f"course re-graded after create of intervention {result.record.id}"
    assert regrade.detail["grades_before"]["crs_astct"] == 0 and regrade.detail["grades_after"]["crs_astct"] == 2
    timeline = patient_timeline(store, patient.id)
    assert timeline.assessments[1].grades is not None and timeline.assessments[1].grades.crs_astct == 2
    assert verify(store).ok


def test_review_signature_is_recorded(store: Store, nurse: Actor, physician: Actor, patient: Any) -> None:
    saved = add_assessment(store, nurse, patient.id, grade3(), signature=Signature(PASSWORD, "recorded"))
    seq = review_record(store, physician, "assessment", saved.record.id, signature=Signature(PASSWORD, "reviewed"),
                        note="agree: grade 3")
    event = events(store, since_seq=seq - 1, limit=1)[0]
    assert event.action == "review" and event.detail["signature"]["meaning"] == "reviewed"
    assert verify(store).ok


def test_record_case_stores_everything_or_nothing(store: Store, nurse: Actor) -> None:
    case = {"patient": {"age_years": 58, "weight_kg": 82.0}, "product": "axi-cel", "infusion_date": "2026-03-01",
            "assessments": [assessment("2026-03-03T08:00", id="a1"), assessment("2026-03-04T08:00", id="a2")],
            "labs": [{"date": "2026-03-05", "anc_per_ul": 300}],
            "interventions": [{"time": "2026-03-03T09:00", "drug": "tocilizumab", "dose_mg": 656}],
            "death": None}
    bad = {**case, "labs": [{"date": "2026-03-05", "anc_per_ul": -3}]}
    before = _counts(store)
    with pytest.raises(ValidationFailed) as caught:
        record_case(store, nurse, bad, mrn="", name="Zoë Müller")
    assert {e.path for e in caught.value.errors} == {"labs[0].anc_per_ul", "mrn"}
    assert _counts(store) == before
    done = record_case(store, nurse, case, mrn="MRN-9", name="Zoë Müller")
    assert (done.assessments, done.labs, done.interventions) == (2, 1, 1)
    timeline = patient_timeline(store, mrn="MRN-9")
    assert [a.case_id for a in timeline.assessments] == ["a1", "a2"]
    assert timeline.interventions[0].content["drug"] == "tocilizumab"
    assert verify(store).ok


def test_existing_mrn_is_refused(store: Store, nurse: Actor, patient: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        create_patient(store, nurse, admission())
    assert caught.value.errors[0].path == "mrn" and "already exists" in str(caught.value)


def test_patient_fields_are_checked_like_a_case_file(store: Store, nurse: Actor) -> None:
    with pytest.raises(ValidationFailed) as caught:
        create_patient(store, nurse, admission("MRN-2", age_years=None, weight_kg=900, product="car-t",
                                               infusion_date="03/01/2026"))
    paths = {e.path for e in caught.value.errors}
    assert {"infusion_date", "age_years", "weight_kg", "product"} <= paths
    view = create_patient(store, nurse, admission("MRN-3", age_years=None, date_of_birth="2018-05-02"))
    assert view.age_years == 7.0  # completed years at infusion


def test_patient_amendment_regrades_and_discharge_leaves_the_board(store: Store, nurse: Actor,
                                                                    physician: Actor, patient: Any) -> None:
    from cartox_desktop.services import amend_patient, discharge_patient, get_patient, ward_board

    add_assessment(store, nurse, patient.id, assessment("2026-03-03T08:00"))
    assert [row.patient.mrn for row in ward_board(store)] == ["MRN-1"]
    assert ward_board(store)[0].latest_crs_astct == 1
    moved = admission(infusion_date="2026-03-02", weight_kg=80.5)
    with pytest.raises(ConflictError):
        amend_patient(store, physician, patient.id, moved, expected_version=7, reason="x",
                      signature=Signature(PASSWORD, "amended"))
    amended = amend_patient(store, physician, patient.id, moved, expected_version=patient.version,
                            reason="infusion was on 2 March (pharmacy record)", signature=Signature(PASSWORD, "amended"))
    assert amended.weight_kg == 80.5 and amended.version == patient.version + 1
    timeline = patient_timeline(store, patient.id)
    assert timeline.assessments[0].day == 1  # every day shifted with the infusion date
    assert timeline.course is not None and timeline.course.result["crs_onset_day"] == 1
    history = record_history(store, "patient", patient.id)
    assert [v.action for v in history] == ["create", "amend"]
    assert history[1].reason == "infusion was on 2 March (pharmacy record)"
    with pytest.raises(PermissionDenied, match="discharging a patient needs role physician or admin"):
        discharge_patient(store, nurse, patient.id, expected_version=amended.version, reason="home")
    assert get_patient(store, mrn="MRN-1").status == "active"
    discharge_patient(store, physician, patient.id, expected_version=amended.version, reason="home")
    assert ward_board(store) == [] and get_patient(store, mrn="MRN-1").status == "discharged"
    assert verify(store).ok
