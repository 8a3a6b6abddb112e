"""Read models for the ward board and the reports: a patient's whole timeline, record history.

``patient_timeline`` is four indexed queries (patient, assessments joined with their grades,
labs, interventions) plus the stored course: no grading at read time, so one patient's 35-day
course loads in milliseconds whatever the size of the database.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from cartox_desktop.storage.models import (
    Assessment,
    AssessmentGrade,
    AuditEvent,
    Intervention,
    LabResult,
    Patient,
    PatientCourse,
)
from cartox_desktop.storage.store import Store

from .common import course_view, loads, patient_view, record_view
from .dto import RecordVersion, Timeline
from .errors import NotFound
from .grading import case_number

_MODELS: dict[str, Any] = {"assessment": Assessment, "lab": LabResult, "intervention": Intervention}


def patient_timeline(store: Store, patient_id: int | None = None, *, mrn: str | None = None) -> Timeline:
    """The patient's course: every assessment (with stored grades), lab entry and intervention
    in time order, voided ones included and flagged, and the stored course results."""
    with store.reading() as session:
        if patient_id is None:
            patient = session.scalar(select(Patient).where(Patient.mrn == mrn))
        else:
            patient = session.get(Patient, patient_id)
        if patient is None:
            what = f"MRN {mrn!r}" if patient_id is None else f"id {patient_id}"
            raise NotFound(f"patient {what} does not exist")
        view = patient_view(patient)
        infusion = view.infusion_date
        # Core selects (plain rows, no ORM identity map): the ward board opens timelines often.
        a_table, g_table = Assessment.__table__, AssessmentGrade.__table__
        assessments = tuple(
            record_view("assessment", row, infusion, _GradeRow(row) if row.rules_version is not None else None)
            for row in session.execute(
                select(a_table, g_table.c.rules_version, g_table.c.crs_astct, g_table.c.crs_ctcae,
                       g_table.c.icans_astct, g_table.c.result, g_table.c.graded_at)
                .outerjoin(g_table, g_table.c.assessment_id == a_table.c.id)
                .where(a_table.c.patient_id == patient.id).order_by(a_table.c.time, a_table.c.id)))
        labs = tuple(record_view("lab", r, infusion) for r in session.execute(
            select(LabResult.__table__).where(LabResult.patient_id == patient.id)
            .order_by(LabResult.time, LabResult.id)))
        interventions = tuple(record_view("intervention", r, infusion) for r in session.execute(
            select(Intervention.__table__).where(Intervention.patient_id == patient.id)
            .order_by(Intervention.time, Intervention.id)))
        course = course_view(session.get(PatientCourse, patient.id))
    return Timeline(view, assessments, labs, interventions, course)


class _GradeRow:
    """Adapts a joined assessment+grade row to what ``grade_view`` reads."""

    __slots__ = ("rules_version", "crs_astct", "crs_ctcae", "icans_astct", "result", "graded_at")

    def __init__(self, row: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(row, name))


def get_record(store: Store, kind: str, record_id: int) -> Any:
    """One record's current version (``RecordView``)."""
    model = _MODELS.get(kind)
    if model is None:
        raise NotFound(f"kind {kind!r}: accepted assessment, lab, intervention")
    with store.reading() as session:
        row = session.get(model, record_id)
        if row is None:
            raise NotFound(f"{kind} id {record_id} does not exist")
        infusion = session.scalar(select(Patient.infusion_date).where(Patient.id == row.patient_id))
        grade = session.get(AssessmentGrade, record_id) if kind == "assessment" else None
        return record_view(kind, row, infusion or date.min, grade)


def record_history(store: Store, entity: str, record_id: int) -> list[RecordVersion]:
    """Every version of a record, oldest first, from the audit trail (creates, amendments,
    voids, reviews and re-grades), each with who, when, why and the grades before/after."""
    with store.reading() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.entity == entity,
                                                        AuditEvent.entity_id == record_id)
                               .order_by(AuditEvent.seq)).all()
        out = []
        for e in rows:
            detail = loads(e.detail) or {}
            record = detail.get("record") or {}
            sig = detail.get("signature") or {}
            out.append(RecordVersion(e.seq, e.ts_local, e.actor, e.action, record.get("version"),
                                     detail.get("reason"), sig.get("meaning"), record,
                                     detail.get("grades_before"), detail.get("grades_after"),
                                     note=detail.get("note"), audit_detail=detail.get("audit_detail")))
    if not out:
        raise NotFound(f"{entity} id {record_id} has no history (unknown record)")
    return out


def case_from_timeline(timeline: Timeline) -> dict[str, Any]:
    """The case-format case of a stored patient (voided records left out)."""
    p = timeline.patient
    person: dict[str, Any] = {"age_years": case_number(p.age_years)}
    if p.weight_kg is not None:
        person["weight_kg"] = case_number(p.weight_kg)
    case: dict[str, Any] = {"patient": person, "infusion_date": p.infusion_date.isoformat()}
    if p.product:
        case["product"] = p.product
    if p.baseline_labs:
        case["baseline_labs"] = dict(p.baseline_labs)
    if p.upper_limits:
        case["upper_limits"] = dict(p.upper_limits)
    if p.death is not None:
        case["death"] = dict(p.death)
    case["assessments"] = [dict(r.content) for r in timeline.assessments if not r.voided]
    case["labs"] = [dict(r.content) for r in timeline.labs if not r.voided]
    case["interventions"] = [dict(r.content) for r in timeline.interventions if not r.voided]
    return case
