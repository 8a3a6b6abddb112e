"""Patients: admit, amend demographics, discharge, find, and the ward board.

Patient fields that feed grading (age, weight, product, infusion date, baseline labs, upper
limits, death) are validated by the clinical core exactly as in a case file; an amendment
re-grades the course and is signed, with a reason, like any other amendment (11.10(e), 11.50).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from cartox_desktop.clinical import CaseInvalid, parse_case
from cartox_desktop.storage.models import Patient, PatientCourse
from cartox_desktop.storage.snapshot import PRIVATE_KEYS, record_hash_of
from cartox_desktop.storage.store import Store

from . import audit
from .auth import signature_proof
from .board import board_summary
from .board import row_values as board_row_values
from .common import acting_user, dumps, loads, patient_view, require_role, stamps
from .dto import Actor, PatientInput, PatientView, Signature, WardRow
from .errors import (
    ConflictDetails,
    ConflictError,
    FieldIssue,
    NotFound,
    SignatureRequired,
    ValidationFailed,
)
from .grading import apply_grades, build_case, course_summary, grade, load_state, validate

DISCHARGE_ROLES = ("physician", "admin")
_CASE_PATHS = {"patient.age_years": "age_years", "patient.weight_kg": "weight_kg"}


def _date(value: date | str | None, field: str, errors: list[FieldIssue]) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.append(FieldIssue(field, value, "a date such as 2026-03-04 (YYYY-MM-DD)"))
        return None


def _text(value: str | None, field: str, limit: int, errors: list[FieldIssue], required: bool) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            errors.append(FieldIssue(field, value, f"required: 1–{limit} characters"))
        return None
    if len(text) > limit or any(ord(c) < 32 for c in text):
        errors.append(FieldIssue(field, value, f"1–{limit} printable characters"))
    return text


def completed_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def check_patient(data: PatientInput) -> dict[str, Any]:
    """Validate admission data; returns the column values. Raises ``ValidationFailed`` naming
    every bad field (case-level fields through the clinical core, as in a case file)."""
    errors: list[FieldIssue] = []
    mrn = _text(data.mrn, "mrn", 64, errors, True)
    name = _text(data.name, "name", 200, errors, True)
    ward = _text(data.ward, "ward", 64, errors, False)
    bed = _text(data.bed, "bed", 32, errors, False)
    dob = _date(data.date_of_birth, "date_of_birth", errors)
    infusion = _date(data.infusion_date, "infusion_date", errors)
    age = data.age_years
    if infusion is None and not any(e.path == "infusion_date" for e in errors):
        errors.append(FieldIssue("infusion_date", data.infusion_date, "required: the CAR-T infusion date (day 0)"))
    if dob is not None and infusion is not None:
        if dob > infusion:
            errors.append(FieldIssue("date_of_birth", dob.isoformat(), f"must be on or before the infusion date "
                                     f"{infusion.isoformat()}"))
        elif age is None:
            age = completed_years(dob, infusion)
        elif isinstance(age, int | float) and int(age) != completed_years(dob, infusion):
            errors.append(FieldIssue("age_years", age, f"does not match date_of_birth {dob.isoformat()} "
                                     f"({completed_years(dob, infusion)} completed years at infusion)"))
    if age is None and dob is None:
        errors.append(FieldIssue("age_years", None, "required (0–120 years), or give date_of_birth"))
    # Placeholders for fields already refused, so the core still checks all the others at once.
    case: dict[str, Any] = {"patient": {"age_years": age if age is not None else 30}, "assessments": []}
    if data.weight_kg is not None:
        case["patient"]["weight_kg"] = data.weight_kg
    case["infusion_date"] = infusion.isoformat() if infusion else "2000-01-01"
    for key in ("product", "baseline_labs", "upper_limits", "death"):
        value = getattr(data, key)
        if value is not None:
            case[key] = value
    already = {e.path for e in errors}
    try:
        parse_case(case)
    except CaseInvalid as exc:
        for err in exc.errors:
            path = _CASE_PATHS.get(err.path, err.path)
            if path not in already:
                errors.append(FieldIssue(path, err.value, err.message))
    ice_baseline = check_ice_baseline(data.ice_baseline, errors)
    if errors:
        raise ValidationFailed(errors, "patient")
    return {
        "ice_baseline": dumps(ice_baseline) if ice_baseline else None,
        "mrn": mrn, "name": name, "ward": ward, "bed": bed, "date_of_birth": dob, "infusion_date": infusion,
        "age_years": float(age) if age is not None else None, "weight_kg": data.weight_kg,
        "product": data.product,
        "baseline_labs": dumps(data.baseline_labs) if data.baseline_labs is not None else None,
        "upper_limits": dumps(data.upper_limits) if data.upper_limits is not None else None,
        "death": dumps(data.death) if data.death is not None else None,
    }


ICE_BASELINE_KEYS = ("city", "hospital", "sentence")
ICE_BASELINE_LIMIT = 200


def check_ice_baseline(value: Any, errors: list[FieldIssue]) -> dict[str, str] | None:
    """The patient's own ICE answers ({city, hospital, sentence}, empty ones left out)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        errors.append(FieldIssue("ice_baseline", value, "an object with keys city, hospital, sentence"))
        return None
    out: dict[str, str] = {}
    for key, answer in value.items():
        path = f"ice_baseline.{key}"
        if key not in ICE_BASELINE_KEYS:
            errors.append(FieldIssue(path, answer, f"unknown key; accepted: {', '.join(ICE_BASELINE_KEYS)}"))
            continue
        if answer is None:
            continue
        if not isinstance(answer, str) or len(answer.strip()) > ICE_BASELINE_LIMIT or \
                any(ord(c) < 32 for c in answer):
            errors.append(FieldIssue(path, answer, f"at most {ICE_BASELINE_LIMIT} printable characters on one line "
                                     "(empty: the ward's answer from the settings)"))
            continue
        if answer.strip():
            out[key] = answer.strip()
    return out or None


def _public(text: str) -> dict[str, Any]:
    return {k: v for k, v in json.loads(text).items() if k not in PRIVATE_KEYS}


def _audit_patient(session: Any, actor: str, action: str, patient: Patient, **detail: Any) -> int:
    session.flush()
    text, digest = record_hash_of("patient", patient)
    # ice_baseline (revision 0003) is not part of the hashed snapshot yet: logged beside it.
    detail.setdefault("ice_baseline", loads(patient.ice_baseline))
    event = audit.append(session, actor=actor, action=action, entity="patient", entity_id=patient.id,
                         patient_id=patient.id, record_hash=digest, detail={"record": _public(text), **detail})
    return event.seq


def insert_patient(session: Any, username: str, values: dict[str, Any]) -> Patient:
    """Add the patient row and its ``create`` event inside the caller's transaction."""
    if session.scalar(select(Patient.id).where(Patient.mrn == values["mrn"])) is not None:
        raise ValidationFailed([FieldIssue("mrn", values["mrn"], "a patient with this MRN already exists; "
                                           "open that patient instead")], "patient")
    utc, _ = stamps()
    patient = Patient(**values, status="active", created_at=utc, created_by=username)
    session.add(patient)
    _audit_patient(session, username, "create", patient)
    return patient


def create_patient(store: Store, actor: Actor, data: PatientInput) -> PatientView:
    """Admit a patient (any role). Raises ``ValidationFailed`` naming every bad field."""
    values = check_patient(data)
    with store.writing() as session:
        user = acting_user(session, actor)
        patient = insert_patient(session, user.username, values)
        state = load_state(session, patient.id)
        build = build_case(state)
        output = grade(validate(build, None, "patient"))
        apply_grades(session, state, build, output)
        return patient_view(patient)


def _load_patient(session: Any, patient_id: int, expected_version: int, attempted: dict[str, Any]) -> Patient:
    patient: Patient | None = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound(f"patient id {patient_id} does not exist")
    if patient.version != expected_version:
        raise ConflictError(ConflictDetails("patient", patient_id, expected_version, patient.version,
                                            patient.updated_by or patient.created_by,
                                            patient.updated_at or patient.created_at, attempted))
    return patient


def amend_patient(store: Store, actor: Actor, patient_id: int, data: PatientInput, *, expected_version: int,
                  reason: str, signature: Signature | None) -> PatientView:
    """Replace the patient's details (a new version); re-grades the course. Reason + signature."""
    if not (reason or "").strip():
        raise ValidationFailed([FieldIssue("reason", reason, "required for an amendment: say why")], "amendment")
    if signature is None:
        raise SignatureRequired("amending a patient needs your electronic signature (password again, meaning "
                                "'amended'); nothing was saved yet", "amended")
    values = check_patient(data)
    proof = signature_proof(store, actor, signature, ("amended",))
    with store.writing() as session:
        user = acting_user(session, actor)
        patient = _load_patient(session, patient_id, expected_version, {"patient": data})
        if values["mrn"] != patient.mrn and session.scalar(select(Patient.id).where(Patient.mrn == values["mrn"])):
            raise ValidationFailed([FieldIssue("mrn", values["mrn"], "another patient has this MRN")], "patient")
        state = load_state(session, patient_id)
        for key, value in values.items():
            setattr(patient, key, value)
        build = build_case(state)
        output = grade(validate(build, None, "patient amendment"))
        utc, _ = stamps()
        patient.updated_at, patient.updated_by = utc, user.username
        session.flush()
        applied = apply_grades(session, state, build, output)
        _audit_patient(session, user.username, "amend", patient, reason=reason.strip(), signature=proof,
                       course_before=applied.course_before, course_after=applied.course_after)
        _regrade_events(session, user.username, patient, applied)
        return patient_view(patient)


def _regrade_events(session: Any, username: str, patient: Patient, applied: Any) -> None:
    for update in applied.updates:
        text, digest = record_hash_of("assessment", update.row, update.grade)
        audit.append(session, actor=username, action="regrade", entity="assessment", entity_id=update.row.id,
                     patient_id=patient.id, record_hash=digest,
                     detail={"record": _public(text), "mrn": patient.mrn,
                             "reason": "course re-graded after amendment of the patient",
                             "grades_before": update.before, "grades_after": update.after})


def set_status(store: Store, actor: Actor, patient_id: int, status: str, *, expected_version: int,
               reason: str | None = None) -> PatientView:
    """Discharge (``status="discharged"``) or re-admit (``"active"``) a patient (physicians and
    admins only); audited."""
    if status not in ("active", "discharged"):
        raise ValidationFailed([FieldIssue("status", status, "accepted: active, discharged")], "patient")
    with store.writing() as session:
        user = acting_user(session, actor)
        require_role(user, DISCHARGE_ROLES, "discharging a patient" if status == "discharged" else
                     "re-admitting a patient")
        patient = _load_patient(session, patient_id, expected_version, {"status": status})
        utc, _ = stamps()
        patient.status = status
        patient.discharged_at = utc if status == "discharged" else None
        patient.updated_at, patient.updated_by = utc, user.username
        _audit_patient(session, user.username, "discharge" if status == "discharged" else "readmit", patient,
                       reason=reason)
        return patient_view(patient)


def discharge_patient(store: Store, actor: Actor, patient_id: int, *, expected_version: int,
                      reason: str | None = None) -> PatientView:
    """Discharge a patient from the ward board (physicians and admins only); audited."""
    return set_status(store, actor, patient_id, "discharged", expected_version=expected_version, reason=reason)


def get_patient(store: Store, *, patient_id: int | None = None, mrn: str | None = None) -> PatientView:
    """One patient by id or MRN; ``NotFound`` names what was looked for."""
    with store.reading() as session:
        if patient_id is not None:
            patient = session.get(Patient, patient_id)
        else:
            patient = session.scalar(select(Patient).where(Patient.mrn == (mrn or "").strip()))
        if patient is None:
            what = f"id {patient_id}" if patient_id is not None else f"MRN {mrn!r}"
            raise NotFound(f"patient {what} does not exist")
        return patient_view(patient)


def find_patients(store: Store, text: str = "", *, status: str | None = None, limit: int = 200) -> list[PatientView]:
    """Patients whose MRN or name contains ``text`` (case-insensitive)."""
    query = select(Patient).order_by(Patient.name).limit(limit)
    if text.strip():
        like = f"%{text.strip().lower()}%"
        query = query.where(func.lower(Patient.mrn).like(like) | func.lower(Patient.name).like(like))
    if status:
        query = query.where(Patient.status == status)
    with store.reading() as session:
        return [patient_view(p) for p in session.scalars(query)]


def ward_board(store: Store, *, ward: str | None = None, status: str = "active",
               today: date | None = None, now: datetime | None = None) -> list[WardRow]:
    """Every patient of the ward, in ward/bed/name order, from the stored course summary (one
    query; no timeline is read): day, course maxima, the latest and previous grades, last ICE,
    next ICE due (``ice_overdue`` at ``now``), tocilizumab doses (24 h before ``now``, total),
    alerts. A course saved before revision 0003 has no summary yet: it is built on the fly
    (read-only) until that patient's next save."""
    now = now or datetime.now()
    today = today or now.date()
    query = (select(Patient, PatientCourse)
             .outerjoin(PatientCourse, PatientCourse.patient_id == Patient.id)
             .where(Patient.status == status).order_by(Patient.ward, Patient.bed, Patient.name, Patient.id))
    if ward is not None:
        query = query.where(Patient.ward == ward)
    rows: list[WardRow] = []
    with store.reading() as session:
        for patient, course in session.execute(query):
            view = patient_view(patient)
            course_json = json.loads(course.result) if course else {}
            if course is not None and course.board:
                summary = json.loads(course.board)
            else:
                state = load_state(session, patient.id)
                summary = board_summary(state.rows["assessment"], state.grades,
                                        state.rows["intervention"], course_json, float(patient.age_years))
            rows.append(WardRow(
                patient=view, day=view.day_on(today),
                crs_max_grade=course.crs_max_grade if course else None,
                icans_max_grade=course.icans_max_grade if course else None,
                **board_row_values(summary, now),
            ))
    return rows


def course_of(store: Store, patient_id: int) -> dict[str, Any] | None:
    """The stored course summary (maxima, onset days, ICAHT, IEC-HS) of a patient."""
    with store.reading() as session:
        course = session.get(PatientCourse, patient_id)
        return course_summary(json.loads(course.result)) if course else None
